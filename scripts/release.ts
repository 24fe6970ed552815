/**
 * `make release`: the standalone executable of every platform (scripts/release/sea.ts), an archive of
 * each with LICENSE, SHA256SUMS, and the Krew manifest rendered from krew-manifests/mimt.yaml.tmpl.
 *
 *   node scripts/release.ts [--out DIR] [--manifest FILE] [--base-url URL]
 *
 * --out (default dist/release) gets the archives, SHA256SUMS and <os>_<arch>/kubectl-mimt[.exe];
 * --manifest (default krew-manifests/mimt.yaml) the rendered manifest; --base-url (or
 * MIMT_RELEASE_BASE_URL; `{{VERSION}}` is replaced) is where the archives will be downloaded from.
 * Everything built is kept in the cache by a hash of its inputs, so a release of an unchanged tree
 * only renders the manifest again.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, packageVersion } from './build-info.ts';
import { tarGz, zip } from './release/archive.ts';
import { archiveUri, renderManifest } from './release/manifest.ts';
import { cacheDir, nodeBinary } from './release/node-binaries.ts';
import { type Platform, archiveName, blobMaker, executableName, platformName, platforms } from './release/platforms.ts';
import { type SeaScripts, bundleForSea, injectSea, seaBlob } from './release/sea.ts';

/** A placeholder organisation: the project has no public repository yet. */
const DEFAULT_BASE_URL = 'https://github.com/mimt-dev/mimt/releases/download/v{{VERSION}}';
/** Two cores: injection and compression of two platforms at a time keep both busy. */
const PARALLEL = 2;

const { values: flags } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(ROOT, 'dist', 'release') },
    manifest: { type: 'string', default: path.join(ROOT, 'krew-manifests', 'mimt.yaml') },
    'base-url': { type: 'string', default: process.env.MIMT_RELEASE_BASE_URL ?? DEFAULT_BASE_URL },
  },
});
const out = path.resolve(flags.out);
const log = (line: string): void => void process.stderr.write(`release: ${line}\n`);
const started = Date.now();

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(
    `releases are built on linux/x64 (the SEA blobs are made by its node), not ${process.platform}/${process.arch}`,
  );
}
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const version = packageVersion();
const targets = platforms(pkg.devDependencies.node as string);
const license = path.join(ROOT, 'LICENSE');

/** Archive dates: the commit's time, so that archives of one commit have the same bytes. */
function sourceDate(): Date {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv) return new Date(Number(fromEnv) * 1000);
  try {
    return new Date(Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT }).toString()) * 1000);
  } catch {
    return new Date(0);
  }
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const folderOf = (p: Platform): string => `${p.os}_${p.arch}`;

/** Builds every platform's executable and archive into `dir`, from the bundle `scripts`. */
async function buildAll(dir: string, scripts: SeaScripts, date: Date): Promise<void> {
  // Fetched one at a time, before the parallel part: npm and its cache are not made for races.
  const nodes = new Map(targets.map((p) => [p, { target: nodeBinary(p, log), blob: nodeBinary(blobMaker(p), log) }]));
  await inParallel(targets, async (p) => {
    const t = Date.now();
    const folder = path.join(dir, folderOf(p));
    mkdirSync(folder, { recursive: true });
    const node = nodes.get(p) as { target: string; blob: string };
    const blob = path.join(folder, 'sea.blob');
    await seaBlob(scripts, blob, node.blob, node.blob === node.target);
    await injectSea(p, node.target, blob, path.join(folder, executableName(p)));
    rmSync(blob);
    copyFileSync(license, path.join(folder, 'LICENSE'));
    const names = [executableName(p), 'LICENSE'];
    const archive = path.join(dir, archiveName(p, version));
    await (p.os === 'windows' ? zip : tarGz)(folder, names, archive, date);
    log(`${platformName(p)}: ${archiveName(p, version)} in ${((Date.now() - t) / 1000).toFixed(1)}s`);
  });
}

function linkOrCopy(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

const releaseCache = path.join(cacheDir(), 'release');
mkdirSync(releaseCache, { recursive: true });
const work = path.join(releaseCache, `.tmp-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const scripts = await bundleForSea(work);

// What the release is made of: the bundle, the node builds, LICENSE and the release scripts.
const key = createHash('sha256')
  .update(readFileSync(scripts.main))
  .update(readFileSync(scripts.back))
  .update(JSON.stringify({ version, targets }))
  .update(readFileSync(license))
  .update(
    [
      path.join(ROOT, 'scripts', 'release.ts'),
      ...readdirSync(path.join(ROOT, 'scripts', 'release')).map((f) => path.join(ROOT, 'scripts', 'release', f)),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\0'),
  )
  .digest('hex')
  .slice(0, 16);
const built = path.join(releaseCache, key);
if (existsSync(path.join(built, '.done'))) {
  log(`reusing the build of these inputs (${key})`);
  rmSync(work, { recursive: true, force: true });
} else {
  await buildAll(work, scripts, sourceDate());
  rmSync(scripts.main);
  rmSync(scripts.back);
  writeFileSync(path.join(work, '.done'), '');
  // Only the newest build is kept (each is some 800 MB); unfinished ones may be another run's.
  for (const old of readdirSync(releaseCache).filter((f) => !f.startsWith('.tmp-'))) {
    rmSync(path.join(releaseCache, old), { recursive: true, force: true });
  }
  renameSync(work, built);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const archives = new Map<string, { uri: string; sha256: string }>();
const sums: string[] = [];
for (const p of targets) {
  const name = archiveName(p, version);
  linkOrCopy(path.join(built, name), path.join(out, name));
  mkdirSync(path.join(out, folderOf(p)));
  linkOrCopy(path.join(built, folderOf(p), executableName(p)), path.join(out, folderOf(p), executableName(p)));
  const sum = sha256(path.join(out, name));
  sums.push(`${sum}  ${name}\n`);
  archives.set(platformName(p), { uri: archiveUri(flags['base-url'], version, name), sha256: sum });
}
writeFileSync(path.join(out, 'SHA256SUMS'), sums.join(''));
const template = readFileSync(path.join(ROOT, 'krew-manifests', 'mimt.yaml.tmpl'), 'utf8');
writeFileSync(flags.manifest, renderManifest(template, { version, archives }));
log(
  `${targets.length} platforms in ${out}, manifest ${flags.manifest}, in ${((Date.now() - started) / 1000).toFixed(1)}s`,
);
