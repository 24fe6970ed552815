/**
 * Bundles each plugin entry into dist/ with esbuild. Code splitting keeps the Kubernetes client in
 * chunks that load only when a command talks to a cluster, so --help stays fast.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { buildDefine } from './build-info.ts';
import { leanStart } from './lean-start.ts';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// Built beside dist/ and swapped in at the end, so a test running meanwhile never sees half a build.
const next = path.join(root, `dist.${process.pid}`);
const entries = readdirSync(path.join(root, 'plugins'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join(root, 'plugins', f));

rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  define: buildDefine(),
  plugins: [leanStart()],
  banner: {
    // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
    js: "import { createRequire as __mimtRequire } from 'node:module'; const require = __mimtRequire(import.meta.url);",
  },
});

mkdirSync(path.join(next, 'bin'));
for (const entry of entries) {
  const name = path.basename(entry, '.ts');
  chmodSync(path.join(next, `${name}.js`), 0o755);
  symlinkSync(`../${name}.js`, path.join(next, 'bin', name));
}
const old = `${next}.old`;
if (existsSync(dist)) renameSync(dist, old);
renameSync(next, dist);
rmSync(old, { recursive: true, force: true });
