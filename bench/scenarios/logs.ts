/**
 * `kubectl mimt logs TENANT` against `kubectl logs -l … --prefix` and stern, for tenants of 1, 10
 * and 100 pods whose container logs (KWOK Logs objects) are CRI-format files of --lines lines each.
 * Not followed: wall time, lines per second, time to the first line, peak RSS. Followed: time to the
 * first line, and to the last of the lines already there. Every tool reads at most 200 logs at once.
 *
 * stern shows only containers that have a containerID, and KWOK's pods have none: the bench adds
 * one to each pod's status (a status subresource update). Nothing else about the pods changes.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  BENCH_LABEL,
  type Context,
  KUBECTL,
  type Row,
  STERN,
  type Sample,
  alternate,
  env,
  expect,
  kubectl,
  log,
  measured,
  plugin,
  row,
  stats,
  timeReport,
} from '../common.ts';
import { type Fixture, applyList, onBenchNode, runningPods, tenantNamespace, waitUntil } from '../fixtures.ts';

const MARK = 'bench-line';
const podName = (i: number): string => `web-${String(i).padStart(4, '0')}`;
const tenantOf = (f: Fixture, pods: number): string => `${f.prefix}logs-p${pods}`;

/**
 * A CRI log file as the kubelet writes it: RFC 3339 nanosecond timestamps, 1 ms apart, ending a
 * minute ago (stern's default --since is 48 h); lines of about 100 bytes.
 */
function logFile(dir: string, pod: string, lines: number): string {
  const file = path.join(dir, `${pod}.log`);
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

interface PodStatus {
  status: { containerStatuses?: { containerID?: string }[] };
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

/** One tenant per pod count, its pods on the bench node, each serving a log file from `dir`. */
export async function createLogTenants(f: Fixture, sizes: number[], lines: number, dir: string): Promise<void> {
  log(`creating log tenants of ${sizes.join(', ')} pods, ${lines} lines each`);
  await applyList(sizes.map((pods) => tenantNamespace(tenantOf(f, pods), f)));
  const pods = sizes.flatMap((n) =>
    Array.from({ length: n }, (_, i) => ({ tenant: tenantOf(f, n), name: podName(i) })),
  );
  await applyList(
    pods.map(({ tenant, name }) => ({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Logs',
      metadata: { name, namespace: tenant },
      spec: { logs: [{ containers: ['app'], logsFile: logFile(dir, `${tenant}.${name}`, lines), follow: true }] },
    })),
  );
  await applyList(
    pods.map(({ tenant, name }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: tenant, labels: { app: 'web', [BENCH_LABEL]: f.run } },
      spec: { ...onBenchNode(f), containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
    })),
  );
  await waitUntil('log pods running', pods.length, () => runningPods(f, `${f.prefix}logs-`));
  for (const n of sizes) await addContainerIds(tenantOf(f, n));
}

interface Streamed extends Sample {
  lines: number;
  firstLineMs: number;
}

/**
 * Runs a tool with its stdout counted as it comes. Not following, under /usr/bin/time -v until it
 * ends; following, until `expected` lines have come, then its CPU and peak RSS are read from /proc
 * before it is stopped.
 */
function streamed(file: string, args: string[], follow: boolean, expected: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = follow
      ? spawn(file, args, { env, stdio: ['ignore', 'pipe', 'ignore'] })
      : spawn('/usr/bin/time', ['-v', file, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let firstLineMs = Number.NaN;
    let carry = '';
    let stderr = '';
    let finished = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${lines} of ${expected} lines in 180 s`));
    }, 180_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (Number.isNaN(firstLineMs) && chunk.includes('\n')) firstLineMs = since();
      const parts = (carry + chunk).split('\n');
      carry = parts.pop() ?? '';
      for (const line of parts) if (line.includes(MARK)) lines += 1;
      if (follow && lines >= expected && !finished) {
        finished = true;
        const wallMs = since();
        const figures = procFigures(child.pid as number);
        clearTimeout(timer);
        child.once('exit', () => resolve({ wallMs, lines, firstLineMs, stdout: '', ...figures }));
        child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
    if (!follow) {
      child.once('close', (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr.slice(-500)}`));
        resolve({ wallMs: since(), lines, firstLineMs, stdout: '', ...timeReport(stderr) });
      });
    }
  });
}

/** CPU time and peak RSS of a running process, from /proc. */
function procFigures(pid: number): { cpuMs: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuMs, peakRssMb: Number(hwm) / 1024 };
}

interface Tool {
  name: string;
  file: string;
  args: (tenant: string, follow: boolean) => string[];
}

const TOOLS: Tool[] = [
  {
    name: 'kubectl mimt logs T',
    file: plugin('logs'),
    args: (t, follow) => [t, '--max-log-requests', '200', ...(follow ? ['-f'] : ['-v=1'])],
  },
  {
    name: 'kubectl logs -l app=web --prefix',
    file: KUBECTL,
    args: (t, follow) => [
      'logs',
      ...(follow ? ['-f'] : []),
      '-n',
      t,
      '-l',
      'app=web',
      '--prefix',
      '--max-log-requests',
      '200',
      '--tail=-1',
    ],
  },
  {
    name: 'stern -n T .',
    file: STERN,
    args: (t, follow) => [
      '-n',
      t,
      '.',
      ...(follow ? [] : ['--no-follow']),
      '--color',
      'never',
      '--max-log-requests',
      '200',
    ],
  },
];

export async function logs(ctx: Context, f: Fixture, pods: number, lines: number): Promise<Row[]> {
  const tenant = tenantOf(f, pods);
  const expected = pods * lines;
  const rows: Row[] = [];
  for (const follow of [false, true]) {
    // A round not recorded: KWOK's first read of a log file is slower than any after it.
    for (const tool of TOOLS) await streamed(tool.file, tool.args(tenant, follow), follow, expected);
    const samples = await alternate(
      ctx.slowRuns,
      TOOLS.map((tool) => () => streamed(tool.file, tool.args(tenant, follow), follow, expected)),
      (c, sample) =>
        expect(sample.lines === expected, () => `${TOOLS[c]?.name}: ${sample.lines} of the ${expected} lines`),
    );
    const figures = TOOLS.map((tool, t) => {
      const mine = samples[t] ?? [];
      return measured(`${tool.name}${follow ? ' -f' : ''}`, mine, {
        linesPerSecond: stats(mine.map((s) => Math.round(expected / (s.wallMs / 1000)))),
        firstLineMs: stats(mine.map((s) => s.firstLineMs)),
      });
    });
    const [mimt, ...peers] = figures;
    const size = `${pods} pod${pods === 1 ? '' : 's'} × ${lines} lines`;
    rows.push(
      row(
        size,
        follow ? 'followed (-f)' : 'not followed',
        follow ? 'firstLineMs' : 'wallMs',
        mimt as (typeof figures)[0],
        peers,
      ),
    );
  }
  return rows;
}
