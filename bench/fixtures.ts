/**
 * The scale fixtures, made the fast way (server-side apply of generated Lists, not mimt install) and
 * all marked with the run's label and name prefix: a KWOK node of the bench's own and, per tenant, a
 * namespace labelled as the tenancy contract says, a ResourceQuota, a Deployment of 2 pods with KWOK
 * usage annotations, and a Helm release record Secret (Helm's labels, and random bytes the size of a
 * real release of the example chart; mimt reads only the labels). Removal takes only what carries
 * the run's label or prefix: other people's tests run on the same cluster.
 */
import { randomBytes } from 'node:crypto';
import { BENCH_LABEL, kubectl, log, sleep, stopped } from './common.ts';

export const PODS_PER_TENANT = 2;
/** Pods per KWOK node: more nodes as the tenants grow, as a real cluster would add them. */
const PODS_PER_NODE = 1000;

export interface Fixture {
  run: string;
  /** The bench's KWOK nodes (named `mimt-bench-<run>-<n>`): as many as its pods need. */
  nodes: number;
  /** Every namespace of the run starts with it. */
  prefix: string;
  /** The scale tenants' names start with it (the logs and install tenants' do not). */
  tenantPrefix: string;
  tenants: string[];
}

export function newFixture(): Fixture {
  const run = `b${randomBytes(2).toString('hex')}`;
  return { run, nodes: 0, prefix: `bench-${run}-`, tenantPrefix: `bench-${run}-t-`, tenants: [] };
}

export async function applyList(items: object[]): Promise<void> {
  await kubectl(
    ['apply', '--server-side', '--field-manager=mimt-bench', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
}

/**
 * A KWOK node as the cluster's are made: the metrics-server annotation, and "localhost" as the
 * Hostname by which metrics-server and the API server reach KWOK. Tainted, so that no other pod
 * lands on it; its pods use the host network, so that no pod CIDR runs out of addresses.
 */
function benchNode(f: Fixture, n: number): object {
  const name = `mimt-bench-${f.run}-${n}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, [BENCH_LABEL]: f.run },
      annotations: {
        'kwok.x-k8s.io/node': 'fake',
        'metrics.k8s.io/resource-metrics-path': `/metrics/nodes/${name}/metrics/resource`,
      },
    },
    spec: { taints: [{ key: BENCH_LABEL, value: f.run, effect: 'NoSchedule' }] },
    status: {
      addresses: [
        { type: 'Hostname', address: 'localhost' },
        { type: 'InternalIP', address: '127.0.0.9' },
      ],
      allocatable: { cpu: '1k', memory: '4Ti', pods: String(PODS_PER_NODE) },
      capacity: { cpu: '1k', memory: '4Ti', pods: String(PODS_PER_NODE) },
    },
  };
}

/** Adds nodes until the pods of `tenants` tenants fit, with one node more for the scenarios' own. */
export async function growNodes(f: Fixture, tenants: number): Promise<void> {
  const want = Math.ceil((tenants * PODS_PER_TENANT) / PODS_PER_NODE) + 1;
  if (want <= f.nodes) return;
  await applyList(Array.from({ length: want - f.nodes }, (_, i) => benchNode(f, f.nodes + i)));
  f.nodes = want;
}

/** What a pod spec needs to run on the bench node. */
export function onBenchNode(f: Fixture): object {
  return {
    nodeSelector: { [BENCH_LABEL]: f.run },
    tolerations: [{ key: BENCH_LABEL, operator: 'Equal', value: f.run, effect: 'NoSchedule' }],
    hostNetwork: true,
  };
}

export function tenantNamespace(name: string, f: Fixture): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'mimt.io/tenant': name, 'app.kubernetes.io/managed-by': 'kubectl-mimt', [BENCH_LABEL]: f.run },
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

/** The base64 length of the release record of the example chart, as helm stores it. */
const RELEASE_PAYLOAD = randomBytes(4158).toString('base64');

function tenantObjects(name: string, index: number, f: Fixture): object[] {
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
        replicas: PODS_PER_TENANT,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: {
            labels: { app: 'web', [BENCH_LABEL]: f.run },
            annotations: {
              'kwok.x-k8s.io/usage-cpu': `${10 + (index % 90)}m`,
              'kwok.x-k8s.io/usage-memory': `${32 + (index % 64)}Mi`,
            },
          },
          spec: {
            ...onBenchNode(f),
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

/** Adds tenants until there are `count`, and waits until all their pods run. */
export async function growTenants(f: Fixture, count: number): Promise<void> {
  const from = f.tenants.length;
  if (count <= from) return;
  const names = Array.from({ length: count - from }, (_, i) => `${f.tenantPrefix}${String(from + i).padStart(5, '0')}`);
  log(`creating tenants ${from + 1}–${count} (run ${f.run})`);
  await growNodes(f, count);
  await applyList(names.map((name) => tenantNamespace(name, f)));
  // Four kubectl processes at once: each is limited by its own client-side rate limit.
  const chunks = 4;
  const parts = Array.from({ length: chunks }, (_, c) =>
    names.flatMap((name, i) => (i % chunks === c ? tenantObjects(name, from + i, f) : [])),
  );
  await Promise.all(parts.filter((part) => part.length > 0).map(applyList));
  f.tenants.push(...names);
  await waitUntil('pods running', count * PODS_PER_TENANT, () => runningPods(f, f.tenantPrefix));
}

/**
 * Polls `count` until it reaches `target`; fails when it stops moving for five minutes. A count of
 * twenty thousand pods takes the API server a while: the pause after it is twice as long, so that
 * the polling does not slow down what it waits for.
 */
export async function waitUntil(what: string, target: number, count: () => Promise<number>): Promise<void> {
  let last = -1;
  let stalledSince = Date.now();
  for (;;) {
    stopped.throwIfAborted();
    const started = Date.now();
    const now = await count();
    const took = Date.now() - started;
    if (now >= target) return log(`${now}/${target} ${what}`);
    if (now !== last) {
      log(`${now}/${target} ${what}`);
      stalledSince = Date.now();
    }
    if (Date.now() - stalledSince > 300_000) throw new Error(`${what} stopped at ${now}`);
    last = now;
    await sleep(Math.max(3000, 2 * took));
  }
}

/** Running pods of the run in namespaces starting with `prefix`. */
export async function runningPods(f: Fixture, prefix: string): Promise<number> {
  const out = await kubectl([
    'get',
    'pods',
    '-A',
    '-l',
    `${BENCH_LABEL}=${f.run}`,
    '--field-selector=status.phase=Running',
    '--no-headers',
    '-o',
    'custom-columns=NS:.metadata.namespace',
  ]);
  return out.split('\n').filter((ns) => ns.startsWith(prefix)).length;
}

/** Namespaces of the run, by their name's prefix (mimt or helm made some of them) and phase. */
async function ownNamespaces(f: Fixture): Promise<{ name: string; active: boolean }[]> {
  const out = await kubectl([
    'get',
    'namespaces',
    '--no-headers',
    '-o',
    'custom-columns=NAME:.metadata.name,PHASE:.status.phase',
  ]);
  return out
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter(([name]) => name?.startsWith(f.prefix))
    .map(([name, phase]) => ({ name: name as string, active: phase === 'Active' }));
}

/**
 * Deletes the run's namespaces and waits for them to go, then deletes its node. Eight kubectl
 * processes at once, as each deletes one namespace after another under its own rate limit.
 */
export async function removeFixture(f: Fixture): Promise<void> {
  log('removing what the bench created');
  for (let left = await ownNamespaces(f); left.length > 0; left = await ownNamespaces(f)) {
    const active = left.filter((ns) => ns.active).map((ns) => ns.name);
    const chunks = Array.from({ length: 8 }, (_, c) => active.filter((_, i) => i % 8 === c)).filter((c) => c.length);
    await Promise.all(
      chunks.map((names) => kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names])),
    );
    log(`${left.length} namespaces terminating`);
    await sleep(5000);
  }
  await kubectl(['delete', 'nodes', '-l', `${BENCH_LABEL}=${f.run}`]);
}
