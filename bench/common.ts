/**
 * What bench/metrics.ts and bench/logs.ts share: the cluster connection, a KWOK node of the bench's
 * own, timing under /usr/bin/time -v, request counting from kubectl's -v=6 log, statistics, results.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const BIN = path.join(ROOT, '.cluster', 'bin');
export const KUBECTL = path.join(BIN, 'kubectl');
export const plugin = (command: string): string => path.join(ROOT, 'dist', 'bin', `kubectl-mimt-${command}`);
export const env = {
  ...process.env,
  KUBECONFIG: process.env.KUBECONFIG ?? path.join(ROOT, '.cluster', 'kubeconfig'),
  PATH: [BIN, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
};
export const BENCH_LABEL = 'mimt-bench';

export function log(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Ctrl-C stops the measuring, not the clean-up. */
const interrupt = new AbortController();
export const stopped = interrupt.signal;
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  interrupt.abort();
});

/** A positive integer flag, or the usage line and exit 2. */
export function positive(value: string | undefined, usage: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return n;
}

/**
 * A KWOK node of the bench's own, as the cluster's nodes are made (they hold 110 pods each): the
 * metrics-server annotation, and "localhost" as the Hostname by which metrics-server and the API
 * server reach KWOK. Tainted, so that no other pod lands on it; its pods use the host network, so
 * that no pod CIDR runs out of addresses.
 */
export function benchNode(name: string, run: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, [BENCH_LABEL]: run },
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${name}/metrics/resource`,
      },
    },
    spec: { taints: [{ key: BENCH_LABEL, value: run, effect: 'NoSchedule' }] },
    status: {
      addresses: [
        { type: 'Hostname', address: 'localhost' },
        { type: 'InternalIP', address: '127.0.0.9' },
      ],
      allocatable: { cpu: '1k', memory: '4Ti', pods: '10000' },
      capacity: { cpu: '1k', memory: '4Ti', pods: '10000' },
    },
  };
}

/** What a pod spec needs to run on the bench node. */
export function onBenchNode(run: string): object {
  return {
    nodeSelector: { [BENCH_LABEL]: run },
    tolerations: [{ key: BENCH_LABEL, operator: 'Equal', value: run, effect: 'NoSchedule' }],
    hostNetwork: true,
  };
}

export function tenantNamespace(name: string, run: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'mimt.io/tenant': name, 'app.kubernetes.io/managed-by': 'kubectl-mimt', [BENCH_LABEL]: run },
      annotations: {
        'mimt.io/chart': 'webapp',
        'mimt.io/chart-name': 'webapp',
        'mimt.io/chart-version': '0.1.0',
        'mimt.io/release': name,
        'mimt.io/profile': 'none',
      },
    },
  };
}

export async function kubectl(args: string[], input?: string): Promise<string> {
  return (await execa(KUBECTL, args, { env, maxBuffer: 1e9, ...(input === undefined ? {} : { input }) })).stdout;
}

export async function applyList(items: object[]): Promise<void> {
  await kubectl(
    ['apply', '--server-side', '--field-manager=mimt-bench', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}

/** Polls `count` until it reaches `target`; fails when it stops moving for five minutes. */
export async function waitUntil(what: string, target: number, count: () => Promise<number>): Promise<void> {
  let last = -1;
  let stalledSince = Date.now();
  for (;;) {
    stopped.throwIfAborted();
    const now = await count();
    log(`${now}/${target} ${what}`);
    if (now >= target) return;
    if (now !== last) stalledSince = Date.now();
    if (Date.now() - stalledSince > 300_000) throw new Error(`${what} stopped at ${now}`);
    last = now;
    await sleep(5000);
  }
}

export async function runningPods(run: string): Promise<number> {
  const out = await kubectl([
    'get',
    'pods',
    '-A',
    '-l',
    `${BENCH_LABEL}=${run}`,
    '--field-selector=status.phase=Running',
    '-o',
    'name',
  ]);
  return out.split('\n').filter(Boolean).length;
}

/** Deletes the run's namespaces, waits for them to go, then deletes its node. */
export async function removeRun(run: string, node: string): Promise<void> {
  log('removing what the bench created');
  await kubectl(['delete', 'namespace', '-l', `${BENCH_LABEL}=${run}`, '--wait=false']);
  for (;;) {
    const left = (await kubectl(['get', 'namespace', '-l', `${BENCH_LABEL}=${run}`, '-o', 'name']))
      .split('\n')
      .filter(Boolean).length;
    if (left === 0) break;
    log(`${left} namespaces still terminating`);
    await sleep(5000);
  }
  await kubectl(['delete', 'node', node, '--ignore-not-found']);
}

export interface Sample {
  wallMs: number;
  peakRssMb: number;
  /** mimt's own count (-v=1). */
  requests?: number;
  stdout: string;
}

/**
 * Runs a command under /usr/bin/time -v: wall time measured here, peak RSS from time's report.
 * With `outputFile`, stdout goes there instead of into memory.
 */
export async function timed(file: string, args: string[], outputFile?: string): Promise<Sample> {
  const started = process.hrtime.bigint();
  const result = await execa('/usr/bin/time', ['-v', file, ...args], {
    env,
    reject: false,
    maxBuffer: 1e9,
    ...(outputFile === undefined ? {} : { stdout: { file: outputFile } }),
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.exitCode !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')}: ${result.stderr.slice(-500)}`);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
  const requests = /I (\d+) API requests/.exec(result.stderr)?.[1];
  return {
    wallMs,
    peakRssMb: rssKb / 1024,
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    ...(requests ? { requests: Number(requests) } : {}),
  };
}

/** How many requests a kubectl call sends: its -v=6 log, outside the timed runs. */
export async function kubectlRequests(args: string[]): Promise<number> {
  const result = await execa(KUBECTL, [...args, '-v=6'], { env, maxBuffer: 1e9 });
  return result.stderr
    .split('\n')
    .filter((line) => /round_trippers.go.*"Response" verb="GET"|GET https:\/\//.test(line)).length;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(median), min: round(sorted[0] as number), max: round(sorted.at(-1) as number) };
}

export const cell = (s: Stats): string => `${s.median} (${s.min}–${s.max})`;

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Writes bench/results/<name>-<date>.json and returns its path relative to the checkout. */
export function writeResult(name: string, result: object): string {
  const date = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  const file = path.join(ROOT, 'bench', 'results', `${name}-${date}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date, ...result }, null, 2)}\n`);
  return path.relative(ROOT, file);
}
