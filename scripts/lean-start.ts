/**
 * An esbuild plugin that keeps out of start-up what `--help` and flag parsing never use, without
 * changing what they print (test/cli/help-equals-sources.test.ts compares the build with the sources):
 *
 * - string-width and wrap-ansi, as yargs and its help layout (cliui) import them, answer plain text
 *   themselves (scripts/lean-start/plain-text.ts) and load the library only for other text. Loading
 *   string-width builds an Intl.Segmenter (20 ms) and measuring segments graphemes; `ls --help`
 *   spent a third of its CPU there.
 * - yargs' Node.js platform makes its two assertions without node:assert, and looks for no
 *   package.json: mimt configures yargs in code, and the lookup lists every folder from the install
 *   up to the root.
 */
import path from 'node:path';
import type { Plugin } from 'esbuild';

const HERE = path.join(import.meta.dirname, 'lean-start');
const NAMESPACE = 'lean-start';
/** Marks the plugin's own resolution of the real library, so that it is not redirected again. */
const REAL = Symbol('real');

/** yargs and the packages it brings for its help layout. */
const PARSER_PACKAGE = /[\\/]node_modules[\\/](yargs|cliui|wrap-ansi)[\\/]/;
const YARGS_PLATFORM = /[\\/]node_modules[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;

const PLAIN_FIRST: Record<string, string> = {
  'string-width': 'plainWidth',
  'wrap-ansi': 'plainWrap',
};

export function leanStart(): Plugin {
  return {
    name: 'lean-start',
    setup(build) {
      build.onResolve({ filter: /^(string-width|wrap-ansi)$/ }, async (args) => {
        if (args.pluginData === REAL || !PARSER_PACKAGE.test(args.importer)) return undefined;
        const real = await build.resolve(args.path, {
          importer: args.importer,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: REAL,
        });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: NAMESPACE, pluginData: args.path };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const plain = PLAIN_FIRST[args.pluginData as string] as string;
        // require(), not import: esbuild then runs the library's module code on the first call only.
        return {
          contents: [
            `import { ${plain} } from ${JSON.stringify(path.join(HERE, 'plain-text.ts'))};`,
            `export default (text, ...rest) => ${plain}(text, ...rest) ?? require(${JSON.stringify(args.path)}).default(text, ...rest);`,
          ].join('\n'),
          resolveDir: HERE,
          loader: 'js',
        };
      });
      build.onResolve({ filter: /^(assert|escalade\/sync)$/ }, (args) => {
        if (!YARGS_PLATFORM.test(args.importer)) return undefined;
        const file = args.path === 'assert' ? 'assert.ts' : 'no-package-lookup.ts';
        return { path: path.join(HERE, file) };
      });
    },
  };
}
