/**
 * Benchmark of `kubectl mimt logs TENANT` against `kubectl logs -l … --prefix` and stern, on the
 * local cluster (make cluster-up; `node scripts/build.ts`; `test/cluster/build.sh stern`). Not a
 * test: run by hand,
 *
 *   node bench/logs.ts [--pods 1,10,100] [--lines 10000] [--runs 3]
 *
 * For each pod count it creates one tenant (a namespace labelled as the tenancy contract says) with
 * that many pods on a KWOK node of the bench's own, and a KWOK Logs object per pod that serves its
 * container from a CRI-format file of --lines lines. It checks that the three tools print the same
 * number of lines, then runs them alternately, not following, with the output going to a file: wall
 * time, lines per second, peak RSS (/usr/bin/time -v). In follow mode (`mimt logs -f`, `kubectl
 * logs -f -l`, `stern`) it measures the time from start to the first line on stdout, then stops
 * the process. Every tool reads at most 200 logs at once (--max-log-requests 200).
 *
 * stern shows only containers that have a containerID, and KWOK's pods have none: the bench adds
 * one to each pod's status (a status subresource update). Nothing else about the pods changes.
 *
 * It writes bench/results/logs-<date>.json, prints a Markdown table and removes what it created.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_LABEL,
  BIN,
  KUBECTL,
  applyList,
  benchNode,
  cell,
  env,
  kubectl,
  log,
  onBenchNode,
  plugin,
  positive,
  removeRun,
  runningPods,
  type Stats,
  stats,
  stopped,
  table,
  tenantNamespace,
  timed,
  waitUntil,
  writeResult,
} from './common.ts';

const USAGE = 'node bench/logs.ts [--pods 1,10,100] [--lines N] [--runs N]';
const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1,10,100' },
    lines: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
  },
});
const sizes = (values.pods ?? '').split(',').map((n) => positive(n, USAGE));
const lines = positive(values.lines, USAGE);
const runs = positive(values.runs, USAGE);

const STERN = path.join(BIN, 'stern');
if (!existsSync(STERN)) {
  console.error('stern is missing: run test/cluster/build.sh stern');
  process.exit(1);
}

const run = `l${randomBytes(2).toString('hex')}`;
const NODE = `mimt-bench-${run}`;
const logsDir = mkdtempSync(path.join(tmpdir(), 'mimt-bench-logs-'));
const tenantOf = (pods: number): string => `bench-${run}-p${pods}`;
const podName = (i: number): string => `web-${String(i).padStart(4, '0')}`;
const MARK = 'bench-line';

/**
 * A CRI log file as the kubelet writes it: RFC 3339 nanosecond timestamps, 1 ms apart, ending a
 * minute ago (stern's default --since is 48 h); lines of about 100 bytes.
 */
function logFile(pod: string): string {
  const file = path.join(logsDir, `${pod}.log`);
  const start = Date.now() - 60_000 - lines;
  const filler = 'x'.repeat(40);
  const content: string[] = [];
  for (let i = 0; i < lines; i += 1) {
    const at = new Date(start + i).toISOString().replace(/Z$/, '000000Z');
    content.push(`${at} stdout F ${MARK} ${pod} ${i} ${filler}\n`);
  }
  writeFileSync(file, content.join(''));
  return file;
}

function podObjects(tenant: string, pods: number): { logs: object[]; pods: object[] } {
  const names = Array.from({ length: pods }, (_, i) => podName(i));
  return {
    logs: names.map((name) => ({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Logs',
      metadata: { name, namespace: tenant },
      spec: { logs: [{ containers: ['app'], logsFile: logFile(`${tenant}.${name}`), follow: true }] },
    })),
    pods: names.map((name) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: tenant, labels: { app: 'web', [BENCH_LABEL]: run } },
      spec: { ...onBenchNode(run), containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
    })),
  };
}

interface PodStatus {
  metadata: { name: string; namespace: string };
  status: { containerStatuses?: { name: string; containerID?: string }[] };
}

/** Gives every container a containerID, which KWOK does not set and stern needs. */
async function addContainerIds(tenant: string): Promise<void> {
  const list = JSON.parse(await kubectl(['get', 'pods', '-n', tenant, '-o', 'json'])) as { items: PodStatus[] };
  for (const pod of list.items) {
    for (const status of pod.status.containerStatuses ?? []) {
      status.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    }
  }
  await kubectl(
    ['replace', '--subresource=status', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: list.items }),
  );
}

async function setUp(): Promise<void> {
  log(`creating tenants with ${sizes.join(', ')} pods of ${lines} log lines (run ${run})`);
  await applyList([benchNode(NODE, run), ...sizes.map((pods) => tenantNamespace(tenantOf(pods), run))]);
  const objects = sizes.map((pods) => podObjects(tenantOf(pods), pods));
  await applyList(objects.flatMap((o) => o.logs));
  await applyList(objects.flatMap((o) => o.pods));
  const total = sizes.reduce((sum, n) => sum + n, 0);
  await waitUntil('pods running', total, () => runningPods(run));
  for (const pods of sizes) await addContainerIds(tenantOf(pods));
}

interface Tool {
  name: string;
  file: string;
  args: (tenant: string) => string[];
  follow: (tenant: string) => string[];
}

const TOOLS: Tool[] = [
  {
    name: 'kubectl mimt logs',
    file: plugin('logs'),
    args: (t) => [t, '--max-log-requests', '200', '-v=1'],
    follow: (t) => [t, '-f', '--max-log-requests', '200'],
  },
  {
    name: 'kubectl logs -l --prefix',
    file: KUBECTL,
    args: (t) => ['logs', '-n', t, '-l', 'app=web', '--prefix', '--max-log-requests', '200', '--tail=-1'],
    follow: (t) => ['logs', '-f', '-n', t, '-l', 'app=web', '--prefix', '--max-log-requests', '200', '--tail=-1'],
  },
  {
    name: 'stern',
    file: STERN,
    args: (t) => ['-n', t, '.', '--no-follow', '--color', 'never', '--max-log-requests', '200'],
    follow: (t) => ['-n', t, '.', '--color', 'never', '--max-log-requests', '200'],
  },
];

const countLines = (file: string): number =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes(MARK)).length;

/** Milliseconds from spawning a follower to its first line on stdout; then it is stopped. */
function firstLine(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(file)} ${args.join(' ')}: no line in 60 s`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (!chunk.includes('\n')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.once('exit', () => resolve(ms));
      child.kill('SIGTERM');
    });
    child.once('error', reject);
  });
}

interface ToolResult {
  tool: string;
  wallMs: Stats;
  linesPerSecond: Stats;
  peakRssMb: Stats;
  firstLineMs: Stats;
  requests?: number;
}

async function measureSize(pods: number): Promise<ToolResult[]> {
  const tenant = tenantOf(pods);
  const expected = pods * lines;
  const out = path.join(logsDir, 'out.txt');
  for (const tool of TOOLS) {
    await timed(tool.file, tool.args(tenant), out);
    const got = countLines(out);
    if (got !== expected) throw new Error(`${tool.name} printed ${got} of the ${expected} lines of ${tenant}`);
  }
  const samples = TOOLS.map(() => ({ wall: [] as number[], rss: [] as number[], first: [] as number[], req: 0 }));
  for (let i = 0; i < runs; i += 1) {
    for (const [t, tool] of TOOLS.entries()) {
      stopped.throwIfAborted();
      const sample = await timed(tool.file, tool.args(tenant), out);
      const got = countLines(out);
      if (got !== expected) throw new Error(`${tool.name} printed ${got} of the ${expected} lines`);
      const mine = samples[t] as (typeof samples)[number];
      mine.wall.push(sample.wallMs);
      mine.rss.push(sample.peakRssMb);
      mine.req = Math.max(mine.req, sample.requests ?? 0);
      mine.first.push(await firstLine(tool.file, tool.follow(tenant)));
    }
    log(
      `${pods} pods, run ${i + 1}/${runs}: ${TOOLS.map((tool, t) => `${tool.name} ${Math.round(samples[t]?.wall.at(-1) ?? 0)} ms`).join('; ')}`,
    );
  }
  return TOOLS.map((tool, t) => {
    const mine = samples[t] as (typeof samples)[number];
    return {
      tool: tool.name,
      wallMs: stats(mine.wall),
      linesPerSecond: stats(mine.wall.map((ms) => Math.round(expected / (ms / 1000)))),
      peakRssMb: stats(mine.rss),
      firstLineMs: stats(mine.first),
      ...(t === 0 ? { requests: mine.req } : {}),
    };
  });
}

try {
  await setUp();
  const results: { pods: number; lines: number; tools: ToolResult[] }[] = [];
  for (const pods of sizes) results.push({ pods, lines: pods * lines, tools: await measureSize(pods) });
  const file = writeResult('logs', {
    linesPerPod: lines,
    runs,
    note: 'stern needs containerIDs, which KWOK pods lack: the bench adds them to the pod status',
    results,
  });
  console.log(`${lines} lines per pod; ${runs} runs each, alternately; median (min–max); first line in follow mode\n`);
  console.log(
    table(
      ['pods', 'command', 'wall time ms', 'lines/s', 'peak RSS MB', 'first line (-f) ms'],
      results.flatMap((r) =>
        r.tools.map((t) => [
          String(r.pods),
          t.tool,
          cell(t.wallMs),
          String(t.linesPerSecond.median),
          cell(t.peakRssMb),
          cell(t.firstLineMs),
        ]),
      ),
    ),
  );
  console.log(`\nstern was given containerIDs in the pod status (KWOK sets none).\nwritten: ${file}`);
} finally {
  await removeRun(run, NODE);
  rmSync(logsDir, { recursive: true, force: true });
}
