/**
 * Standalone executables with Node.js single executable applications (SEA): the dispatcher bundled
 * into a CommonJS script and a second one loaded on first use (sea-split.ts), turned into a blob by node, injected into the target's node executable
 * with postject, then signed where the platform needs it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildDefine } from '../build-info.ts';
import { leanStart } from '../lean-start.ts';
import { adHocSign } from './macho-sign.ts';
import { EXECUTABLE, type Platform } from './platforms.ts';
import { BACK_ASSET, BACK_CACHE_ASSET } from './sea-back.ts';
import { bundleInTwo } from './sea-split.ts';

const run = promisify(execFile);
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const META_URL = '__mimtImportMetaUrl';

/** The two scripts of a standalone executable (sea-split.ts). */
export interface SeaScripts {
  main: string;
  back: string;
}

/**
 * Bundles the dispatcher into `dir` without code splitting (a SEA runs one CommonJS script): the
 * main script and the second one, loaded on first use.
 */
export async function bundleForSea(dir: string): Promise<SeaScripts> {
  const scripts = { main: path.join(dir, 'kubectl-mimt.cjs'), back: path.join(dir, BACK_ASSET) };
  await bundleInTwo(path.join(import.meta.dirname, 'sea-main.ts'), scripts.main, scripts.back, {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // yargs and its parser call createRequire(import.meta.url); inside a SEA the script's own
    // path is the executable's (__filename), which is all they need it for.
    define: { ...buildDefine(), 'import.meta.url': META_URL },
    plugins: [leanStart()],
    banner: { js: `var ${META_URL} = require('node:url').pathToFileURL(__filename).href;` },
  });
  return scripts;
}

/**
 * Writes the SEA preparation blob. `nodeForBlob` must be of the target's Node.js version; the code
 * caches of both scripts (compiled bytecode, about half the start-up time) are only valid for the
 * very binary that made them, so they are made only when that binary is the target.
 */
export async function seaBlob(
  scripts: SeaScripts,
  out: string,
  nodeForBlob: string,
  codeCache: boolean,
): Promise<void> {
  const config = `${out}.json`;
  const cache = `${out}.back-cache`;
  if (codeCache) await run(nodeForBlob, [path.join(import.meta.dirname, 'back-cache.ts'), scripts.back, cache]);
  writeFileSync(
    config,
    JSON.stringify({
      main: scripts.main,
      output: out,
      disableExperimentalSEAWarning: true,
      useCodeCache: codeCache,
      useSnapshot: false,
      assets: { [BACK_ASSET]: scripts.back, ...(codeCache ? { [BACK_CACHE_ASSET]: cache } : {}) },
    }),
  );
  try {
    await run(nodeForBlob, ['--experimental-sea-config', config]);
  } finally {
    rmSync(config, { force: true });
    rmSync(cache, { force: true });
  }
}

const postjectCli = path.join(path.dirname(createRequire(import.meta.url).resolve('postject')), 'cli.js');

/** The target's node with the blob injected, signed as its platform needs, at `out`. */
export async function injectSea(p: Platform, nodeExecutable: string, blob: string, out: string): Promise<void> {
  const work = `${out}.tmp`;
  if (p.os === 'windows') {
    // The OpenJS Foundation's Authenticode signature would be left broken by the injection.
    await run('osslsigncode', ['remove-signature', '-in', nodeExecutable, '-out', work]).catch((error: unknown) => {
      throw new Error(`osslsigncode remove-signature failed (is osslsigncode installed?): ${String(error)}`);
    });
  } else {
    copyFileSync(nodeExecutable, work);
  }
  chmodSync(work, 0o755);
  const macho = p.os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  await run(process.execPath, [postjectCli, work, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL_FUSE, ...macho], {
    maxBuffer: 16 * 1024 * 1024,
  });
  // Injection drops the Mach-O signature, and macOS on Apple silicon runs nothing unsigned.
  if (p.os === 'darwin') writeFileSync(work, adHocSign(readFileSync(work), EXECUTABLE), { mode: 0o755 });
  renameSync(work, out);
}
