/**
 * The standalone executable's code in two scripts. Node.js compiles the main script at every start
 * (from its code cache), so it holds only what `--help` and flag parsing need: the CLI layer, yargs
 * and every command's spec. What commands load once parsed (src/commands, the renderers, the
 * Kubernetes client: 7 of the 7.3 MB) is the second script, an asset of the executable compiled on
 * first use (sea-back.ts). A module both scripts use is in the main script only: the second gets its
 * instances (one MimtError class, one registry), never a copy.
 */
import path from 'node:path';
import { type BuildOptions, type Plugin, build } from 'esbuild';
import { ROOT } from '../build-info.ts';
import { FRONT_PREFIX } from './sea-back.ts';

/** Specs are imported on demand by the registry, and --help needs them: they stay in the main script. */
const SPEC = /[\\/]src[\\/]cli[\\/]commands[\\/]/;
const SOURCE = path.join(ROOT, 'src') + path.sep;
const LOADER = path.join(import.meta.dirname, 'sea-back.ts');
const FRONT_TABLE = 'mimt-sea:front-modules';

const rel = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/**
 * In the main script, import() of a module of `back` (or, when `back` is not known yet, of any
 * source module but a spec) becomes a load from the second script; `seen` collects those modules.
 * `table` lists the main script's modules the second script imports.
 */
function mainPart(seen: Set<string>, back?: ReadonlySet<string>, table: readonly string[] = []): Plugin {
  return {
    name: 'sea-main-part',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        if (args.kind !== 'dynamic-import' || !args.importer.startsWith(SOURCE)) return undefined;
        const file = path.resolve(args.resolveDir, args.path);
        if (back ? !back.has(file) : SPEC.test(file)) return undefined;
        seen.add(file);
        return { path: file, namespace: 'sea-back' };
      });
      b.onLoad({ filter: /.*/, namespace: 'sea-back' }, (args) => ({
        contents: [
          `const { backModule } = require(${JSON.stringify(LOADER)});`,
          `module.exports = backModule(${JSON.stringify(rel(args.path))}, require(${JSON.stringify(FRONT_TABLE)}));`,
        ].join('\n'),
        resolveDir: ROOT,
        loader: 'js',
      }));
      b.onResolve({ filter: new RegExp(`^${FRONT_TABLE}$`) }, () => ({ path: FRONT_TABLE, namespace: 'sea-table' }));
      b.onLoad({ filter: /.*/, namespace: 'sea-table' }, () => ({
        contents: `module.exports = {\n${table.map((r) => `  ${JSON.stringify(r)}: () => require(${JSON.stringify(path.join(ROOT, r))}),`).join('\n')}\n};`,
        resolveDir: ROOT,
        loader: 'js',
      }));
    },
  };
}

/**
 * In the second script, a source module of the main script is required from it; `used` collects them.
 * import() of a Node.js module takes it from process.getBuiltinModule: the script runs in node:vm,
 * whose import() would need an experimental loader option (and print a warning).
 */
function backPart(front: ReadonlySet<string>, used: Set<string>): Plugin {
  return {
    name: 'sea-back-part',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, namespace: 'sea-builtin' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'sea-builtin' }, (args) => ({
        contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      b.onResolve({ filter: /^\./ }, (args) => {
        if (!args.importer.startsWith(SOURCE)) return undefined;
        const file = path.resolve(args.resolveDir, args.path);
        if (!front.has(file)) return undefined;
        used.add(rel(file));
        return { path: `${FRONT_PREFIX}${rel(file)}`, external: true };
      });
    },
  };
}

/** Bundles `entry` into `main` and the second script `back`, both CommonJS, with `options`. */
export async function bundleInTwo(entry: string, main: string, back: string, options: BuildOptions): Promise<void> {
  const plugins = options.plugins ?? [];
  // Which modules the main script holds when every import() but the specs' goes to the second script.
  const seen = new Set<string>();
  const probe = await build({
    ...options,
    entryPoints: [entry],
    write: false,
    outfile: main,
    metafile: true,
    absWorkingDir: ROOT,
    plugins: [...plugins, mainPart(seen)],
  });
  const front = new Set(Object.keys(probe.metafile.inputs).map((input) => path.resolve(ROOT, input)));
  // A module imported on demand that the main script holds anyway stays there.
  const backEntries = new Set([...seen].filter((file) => !front.has(file)));
  const used = new Set<string>();
  await build({
    ...options,
    stdin: {
      contents: `module.exports = {\n${[...backEntries].map((file) => `  ${JSON.stringify(rel(file))}: () => require(${JSON.stringify(file)}),`).join('\n')}\n};`,
      resolveDir: ROOT,
      sourcefile: 'kubectl-mimt-back.js',
      loader: 'js',
    },
    outfile: back,
    plugins: [...plugins, backPart(front, used)],
  });
  await build({
    ...options,
    entryPoints: [entry],
    outfile: main,
    plugins: [...plugins, mainPart(new Set(), backEntries, [...used].sort())],
  });
}
