/**
 * Start-up: `kubectl-mimt-ls --help` (the npm install's entry, run by Node.js) and the standalone
 * executable's `ls --help` against `kubectl version --client`. No request is made; what counts is
 * CPU time, since start-up is what every short command pays first.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cacheDir, nodeBinary } from '../../scripts/release/node-binaries.ts';
import { platforms } from '../../scripts/release/platforms.ts';
import { bundleForSea, injectSea, seaBlob } from '../../scripts/release/sea.ts';
import {
  type Context,
  KUBECTL,
  ROOT,
  type ScenarioResult,
  alternate,
  expect,
  log,
  measured,
  plugin,
  row,
  timed,
} from '../common.ts';

/** The linux/amd64 executable as `make release` makes it, built here alone (the release builds five). */
async function buildSea(dir: string): Promise<string> {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const target = platforms(pkg.devDependencies.node as string).find((p) => p.os === 'linux' && p.arch === 'amd64');
  if (!target) throw new Error('no linux/amd64 platform in scripts/release/platforms.ts');
  const node = nodeBinary(target, log);
  const blob = path.join(dir, 'sea.blob');
  const out = path.join(dir, 'kubectl-mimt');
  const scripts = await bundleForSea(dir);
  await seaBlob(scripts, blob, node, true);
  await injectSea(target, node, blob, out);
  return out;
}

export async function startup(ctx: Context): Promise<ScenarioResult> {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('start-up needs linux/x64 for the SEA');
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-bench-sea-'));
  try {
    log(`building the linux/amd64 standalone executable (node from ${cacheDir()})`);
    const sea = await buildSea(dir);
    const runs = Math.max(15, ctx.runs * 3);
    const commands = [
      () => timed(plugin('ls'), ['--help']),
      () => timed(sea, ['ls', '--help']),
      () => timed(KUBECTL, ['version', '--client']),
    ];
    const [npm, standalone, peer] = await alternate(runs, commands, (c, sample) => {
      const ok = c === 2 ? sample.stdout.includes('Client Version') : sample.stdout.includes('kubectl mimt ls');
      expect(ok, () => `start-up command ${c} printed no help (or version): ${sample.stdout.slice(0, 200)}`);
    });
    // The same program twice: its help must be the same text.
    expect(npm?.[0]?.stdout === standalone?.[0]?.stdout, () => 'the SEA prints another `ls --help` than dist/bin');
    const kubectlVersion = measured('kubectl version --client', peer ?? []);
    const rows = [
      row('–', '`ls --help`, npm install (Node.js)', 'cpuMs', measured('kubectl-mimt-ls --help', npm ?? []), [
        kubectlVersion,
      ]),
      row('–', '`ls --help`, standalone executable', 'cpuMs', measured('kubectl-mimt ls --help', standalone ?? []), [
        kubectlVersion,
      ]),
    ];
    return {
      name: 'startup',
      title: 'Start-up',
      notes: [
        `${runs} runs each, alternately. The ratio is of CPU time (user + system): what each invocation costs the machine.`,
        'The standalone executable is the linux/amd64 one `make release` makes (Node.js single executable application with code cache), built by the bench.',
      ],
      rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
