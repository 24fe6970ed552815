/**
 * The machine and versions a run is measured on, and docs/benchmarks.md made from a run's results.
 */
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { format, resolveConfig } from 'prettier';
import {
  type Basis,
  HELM,
  KUBECTL,
  ROOT,
  type Measured,
  type Row,
  type ScenarioResult,
  STERN,
  type Stats,
  env,
  plugin,
} from './common.ts';
import { checkGoals } from './goals.ts';

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

async function output(file: string, args: string[]): Promise<string> {
  const result = await execa(file, args, { env, reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : `unknown (${result.stderr.split('\n')[0]})`;
}

export async function versions() {
  const mimt = await output(plugin('version'), []);
  const kube = JSON.parse(await output(KUBECTL, ['version', '-o', 'json'])) as {
    clientVersion: { gitVersion: string };
    serverVersion?: { gitVersion: string };
  };
  // What dist/ was built from is HEAD only when the sources had no uncommitted change; a tree
  // without .git is an export of a commit.
  const inGit = existsSync(path.join(ROOT, '.git'));
  const changed = (inGit ? await output('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'plugins']) : '')
    .split('\n')
    .filter(Boolean);
  const tree = changed.length ? `, ${changed.length} files of src/ and plugins/ changed since` : '';
  return {
    mimt: `${/Version:\s+(\S+)/.exec(mimt)?.[1] ?? mimt} (commit ${/Commit:\s+(\S+)/.exec(mimt)?.[1] ?? '?'}${tree})`,
    node: process.version,
    kubernetes: kube.serverVersion?.gitVersion ?? 'unknown',
    kubectl: kube.clientVersion.gitVersion,
    helm: await output(HELM, ['version', '--short']),
    stern: (await output(STERN, ['--version'])).split('\n')[0] ?? '',
  };
}

export interface Results {
  date: string;
  machine: ReturnType<typeof machine>;
  versions: Awaited<ReturnType<typeof versions>>;
  settings: {
    sizes: number[];
    runs: number;
    slowRuns: number;
    logPods: number[];
    logLines: number;
    kubePlusMax: number;
  };
  totalSeconds: number;
  /** Scenarios whose tools disagreed about what they measured: they recorded nothing. */
  failures: string[];
  scenarios: ScenarioResult[];
}

const cell = (s: Stats | undefined): string =>
  s === undefined ? '' : s.min === s.max ? String(s.median) : `${s.median} (${s.min}–${s.max})`;

const WORDS: Record<Basis, [string, string]> = {
  wallMs: ['faster', 'slower'],
  cpuMs: ['less CPU', 'more CPU'],
  firstLineMs: ['sooner', 'later'],
  linesPerSecond: ['faster', 'slower'],
};

function ratioText(ratio: number, basis: Basis): string {
  const [better, worse] = WORDS[basis];
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= 1 ? `**${ratio.toFixed(2)}× ${better}**` : `${(1 / ratio).toFixed(2)}× ${worse}`;
}

const COLUMNS: { header: string; value: (m: Measured) => string }[] = [
  { header: 'wall ms', value: (m) => cell(m.wallMs) },
  { header: 'CPU ms', value: (m) => cell(m.cpuMs) },
  { header: 'peak RSS MB', value: (m) => cell(m.peakRssMb) },
  { header: 'requests', value: (m) => (m.requests === undefined ? '' : String(m.requests)) },
  { header: 'processes', value: (m) => (m.processes === undefined ? '' : String(m.processes)) },
  { header: 'lines/s', value: (m) => (m.linesPerSecond ? String(m.linesPerSecond.median) : '') },
  { header: 'first line ms', value: (m) => cell(m.firstLineMs) },
];

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function scenarioTable(s: ScenarioResult): string {
  const all = s.rows.flatMap((r) => [r.mimt, ...r.peers]);
  const columns = COLUMNS.filter((c) => all.some((m) => c.value(m) !== ''));
  const lines = s.rows.flatMap((r) => [
    [r.size, r.case, `\`${r.mimt.command}\``, ...columns.map((c) => c.value(r.mimt)), ''],
    ...r.peers.map((p, i) => [
      '',
      '',
      `\`${p.command}\``,
      ...columns.map((c) => c.value(p)),
      ratioText(r.ratios[i] ?? NaN, r.basis),
    ]),
  ]);
  return table(['size', 'case', 'command', ...columns.map((c) => c.header), 'mimt vs this'], lines);
}

/** Per scenario and case, the largest size: the figures the README quotes. */
function headline(results: Results): { scenario: string; row: Row }[] {
  return results.scenarios.flatMap((s) => {
    const last = new Map<string, Row>();
    for (const r of s.rows) last.set(r.case, r);
    return [...last.values()].map((r) => ({ scenario: s.title, row: r }));
  });
}

const BASIS_NAME: Record<Basis, string> = {
  wallMs: 'wall time, ms',
  cpuMs: 'CPU time, ms',
  firstLineMs: 'time to first line, ms',
  linesPerSecond: 'lines per second',
};

const VERDICT = { true: 'met', false: '**not met**', undefined: 'not measured' } as const;

function goals(results: Results): string[] {
  const rows = checkGoals(results.scenarios).map((g) => [g.goal, g.target, g.measured, VERDICT[`${g.met}`]]);
  return [
    '## Goals',
    '',
    'The speed goals set for this project, checked against this run. Where one is not met,',
    '[performance.md](performance.md) says what the profiles show remains, and why.',
    '',
    table(['goal', 'target', 'measured', ''], rows),
    '',
  ];
}

export function markdown(results: Results): string {
  const { machine: m, versions: v, settings } = results;
  const heads = headline(results).flatMap(({ scenario, row }) =>
    row.peers.map((p, i) => [
      scenario,
      row.case,
      row.size,
      `\`${p.command.length > 60 ? `${p.command.slice(0, 57)}…` : p.command}\``,
      BASIS_NAME[row.basis],
      String(row.mimt[row.basis]?.median),
      String(p[row.basis]?.median),
      ratioText(row.ratios[i] ?? NaN, row.basis),
    ]),
  );
  return [
    '# Benchmarks',
    '',
    `Written by \`make bench\` (\`node bench/run.ts\`) on ${results.date} in ${Math.round(results.totalSeconds / 60)} minutes; do not edit by hand.`,
    'mimt against what a user would run instead, alternately, on the local control plane (KWOK).',
    'Ratios are what count: how many times better mimt is than the peer on the measure named;',
    'absolute times are context and depend on the machine. Figures are medians (min–max).',
    '',
    '## Headline ratios (largest size)',
    '',
    table(['scenario', 'case', 'size', 'against', 'on', 'mimt', 'peer', 'mimt vs peer'], heads),
    '',
    ...goals(results),
    '## Machine and versions',
    '',
    `- ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB; ${m.os} (shared with other work while measured)`,
    `- mimt ${v.mimt}; Node.js ${v.node}; Kubernetes ${v.kubernetes} (KWOK); kubectl ${v.kubectl}; helm ${v.helm}; stern ${v.stern}`,
    `- sizes ${settings.sizes.join(', ')} tenants (2 pods each); ${settings.runs} runs per case (start-up: at least 15; logs, install and the KubePlus re-enactment: ${settings.slowRuns}); logs: ${settings.logPods.join(', ')} pods × ${settings.logLines} lines`,
    '',
    '## How to reproduce',
    '',
    '```sh',
    'make bench                     # builds, starts the local cluster, builds stern, runs bench/run.ts',
    'node bench/run.ts --sizes 10,100 --runs 3 --only ls,metrics   # a part of it',
    'node bench/render.ts bench/results/<date>.json                # this page again from a run, after a change to its form',
    '```',
    '',
    'The bench makes its fixtures on a KWOK node of its own (label `mimt-bench`, namespaces named',
    '`bench-<run>-…`) and removes them afterwards, also on Ctrl-C. Every scenario checks that mimt and',
    'its peer saw the same thing (the same tenants, pods, lines) before it records a time, and stops',
    'with exit 1 when they did not. Requests: mimt counts its own (`-v=1`); kubectl, from its `-v=6` log.',
    '',
    ...results.scenarios.flatMap((s) => [
      `## ${s.title}`,
      '',
      ...s.notes.map((n) => `- ${n}`),
      '',
      scenarioTable(s),
      '',
    ]),
    ...(results.failures.length ? ['## Failed', '', ...results.failures.map((f) => `- ${f}`), ''] : []),
  ].join('\n');
}

/** Written as `make check` wants it: bench/ is under its prettier check. */
export async function writeFormatted(file: string, text: string): Promise<void> {
  writeFileSync(file, await format(text, { ...(await resolveConfig(file)), filepath: file }));
}
