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
 * the example chart; mimt reads only the labels). Then it runs, alternately, `kubectl mimt ls -o json
 * -v=1` and the four kubectl calls that fetch the same data, recording wall time, request counts and
 * peak RSS, counts the requests of the plain listing (`kubectl mimt ls`), writes
 * bench/results/ls-<date>.json, prints a Markdown table and removes its tenants.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  KUBECTL,
  type Sample,
  applyList,
  benchNode,
  cell,
  kubectlRequests,
  log,
  onBenchNode,
  plugin,
  positive,
  removeRun,
  runningPods,
  stats,
  stopped,
  table,
  tenantNamespace,
  timed,
  waitUntil,
  writeResult,
} from './common.ts';

const usage = 'node bench/ls.ts [--tenants N] [--runs N]';
const { values } = parseArgs({
  options: { tenants: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } },
});
const tenants = positive(values.tenants, usage);
const runs = positive(values.runs, usage);

const run = `b${randomBytes(2).toString('hex')}`;
const node = `mimt-bench-${run}`;
const names = Array.from({ length: tenants }, (_, i) => `bench-${run}-${String(i).padStart(4, '0')}`);
/** The base64 length of the release record of the example chart, as helm stores it. */
const RELEASE_PAYLOAD = randomBytes(4158).toString('base64');

function tenantObjects(name: string): object[] {
  return [
    tenantNamespace(name, run),
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
          metadata: { labels: { app: 'web', 'mimt-bench': run } },
          spec: {
            ...onBenchNode(run),
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

async function createTenants(): Promise<void> {
  log(`creating ${tenants} tenants (run ${run}): namespaces first, then quotas, deployments and release records`);
  const objects = names.map(tenantObjects);
  await applyList([benchNode(node, run), ...objects.map((o) => o[0] as object)]);
  // Four kubectl processes at once: each is limited by its own client-side rate limit.
  const chunks = 4;
  const parts = Array.from({ length: chunks }, (_, c) =>
    objects.filter((_, i) => i % chunks === c).flatMap((o) => o.slice(1)),
  );
  await Promise.all(parts.filter((part) => part.length > 0).map(applyList));
  await waitUntil('pods running', tenants * 2, () => runningPods(run));
}

const KUBECTL_CALLS = [
  ['get', 'ns', '-o', 'json'],
  ['get', 'pods', '-A', '-o', 'json'],
  ['get', 'secrets', '-A', '-l', 'owner=helm', '-o', 'json'],
  ['get', 'resourcequota', '-A', '-o', 'json'],
];

async function measure() {
  const mimt: Sample[] = [];
  const kubectl: { total: number; calls: Sample[] }[] = [];
  for (let i = 0; i < runs; i += 1) {
    stopped.throwIfAborted();
    mimt.push(await timed(plugin('ls'), ['-o', 'json', '-v=1']));
    const calls: Sample[] = [];
    for (const args of KUBECTL_CALLS) calls.push(await timed(KUBECTL, args));
    kubectl.push({ total: calls.reduce((sum, c) => sum + c.wallMs, 0), calls });
    const last = mimt.at(-1) as Sample;
    log(
      `run ${i + 1}/${runs}: mimt ${Math.round(last.wallMs)} ms, ${last.requests} requests, ${Math.round(last.peakRssMb)} MB; kubectl ${Math.round(kubectl.at(-1)?.total ?? 0)} ms`,
    );
  }
  const requests = await Promise.all(KUBECTL_CALLS.map(kubectlRequests));
  const plain = await timed(plugin('ls'), ['-o', 'name', '-v=1']);
  return {
    mimt: {
      wallMs: stats(mimt.map((s) => s.wallMs)),
      requests: stats(mimt.map((s) => s.requests ?? Number.NaN)),
      plainListingRequests: plain.requests,
      peakRssMb: stats(mimt.map((s) => s.peakRssMb)),
      outputBytes: mimt[0]?.stdout.length,
    },
    kubectl: {
      wallMs: stats(kubectl.map((k) => k.total)),
      calls: KUBECTL_CALLS.map((args, c) => ({
        command: `kubectl ${args.join(' ')}`,
        requests: requests[c],
        wallMs: stats(kubectl.map((k) => (k.calls[c] as Sample).wallMs)),
        peakRssMb: stats(kubectl.map((k) => (k.calls[c] as Sample).peakRssMb)),
        outputBytes: kubectl[0]?.calls[c]?.stdout.length,
      })),
    },
  };
}

function markdown(result: Awaited<ReturnType<typeof measure>>): string {
  const rows = [
    [
      '`kubectl mimt ls -o json`',
      cell(result.mimt.wallMs),
      String(result.mimt.requests.median),
      cell(result.mimt.peakRssMb),
    ],
    ...result.kubectl.calls.map((c) => [`\`${c.command}\``, cell(c.wallMs), String(c.requests), cell(c.peakRssMb)]),
    [
      'the four kubectl calls together',
      cell(result.kubectl.wallMs),
      String(result.kubectl.calls.reduce((sum, c) => sum + (c.requests ?? 0), 0)),
      '',
    ],
  ];
  return [
    `${tenants} tenants, ${tenants * 2} pods; ${runs} runs each, alternately; median (min–max)`,
    '',
    table(['command', 'wall time ms', 'requests', 'peak RSS MB'], rows),
  ].join('\n');
}

try {
  await createTenants();
  const result = await measure();
  // The targets; -o json adds three policy lists to the plain listing's requests.
  const targets = {
    noSlowerThanKubectl: result.mimt.wallMs.median <= result.kubectl.wallMs.median,
    plainListingAtMost6Requests: (result.mimt.plainListingRequests ?? Number.POSITIVE_INFINITY) <= 6,
    under200MB: result.mimt.peakRssMb.max < 200,
  };
  const file = writeResult('ls', { tenants, pods: tenants * 2, runs, ...result, targets });
  console.log(markdown(result));
  console.log(`\ntargets: ${JSON.stringify(targets)}\nwritten: ${file}`);
} finally {
  await removeRun(run, node);
}
