/**
 * Bundles each plugin entry into dist/ with esbuild. Code splitting keeps the Kubernetes client in
 * chunks that load only when a command talks to a cluster, so --help stays fast.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const entries = readdirSync(path.join(root, 'plugins'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join(root, 'plugins', f));

rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
  banner: {
    // CommonJS dependencies inside an ES module bundle still call require() for Node built-ins.
    js: "import { createRequire as __mimtRequire } from 'node:module'; const require = __mimtRequire(import.meta.url);",
  },
});

mkdirSync(path.join(dist, 'bin'));
for (const entry of entries) {
  const name = path.basename(entry, '.ts');
  const file = path.join(dist, `${name}.js`);
  chmodSync(file, 0o755);
  symlinkSync(`../${name}.js`, path.join(dist, 'bin', name));
}
