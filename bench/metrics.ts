/**
 * Benchmark of `kubectl mimt metrics -A -o json` against `kubectl top pods -A` (with and without
 * headers) on the local cluster (make cluster-up; run `node scripts/build.ts` first). Not a test:
 * run by hand,
 *
 *   node bench/metrics.ts [--tenants 1000] [--runs 5]
 *
 * It creates N tenants the fast way (`kubectl apply --server-side` of generated Lists): per tenant,
 * a namespace labelled as the tenancy contract says, a ResourceQuota and a Deployment of 2 pods with
 * KWOK usage annotations, on a KWOK node of the bench's own. It waits until metrics.k8s.io serves
 * every pod (metrics-server needs 35–60 s for a new pod), checks that mimt and kubectl top measure
 * the same number of pods, then runs the three commands alternately, recording wall time, request
 * count (mimt's -v=1; kubectl's -v=6 log, outside the timed runs) and peak RSS (/usr/bin/time -v).
 * It writes bench/results/metrics-<date>.json, prints a Markdown table and removes its tenants.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  BENCH_LABEL,
  KUBECTL,
  applyList,
  benchNode,
  cell,
  kubectl,
  kubectlRequests,
  log,
  onBenchNode,
  plugin,
  positive,
  removeRun,
  runningPods,
  type Sample,
  stats,
  stopped,
  table,
  tenantNamespace,
  timed,
  waitUntil,
  writeResult,
} from './common.ts';

const USAGE = 'node bench/metrics.ts [--tenants N] [--runs N]';
const { values } = parseArgs({
  options: { tenants: { type: 'string', default: '100' }, runs: { type: 'string', default: '5' } },
});
const tenants = positive(values.tenants, USAGE);
const runs = positive(values.runs, USAGE);

const run = `m${randomBytes(2).toString('hex')}`;
const prefix = `bench-${run}-`;
const names = Array.from({ length: tenants }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
const NODE = `mimt-bench-${run}`;
const pods = tenants * 2;

function tenantObjects(name: string, index: number): object[] {
  return [
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
          metadata: {
            labels: { app: 'web', [BENCH_LABEL]: run },
            annotations: {
              'kwok.x-k8s.io/usage-cpu': `${10 + (index % 90)}m`,
              'kwok.x-k8s.io/usage-memory': `${32 + (index % 64)}Mi`,
            },
          },
          spec: {
            ...onBenchNode(run),
            containers: [
              {
                name: 'web',
                image: 'example.invalid/webapp:1.4.2',
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              },
            ],
          },
        },
      },
    },
  ];
}

async function createTenants(): Promise<void> {
  log(`creating ${tenants} tenants (run ${run})`);
  await applyList([benchNode(NODE, run), ...names.map((name) => tenantNamespace(name, run))]);
  // Four kubectl processes at once: each is limited by its own client-side rate limit.
  const chunks = 4;
  await Promise.all(
    Array.from({ length: chunks }, (_, c) =>
      applyList(names.flatMap((name, i) => (i % chunks === c ? tenantObjects(name, i) : []))),
    ),
  );
  await waitUntil('pods running', pods, () => runningPods(run));
}

/** The bench's pods that metrics.k8s.io serves usage for. */
async function podsMeasured(): Promise<number> {
  const list = JSON.parse(await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods'])) as {
    items: { metadata: { namespace: string } }[];
  };
  return list.items.filter((item) => item.metadata.namespace.startsWith(prefix)).length;
}

interface MimtMetrics {
  items: { metadata: { name: string }; pods: { total: number; unmeasured: number } }[];
}

/** The pods of the bench's tenants that mimt has usage for. */
function mimtMeasured(stdout: string): number {
  return (JSON.parse(stdout) as MimtMetrics).items
    .filter((item) => item.metadata.name.startsWith(prefix))
    .reduce((sum, item) => sum + item.pods.total - item.pods.unmeasured, 0);
}

/** The bench's pods in `kubectl top pods -A` (the first column is the namespace). */
function topMeasured(stdout: string): number {
  return stdout.split('\n').filter((line) => line.startsWith(prefix)).length;
}

const COMMANDS = [
  { label: 'kubectl mimt metrics -A -o json', file: plugin('metrics'), args: ['-A', '-o', 'json', '-v=1'] },
  { label: 'kubectl top pods -A', file: KUBECTL, args: ['top', 'pods', '-A'] },
  { label: 'kubectl top pods -A --no-headers', file: KUBECTL, args: ['top', 'pods', '-A', '--no-headers'] },
] as const;

function measuredBy(index: number, sample: Sample): number {
  return index === 0 ? mimtMeasured(sample.stdout) : topMeasured(sample.stdout);
}

async function measure() {
  const samples: Sample[][] = COMMANDS.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    stopped.throwIfAborted();
    for (const [c, command] of COMMANDS.entries()) {
      const sample = await timed(command.file, [...command.args]);
      // Usage is per pod, so the same count of measured pods means the same data was read.
      const measured = measuredBy(c, sample);
      if (measured !== pods) throw new Error(`${command.label} measured ${measured} of the ${pods} pods`);
      samples[c]?.push(sample);
    }
    log(
      `run ${i + 1}/${runs}: ${COMMANDS.map((c, n) => `${c.label} ${Math.round(samples[n]?.at(-1)?.wallMs ?? 0)} ms`).join('; ')}`,
    );
  }
  const kubectlCounts = await Promise.all(COMMANDS.slice(1).map((c) => kubectlRequests([...c.args])));
  return COMMANDS.map((command, c) => {
    const mine = samples[c] as Sample[];
    return {
      command: command.label,
      podsMeasured: pods,
      wallMs: stats(mine.map((s) => s.wallMs)),
      requests: c === 0 ? stats(mine.map((s) => s.requests ?? Number.NaN)).max : kubectlCounts[c - 1],
      peakRssMb: stats(mine.map((s) => s.peakRssMb)),
      outputBytes: mine[0]?.stdout.length,
    };
  });
}

try {
  await createTenants();
  log('waiting until metrics.k8s.io serves every pod');
  await waitUntil('pods in metrics.k8s.io', pods, podsMeasured);
  const results = await measure();
  const file = writeResult('metrics', { tenants, pods, runs, results });
  console.log(`${tenants} tenants, ${pods} pods; ${runs} runs each, alternately; median (min–max)\n`);
  console.log(
    table(
      ['command', 'wall time ms', 'requests', 'peak RSS MB', 'output bytes'],
      results.map((r) => [
        `\`${r.command}\``,
        cell(r.wallMs),
        String(r.requests),
        cell(r.peakRssMb),
        String(r.outputBytes),
      ]),
    ),
  );
  console.log(`\nwritten: ${file}`);
} finally {
  await removeRun(run, NODE);
}
