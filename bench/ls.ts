/**
 * Benchmark of `kubectl mimt ls` against the kubectl calls that fetch the same raw data, on the
 * local cluster (make cluster-up; run `node scripts/build.ts` first). Not a test: run by hand,
 *
 *   node bench/ls.ts [--tenants 1000] [--runs 5]
 *
 * It creates N tenants the fast way, not through mimt install: `kubectl apply --server-side` of
 * generated Lists with, per tenant, a namespace labelled as the tenancy contract says, a
 * ResourceQuota, a Deployment of 2 pods (KWOK runs them, on a node of the bench's own) and a Helm
 * release record Secret (Helm's labels, and a payload of random bytes the size of a real release of
 * the example chart; mimt reads only the labels). Then it runs, alternately, `kubectl mimt ls -o json -v=1` and the four
 * kubectl calls that fetch the same data, recording wall time, mimt's request count and peak RSS
 * (from /usr/bin/time -v), writes bench/results/ls-<date>.json, prints a Markdown table and removes
 * its tenants.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, '.cluster', 'bin');
const KUBECTL = path.join(BIN, 'kubectl');
const MIMT_LS = path.join(ROOT, 'dist', 'bin', 'kubectl-mimt-ls');
const env = {
  ...process.env,
  KUBECONFIG: process.env.KUBECONFIG ?? path.join(ROOT, '.cluster', 'kubeconfig'),
  PATH: [BIN, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
};

const { values } = parseArgs({
  options: { tenants: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const tenants = Number(values.tenants);
const runs = Number(values.runs);
if (!Number.isInteger(tenants) || tenants < 1 || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/ls.ts [--tenants N] [--runs N]');
  process.exit(2);
}

const run = `b${randomBytes(2).toString('hex')}`;
const BENCH_LABEL = 'mimt-bench';
const names = Array.from({ length: tenants }, (_, i) => `bench-${run}-${String(i).padStart(4, '0')}`);
/** The base64 length of the release record of the example chart, as helm stores it. */
const RELEASE_PAYLOAD = randomBytes(4158).toString('base64');

function log(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** Ctrl-C stops the measuring, not the clean-up. */
const interrupt = new AbortController();
const stopped = interrupt.signal;
process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  interrupt.abort();
});

const BENCH_NODE = `mimt-bench-${run}`;

/**
 * The bench's own KWOK node: the cluster's three nodes hold 110 pods each. Tainted, so that no other
 * pod lands on it, and its pods use the host network, so that no pod CIDR runs out of addresses.
 */
function benchNode(): object {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: BENCH_NODE,
      labels: { type: 'kwok', 'kubernetes.io/hostname': BENCH_NODE, [BENCH_LABEL]: run },
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
    },
    spec: { taints: [{ key: BENCH_LABEL, value: run, effect: 'NoSchedule' }] },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.9' }],
      allocatable: { cpu: '1k', memory: '4Ti', pods: '10000' },
      capacity: { cpu: '1k', memory: '4Ti', pods: '10000' },
    },
  };
}

function tenantObjects(name: string): object[] {
  const labels = { 'mimt.io/tenant': name, 'app.kubernetes.io/managed-by': 'kubectl-mimt', [BENCH_LABEL]: run };
  const annotations = {
    'mimt.io/chart': 'webapp',
    'mimt.io/chart-name': 'webapp',
    'mimt.io/chart-version': '0.1.0',
    'mimt.io/release': name,
    'mimt.io/profile': 'standard',
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, annotations } },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'mimt-quota', namespace: name },
      spec: { hard: { pods: '10', 'requests.cpu': '2', 'requests.memory': '4Gi' } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${name}-web`, namespace: name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web', [BENCH_LABEL]: run } },
          spec: {
            nodeSelector: { [BENCH_LABEL]: run },
            tolerations: [{ key: BENCH_LABEL, operator: 'Equal', value: run, effect: 'NoSchedule' }],
            hostNetwork: true,
            containers: [
              {
                name: 'web',
                image: 'example.invalid/webapp:1.4.2',
                resources: { requests: { cpu: '50m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {
        name: `sh.helm.release.v1.${name}.v1`,
        namespace: name,
        labels: { owner: 'helm', name, status: 'deployed', version: '1' },
      },
      data: { release: RELEASE_PAYLOAD },
    },
  ];
}

async function applyList(items: object[]): Promise<void> {
  await execa(KUBECTL, ['apply', '--server-side', '--field-manager=mimt-bench', '-f', '-'], {
    env,
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
    stdout: 'ignore',
  });
}

async function runningPods(): Promise<number> {
  const result = await execa(
    KUBECTL,
    ['get', 'pods', '-A', '-l', `${BENCH_LABEL}=${run}`, '--field-selector=status.phase=Running', '-o', 'name'],
    { env },
  );
  return result.stdout.split('\n').filter(Boolean).length;
}

async function createTenants(): Promise<void> {
  log(`creating ${tenants} tenants (run ${run}): namespaces first, then quotas, deployments and release records`);
  const objects = names.map(tenantObjects);
  await applyList([benchNode(), ...objects.map((o) => o[0] as object)]);
  // Four kubectl processes at once: each is limited by its own client-side rate limit.
  const chunks = 4;
  await Promise.all(
    Array.from({ length: chunks }, (_, c) =>
      applyList(objects.filter((_, i) => i % chunks === c).flatMap((o) => o.slice(1))),
    ),
  );
  let last = -1;
  let stalledSince = Date.now();
  for (;;) {
    stopped.throwIfAborted();
    const count = await runningPods();
    log(`${count}/${tenants * 2} pods running`);
    if (count >= tenants * 2) return;
    if (count !== last) stalledSince = Date.now();
    if (Date.now() - stalledSince > 300_000) throw new Error(`pods stopped becoming Running at ${count}`);
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

interface Sample {
  wallMs: number;
  peakRssMb: number;
  requests?: number;
  bytes: number;
}

/** Runs a command under /usr/bin/time -v: wall time measured here, peak RSS from time's report. */
async function timed(file: string, args: string[]): Promise<Sample> {
  const started = process.hrtime.bigint();
  const result = await execa('/usr/bin/time', ['-v', file, ...args], { env, reject: false, maxBuffer: 1e9 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.exitCode !== 0) throw new Error(`${path.basename(file)} ${args.join(' ')}: ${result.stderr.slice(-500)}`);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1]);
  const requests = /I (\d+) API requests/.exec(result.stderr)?.[1];
  return {
    wallMs,
    peakRssMb: rssKb / 1024,
    bytes: result.stdout.length,
    ...(requests ? { requests: Number(requests) } : {}),
  };
}

const KUBECTL_CALLS = [
  ['get', 'ns', '-o', 'json'],
  ['get', 'pods', '-A', '-o', 'json'],
  ['get', 'secrets', '-A', '-l', 'owner=helm', '-o', 'json'],
  ['get', 'resourcequota', '-A', '-o', 'json'],
];

function stats(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(median), min: round(sorted[0] as number), max: round(sorted.at(-1) as number) };
}

/** How many requests a kubectl call sends (kubectl pages lists by 500): its -v=6 log, outside the timed runs. */
async function kubectlRequests(args: string[]): Promise<number> {
  const result = await execa(KUBECTL, [...args, '-v=6'], { env, maxBuffer: 1e9 });
  return result.stderr
    .split('\n')
    .filter((line) => /round_trippers.go.*"Response" verb="GET"|GET https:\/\//.test(line)).length;
}

async function measure() {
  const mimt: Sample[] = [];
  const kubectl: { total: number; calls: Sample[] }[] = [];
  for (let i = 0; i < runs; i += 1) {
    stopped.throwIfAborted();
    mimt.push(await timed(MIMT_LS, ['-o', 'json', '-v=1']));
    const calls: Sample[] = [];
    for (const args of KUBECTL_CALLS) calls.push(await timed(KUBECTL, args));
    kubectl.push({ total: calls.reduce((sum, c) => sum + c.wallMs, 0), calls });
    const last = mimt.at(-1) as Sample;
    log(
      `run ${i + 1}/${runs}: mimt ${Math.round(last.wallMs)} ms, ${last.requests} requests, ${Math.round(last.peakRssMb)} MB; kubectl ${Math.round(kubectl.at(-1)?.total ?? 0)} ms`,
    );
  }
  const requests = await Promise.all(KUBECTL_CALLS.map(kubectlRequests));
  return {
    mimt: {
      wallMs: stats(mimt.map((s) => s.wallMs)),
      requests: stats(mimt.map((s) => s.requests ?? Number.NaN)),
      peakRssMb: stats(mimt.map((s) => s.peakRssMb)),
      outputBytes: mimt[0]?.bytes,
    },
    kubectl: {
      wallMs: stats(kubectl.map((k) => k.total)),
      calls: KUBECTL_CALLS.map((args, c) => ({
        command: `kubectl ${args.join(' ')}`,
        requests: requests[c],
        wallMs: stats(kubectl.map((k) => (k.calls[c] as Sample).wallMs)),
        peakRssMb: stats(kubectl.map((k) => (k.calls[c] as Sample).peakRssMb)),
        outputBytes: kubectl[0]?.calls[c]?.bytes,
      })),
    },
  };
}

async function removeTenants(): Promise<void> {
  log('removing the bench tenants');
  await execa(KUBECTL, ['delete', 'namespace', '-l', `${BENCH_LABEL}=${run}`, '--wait=false'], {
    env,
    stdout: 'ignore',
  });
  for (;;) {
    const left = (
      await execa(KUBECTL, ['get', 'namespace', '-l', `${BENCH_LABEL}=${run}`, '-o', 'name'], { env })
    ).stdout
      .split('\n')
      .filter(Boolean).length;
    if (left === 0) break;
    log(`${left} namespaces still terminating`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
  await execa(KUBECTL, ['delete', 'node', BENCH_NODE, '--ignore-not-found'], { env, stdout: 'ignore' });
}

function markdown(result: Awaited<ReturnType<typeof measure>>): string {
  const ms = (s: { median: number; min: number; max: number }) => `${s.median} (${s.min}–${s.max})`;
  const rows = [
    [
      '`kubectl mimt ls -o json`',
      ms(result.mimt.wallMs),
      String(result.mimt.requests.median),
      ms(result.mimt.peakRssMb),
    ],
    ...result.kubectl.calls.map((c) => [`\`${c.command}\``, ms(c.wallMs), String(c.requests), ms(c.peakRssMb)]),
    [
      'the four kubectl calls together',
      ms(result.kubectl.wallMs),
      String(result.kubectl.calls.reduce((sum, c) => sum + (c.requests ?? 0), 0)),
      '',
    ],
  ];
  return [
    `${tenants} tenants, ${tenants * 2} pods; ${runs} runs each, alternately; median (min–max)`,
    '',
    '| command | wall time ms | requests | peak RSS MB |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

try {
  await createTenants();
  const result = await measure();
  const date = new Date().toISOString().slice(0, 19).replace(/:/g, '');
  const file = path.join(ROOT, 'bench', 'results', `ls-${date}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  const targets = {
    noSlowerThanKubectl: result.mimt.wallMs.median <= result.kubectl.wallMs.median,
    atMost6Requests: result.mimt.requests.max <= 6,
    under200MB: result.mimt.peakRssMb.max < 200,
  };
  writeFileSync(file, `${JSON.stringify({ date, tenants, pods: tenants * 2, runs, ...result, targets }, null, 2)}\n`);
  console.log(markdown(result));
  console.log(`\ntargets: ${JSON.stringify(targets)}\nwritten: ${path.relative(ROOT, file)}`);
} finally {
  await removeTenants();
}
