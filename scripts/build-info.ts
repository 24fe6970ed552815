/**
 * The version and commit stamped into every bundle (src/core/build-info.ts reads them), for
 * scripts/build.ts and the standalone build of scripts/release.ts alike.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The commit of the checkout, or "unknown" outside git (a source tarball, the npm package). */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

/** esbuild's `define` for the build stamp. */
export function buildDefine(): Record<string, string> {
  return { MIMT_BUILD: JSON.stringify({ version: packageVersion(), commit: gitCommit() }) };
}
