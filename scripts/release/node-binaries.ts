/**
 * Node.js executables from npm, cached outside the checkout: `npm pack <package>@<version>` fetches
 * the package tarball (through npm's own cache and configuration) and the executable is extracted
 * from it once. The cache is keyed by package and version, which never change once published.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Platform } from './platforms.ts';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MIMT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'mimt');
}

/** Path of the platform's node executable in the cache, fetched first when missing. */
export function nodeBinary(p: Platform, log: (line: string) => void): string {
  const dir = path.join(cacheDir(), 'node', `${p.nodePackage}-${p.nodeVersion}`);
  const file = path.join(dir, p.os === 'windows' ? 'node.exe' : 'node');
  if (existsSync(file)) return file;
  log(`fetching ${p.nodePackage}@${p.nodeVersion} from npm`);
  mkdirSync(path.dirname(dir), { recursive: true });
  const work = mkdtempSync(`${dir}.tmp-`);
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', work, `${p.nodePackage}@${p.nodeVersion}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${p.nodePackage}@${p.nodeVersion} wrote no tarball`);
    const member = `package/bin/${path.basename(file)}`;
    execFileSync('tar', ['-xzf', path.join(work, tarball), '-C', work, member]);
    mkdirSync(dir, { recursive: true });
    renameSync(path.join(work, member), file);
    chmodSync(file, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return file;
}
