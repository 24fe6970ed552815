/**
 * Release archives, the same bytes for the same inputs: entries sorted, owned by 0:0, dated at a
 * fixed time. tar.gz comes from GNU tar and gzip (on every Linux that builds releases); zip, which
 * neither Debian's base system nor Node.js writes, from yazl (see docs/distribution.md).
 */
import { execFile } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import yazl from 'yazl';

const run = promisify(execFile);

/** `names`, files in `dir`, into a gzip-compressed tar at `out`. */
export async function tarGz(dir: string, names: string[], out: string, date: Date): Promise<void> {
  await run('tar', [
    '--create',
    `--file=${out}`,
    '--use-compress-program=gzip -n',
    `--directory=${dir}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    `--mtime=@${Math.floor(date.getTime() / 1000)}`,
    '--format=gnu',
    ...[...names].sort(),
  ]);
}

/** `names`, files in `dir`, into a zip at `out`, with their Unix modes. */
export async function zip(dir: string, names: string[], out: string, date: Date): Promise<void> {
  const archive = new yazl.ZipFile();
  for (const name of [...names].sort()) {
    const file = path.join(dir, name);
    archive.addFile(file, name, { mtime: date, mode: statSync(file).mode, compress: true });
  }
  archive.end();
  await pipeline(archive.outputStream, createWriteStream(out));
}
