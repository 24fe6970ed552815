import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { apply, clusterEnv, kubectl, uniqueName, waitFor } from '../support/cluster.ts';
import { parseExposition } from '../support/prometheus.ts';
import { ROOT, cleanEnv, plugin, run } from '../support/run.ts';
import { deleteNamespaces, helmTenant, tenantNamespace } from '../support/tenants.ts';

// Independent of mimt's code: the expected figures are computed here from the raw API answers.
const UNIT: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9 };
const BINARY = ['Ki', 'Mi', 'Gi', 'Ti'];
function quantity(text: string | undefined): number {
  if (text === undefined) return 0;
  const match = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(text);
  assert.ok(match, `quantity ${text}`);
  const unit = match[2] as string;
  const factor = BINARY.includes(unit) ? 1024 ** (BINARY.indexOf(unit) + 1) : UNIT[unit];
  assert.ok(factor !== undefined, `unit of ${text}`);
  return Number(match[1]) * factor;
}

interface RawContainer {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface RawPod {
  metadata: { name: string; namespace: string };
  spec: { containers: RawContainer[]; nodeName?: string };
  status: { phase: string };
}
interface RawPodMetrics {
  metadata: { name: string; namespace: string };
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}
interface RawQuota {
  status: { hard: Record<string, string>; used: Record<string, string> };
}

interface MeasureDoc {
  usage: number | null;
  requests: number;
  limits: number;
  usageOfRequests: number | null;
}
interface TenantDoc {
  kind: string;
  metadata: { name: string };
  namespace: string;
  source: string;
  cpu: MeasureDoc & { quota: number | null; usageOfQuota: number | null };
  memory: MeasureDoc & { quota: number | null; usageOfQuota: number | null };
  pods: { total: number; ready: number; notReady: number; restarts: number; unmeasured: number };
  containers: number;
  nodes: string[];
  storage: { claims: number; requests: number };
  quota: Record<string, { used: number; hard: number }>;
  podMetrics?: {
    name: string;
    node: string | null;
    cpu: MeasureDoc;
    memory: MeasureDoc;
    containers?: { name: string; cpu: MeasureDoc; memory: MeasureDoc }[];
  }[];
}
interface ListDoc {
  apiVersion: string;
  kind: string;
  metricsAPI: { available: boolean; reason?: string };
  items: TenantDoc[];
}

const metrics = (args: string[], env = clusterEnv()) => run(plugin('kubectl-mimt-metrics'), args, { env });

async function metricsJson(args: string[]): Promise<ListDoc> {
  const result = await metrics([...args, '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as ListDoc;
}

async function raw<T>(apiPath: string): Promise<T> {
  return JSON.parse((await kubectl(['get', '--raw', apiPath])).stdout) as T;
}

const podMetricsOf = (namespace: string) =>
  raw<{ items: RawPodMetrics[] }>(`/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods`);
const podsOf = (namespace: string) => raw<{ items: RawPod[] }>(`/api/v1/namespaces/${namespace}/pods`);

/** The usage in the list, independent of order: metrics-server returns pods in no fixed order. */
const usageKey = (list: { items: RawPodMetrics[] }) =>
  JSON.stringify(
    list.items
      .map((i) => [i.metadata.name, [...i.containers].sort((a, b) => a.name.localeCompare(b.name))] as const)
      .sort((a, b) => a[0].localeCompare(b[0])),
  );

/**
 * Runs mimt between two reads of the raw pod metrics and keeps the run whose reads agree, so that
 * mimt and the expectation saw the same metrics-server sample.
 */
async function atTheSameMoment<T>(namespace: string, measure: () => Promise<T>) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const before = await podMetricsOf(namespace);
    const pods = await podsOf(namespace);
    const result = await measure();
    const afterwards = await podMetricsOf(namespace);
    if (usageKey(before) === usageKey(afterwards)) return { usage: before, pods, result };
  }
  throw new Error(`the pod metrics of ${namespace} changed during every one of five runs`);
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const usageSum = (items: RawPodMetrics[], resource: 'cpu' | 'memory') =>
  sum(items.flatMap((p) => p.containers.map((c) => quantity(c.usage[resource]))));
const specSum = (pods: RawPod[], kind: 'requests' | 'limits', resource: 'cpu' | 'memory') =>
  sum(pods.flatMap((p) => p.spec.containers.map((c) => quantity(c.resources?.[kind]?.[resource]))));
const millicores = (cores: number) => `${Math.round(cores * 1000)}m`;
const mebibytes = (bytes: number) => `${bytes / 2 ** 20}Mi`;
const pct = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

function assertClose(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(typeof actual === 'number', `${what}: expected a number, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

function assertOneLineError(result: { exitCode: number; stderr: string; stdout: string }, pattern: RegExp): void {
  assert.equal(result.exitCode, 2, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', pattern);
  assert.ok(lines.length <= 2, `the error and at most a hint:\n${result.stderr}`);
}

describe('kubectl mimt metrics', { timeout: 900_000 }, () => {
  const batch = uniqueName('mx');
  const busy = `${batch}-busy`;
  const quiet = `${batch}-quiet`;
  const empty = `${batch}-empty`;
  const selector = `e2e-batch=${batch}`;
  const labels = { 'e2e-batch': batch };
  const blind = `${batch}-blind`;

  before(async () => {
    await Promise.all([
      helmTenant(busy, { labels }),
      helmTenant(quiet, {
        labels,
        set: ['replicaCount=1', 'simulatedUsage.cpu=150m', 'simulatedUsage.memory=100Mi'],
      }),
      apply(tenantNamespace(empty, labels)),
    ]);
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: busy },
        spec: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', pods: '10' } },
      }),
    );
    for (const [name, size] of [
      ['data', '1Gi'],
      ['logs', '512Mi'],
    ]) {
      await apply(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name, namespace: busy },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
        }),
      );
    }
    // A user who may read everything mimt needs except metrics.k8s.io.
    await apply(
      [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'metrics-blind', namespace: empty } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: blind },
          rules: [
            {
              apiGroups: [''],
              resources: ['namespaces', 'pods', 'resourcequotas', 'persistentvolumeclaims'],
              verbs: ['get', 'list'],
            },
            { apiGroups: ['workflows.kubeplus', 'platformapi.kubeplus'], resources: ['*'], verbs: ['get', 'list'] },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: blind },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: blind },
          subjects: [{ kind: 'ServiceAccount', name: 'metrics-blind', namespace: empty }],
        },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    await waitFor(
      'metrics-server to measure every pod of the tenants',
      async () => {
        const [a, b] = await Promise.all([podMetricsOf(busy), podMetricsOf(quiet)]);
        return a.items.length === 2 && b.items.length === 1 ? true : undefined;
      },
      240_000,
    );
    await waitFor('the quota controller to count the pods', async () => {
      const quota = await raw<RawQuota>(`/api/v1/namespaces/${busy}/resourcequotas/compute`);
      return quota.status?.used?.pods === '2' ? true : undefined;
    });
  });

  after(async () => {
    await kubectl(['delete', 'clusterrolebinding,clusterrole', blind, '--ignore-not-found']);
    await deleteNamespaces([busy, quiet, empty]);
  });

  it('sums usage from metrics.k8s.io and requests and limits from the pod specs, per tenant', async () => {
    for (const [tenant, args] of [
      [busy, ['-A', '-l', selector]],
      [quiet, [quiet]],
    ] as const) {
      const { usage, pods, result } = await atTheSameMoment(tenant, () => metricsJson([...args]));
      const item = result.items.find((i) => i.metadata.name === tenant);
      assert.equal(item?.kind, 'TenantMetrics');
      assertClose(item?.cpu.usage, usageSum(usage.items, 'cpu'), `${tenant} cpu usage`);
      assert.equal(item?.memory.usage, usageSum(usage.items, 'memory'));
      assertClose(item?.cpu.requests, specSum(pods.items, 'requests', 'cpu'), `${tenant} cpu requests`);
      assertClose(item?.cpu.limits, specSum(pods.items, 'limits', 'cpu'), `${tenant} cpu limits`);
      assert.equal(item?.memory.requests, specSum(pods.items, 'requests', 'memory'));
      assert.equal(item?.memory.limits, specSum(pods.items, 'limits', 'memory'));
      assertClose(
        item?.cpu.usageOfRequests,
        usageSum(usage.items, 'cpu') / specSum(pods.items, 'requests', 'cpu'),
        `${tenant} cpu usage of requests`,
      );
      assert.equal(item?.containers, sum(pods.items.map((p) => p.spec.containers.length)));
      assert.deepEqual(item?.nodes, [...new Set(pods.items.map((p) => p.spec.nodeName))].sort());
      assert.deepEqual(item?.pods, {
        total: pods.items.length,
        ready: pods.items.length,
        notReady: 0,
        restarts: 0,
        unmeasured: 0,
      });
    }
  });

  it('prints a TenantMetricsList in base units, with the claims and their storage', async () => {
    const list = await metricsJson(['-l', selector]);
    assert.equal(list.apiVersion, 'mimt.io/v1alpha1');
    assert.equal(list.kind, 'TenantMetricsList');
    assert.deepEqual(list.metricsAPI, { available: true });
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      [busy, empty, quiet],
    );
    const item = list.items.find((i) => i.metadata.name === busy);
    assert.equal(item?.namespace, busy);
    assert.equal(item?.source, 'mimt');
    assert.deepEqual(item?.storage, { claims: 2, requests: 1.5 * 2 ** 30 });
    const yaml = await metrics(['-l', selector, '-o', 'yaml']);
    assert.equal(yaml.exitCode, 0, yaml.stderr);
    assert.deepEqual(
      (load(yaml.stdout) as ListDoc).items.map((i) => i.memory.requests),
      list.items.map((i) => i.memory.requests),
    );
  });

  it('shows quota use as the ResourceQuota status has it, and usage as a share of the quota', async () => {
    const quota = await raw<RawQuota>(`/api/v1/namespaces/${busy}/resourcequotas/compute`);
    const { usage, result } = await atTheSameMoment(busy, () => metricsJson([busy]));
    const item = result.items[0];
    for (const resource of Object.keys(quota.status.hard)) {
      assertClose(item?.quota[resource]?.hard, quantity(quota.status.hard[resource]), `${resource} hard`);
      assertClose(item?.quota[resource]?.used, quantity(quota.status.used[resource]), `${resource} used`);
    }
    assert.equal(item?.cpu.quota, quantity(quota.status.hard['requests.cpu']));
    assertClose(
      item?.cpu.usageOfQuota,
      usageSum(usage.items, 'cpu') / quantity(quota.status.hard['requests.cpu']),
      'cpu usage of quota',
    );

    const wide = await metrics([busy, '-o', 'wide']);
    assert.equal(wide.exitCode, 0, wide.stderr);
    const [header, row] = wide.stdout.trimEnd().split('\n');
    const cells = new Map(
      (header ?? '').split(/\s{3,}/).map((h, i) => [h, (row ?? '').split(/\s{3,}/)[i]] as [string, string]),
    );
    const used = quantity(quota.status.used['requests.cpu']);
    const hard = quantity(quota.status.hard['requests.cpu']);
    assert.equal(cells.get('CPU REQ/QUOTA'), `${millicores(used)}/${hard} (${pct(used, hard)})`);
    const usedMemory = quantity(quota.status.used['requests.memory']);
    const hardMemory = quantity(quota.status.hard['requests.memory']);
    assert.equal(cells.get('MEMORY REQ/QUOTA'), `${mebibytes(usedMemory)}/1Gi (${pct(usedMemory, hardMemory)})`);
    assert.equal(cells.get('PVCS'), '2 (1.5Gi)');
  });

  it('prints a table in human units with percentages', async () => {
    const { usage, pods, result } = await atTheSameMoment(busy, () => metrics(['-l', selector]));
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      /^TENANT\s+CPU USE\/REQ\s+CPU USE\/QUOTA\s+MEMORY USE\/REQ\s+MEMORY USE\/QUOTA\s+PODS\s+RESTARTS$/,
    );
    const cpu = usageSum(usage.items, 'cpu');
    const requests = specSum(pods.items, 'requests', 'cpu');
    const memory = usageSum(usage.items, 'memory');
    const memoryRequests = specSum(pods.items, 'requests', 'memory');
    assert.deepEqual(lines.find((l) => l.startsWith(`${busy} `))?.split(/\s{3,}/), [
      busy,
      `${millicores(cpu)}/${millicores(requests)} (${pct(cpu, requests)})`,
      `${millicores(cpu)}/1 (${pct(cpu, 1)})`,
      `${mebibytes(memory)}/${mebibytes(memoryRequests)} (${pct(memory, memoryRequests)})`,
      `${mebibytes(memory)}/1Gi (${pct(memory, 2 ** 30)})`,
      '2/2',
      '0',
    ]);
  });

  it('shows a tenant without pods with zero usage and requests, not as unknown', async () => {
    const item = (await metricsJson([empty])).items[0];
    assert.deepEqual(item?.cpu, {
      usage: 0,
      requests: 0,
      limits: 0,
      usageOfRequests: null,
      quota: null,
      usageOfQuota: null,
    });
    assert.deepEqual(item?.pods, { total: 0, ready: 0, notReady: 0, restarts: 0, unmeasured: 0 });
    assert.deepEqual(item?.nodes, []);
    const table = await metrics([empty]);
    assert.equal(table.exitCode, 0, table.stderr);
    assert.deepEqual(
      table.stdout
        .trimEnd()
        .split('\n')[1]
        ?.split(/\s{3,}/),
      [empty, '0', '-', '0', '-', '0/0', '0'],
    );
  });

  it('breaks a tenant down into pods and containers with the figures of each', async () => {
    const { usage, pods, result } = await atTheSameMoment(busy, () => metricsJson([busy, '--containers']));
    const breakdown = result.items[0]?.podMetrics ?? [];
    assert.deepEqual(
      breakdown.map((p) => p.name),
      pods.items.map((p) => p.metadata.name).sort(),
    );
    for (const pod of breakdown) {
      const measured = usage.items.find((u) => u.metadata.name === pod.name);
      const spec = pods.items.find((p) => p.metadata.name === pod.name);
      assert.ok(measured && spec);
      assertClose(pod.cpu.usage, usageSum([measured], 'cpu'), `${pod.name} cpu`);
      assert.equal(pod.memory.requests, specSum([spec], 'requests', 'memory'));
      assert.equal(pod.node, spec.spec.nodeName);
      assert.deepEqual(
        pod.containers?.map((c) => [c.name, c.memory.usage, c.cpu.requests]),
        spec.spec.containers.map((c) => [
          c.name,
          quantity(measured.containers.find((m) => m.name === c.name)?.usage.memory),
          quantity(c.resources?.requests?.cpu),
        ]),
      );
    }

    const podTable = await metrics([busy, '--pods']);
    assert.equal(podTable.exitCode, 0, podTable.stderr);
    const [header, ...rows] = podTable.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^TENANT\s+POD\s+CPU USE\/REQ\s+MEMORY USE\/REQ\s+READY\s+PHASE\s+RESTARTS\s+NODE$/);
    assert.deepEqual(
      rows.map((r) => r.split(/\s{3,}/).slice(0, 2)),
      breakdown.map((p) => [busy, p.name]),
    );
    assert.ok(rows.every((r) => r.split(/\s{3,}/)[4] === '2/2'));
    const containerTable = await metrics([busy, '--containers']);
    assert.equal(containerTable.stdout.trimEnd().split('\n').length, 1 + 4, containerTable.stdout);
  });

  it('shows a pod that metrics-server has not measured yet as pending, never as zero', async () => {
    const pod = `${batch}-fresh`;
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: quiet, annotations: { 'kwok.x-k8s.io/usage-cpu': '300m' } },
        spec: { containers: [{ name: 'main', image: 'example/app:1', resources: { requests: { cpu: '100m' } } }] },
      }),
    );
    await kubectl(['wait', '--for=condition=Ready', `pod/${pod}`, '-n', quiet, '--timeout=60s']);
    const list = await metricsJson([quiet, '--pods']);
    const table = await metrics([quiet, '--pods']);
    const measured = await podMetricsOf(quiet);
    assert.ok(
      !measured.items.some((m) => m.metadata.name === pod),
      'metrics-server measured the new pod within seconds: cannot check the pending state',
    );
    const item = list.items[0];
    const fresh = item?.podMetrics?.find((p) => p.name === pod);
    assert.equal(fresh?.cpu.usage, null);
    assert.equal(fresh?.memory.usage, null);
    assert.equal(fresh?.cpu.requests, 0.1);
    assert.equal(item?.cpu.usage, null, 'the tenant total is unknown while a pod is');
    assert.equal(item?.pods.unmeasured, 1);
    const row = table.stdout.split('\n').find((l) => l.includes(pod));
    assert.equal(row?.split(/\s{3,}/)[2], '<pending>/100m');
    const prometheus = parseExposition((await metrics([quiet, '--pods', '-o', 'prometheus'])).stdout);
    const cpu = prometheus.find((f) => f.name === 'mimt_pod_cpu_usage_cores');
    assert.ok(cpu && !cpu.metrics.some((m) => m.labels?.pod === pod), 'no sample for an unmeasured pod');
    await kubectl(['delete', 'pod', pod, '-n', quiet, '--wait=false']);
  });

  it('prints valid Prometheus text: families with HELP and TYPE, names in labels only', async () => {
    const result = await metrics(['-l', selector, '-o', 'prometheus']);
    assert.equal(result.exitCode, 0, result.stderr);
    const families = parseExposition(result.stdout);
    const json = await metricsJson(['-l', selector]);
    const byName = new Map(families.map((f) => [f.name, f]));
    for (const family of families) {
      assert.match(family.name, /^mimt_/);
      for (const tenant of [busy, quiet, empty]) assert.ok(!family.name.includes(tenant.replaceAll('-', '_')));
    }
    const sample = (name: string, tenant: string, extra: Record<string, string> = {}) =>
      byName
        .get(name)
        ?.metrics.find(
          (m) => m.labels?.tenant === tenant && Object.entries(extra).every(([k, v]) => m.labels?.[k] === v),
        );
    const item = json.items.find((i) => i.metadata.name === busy);
    assert.deepEqual(sample('mimt_tenant_cpu_requests_cores', busy)?.labels, {
      tenant: busy,
      namespace: busy,
      source: 'mimt',
    });
    assert.equal(Number(sample('mimt_tenant_cpu_requests_cores', busy)?.value), item?.cpu.requests);
    assert.equal(Number(sample('mimt_tenant_memory_working_set_bytes', busy)?.value), item?.memory.usage);
    assert.ok(sample('mimt_tenant_cpu_usage_cores', busy), 'cpu usage of a measured tenant');
    assert.equal(Number(sample('mimt_tenant_quota_hard', busy, { resource: 'requests.cpu' })?.value), 1);
    assert.equal(Number(sample('mimt_tenant_quota_used', busy, { resource: 'pods' })?.value), 2);
    assert.equal(Number(sample('mimt_tenant_pods', busy, { state: 'ready' })?.value), 2);
    assert.equal(Number(sample('mimt_tenant_pods', empty, { state: 'ready' })?.value), 0);
    assert.equal(Number(sample('mimt_tenant_storage_requests_bytes', busy)?.value), 1.5 * 2 ** 30);
    assert.equal(byName.get('mimt_metrics_api_available')?.metrics[0]?.value, '1');

    const containers = parseExposition((await metrics([busy, '--containers', '-o', 'prometheus'])).stdout);
    const requests = containers.find((f) => f.name === 'mimt_container_cpu_requests_cores');
    assert.equal(requests?.metrics.length, 4);
    assert.deepEqual(Object.keys(requests?.metrics[0]?.labels ?? {}), [
      'tenant',
      'namespace',
      'source',
      'pod',
      'container',
    ]);
  });

  it('without access to metrics.k8s.io, still shows requests, quota and pods, and says once why', async () => {
    const as = ['--as', `system:serviceaccount:${empty}:metrics-blind`];
    const result = await metrics([...as, '-l', selector, '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const warnings = result.stderr.trimEnd().split('\n');
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(warnings[0] ?? '', /^warning: CPU and memory usage unavailable: forbidden: .*metrics\.k8s\.io/);
    const list = JSON.parse(result.stdout) as ListDoc;
    assert.equal(list.metricsAPI.available, false);
    assert.match(list.metricsAPI.reason ?? '', /forbidden/);
    const item = list.items.find((i) => i.metadata.name === busy);
    assert.equal(item?.cpu.usage, null);
    assert.equal(item?.memory.usage, null);
    assert.equal(item?.cpu.requests, 0.2);
    assert.equal(item?.quota['requests.cpu']?.used, 0.2);
    assert.deepEqual(item?.pods, { total: 2, ready: 2, notReady: 0, restarts: 0, unmeasured: 2 });

    const table = await metrics([...as, busy]);
    assert.equal(table.exitCode, 0, table.stderr);
    assert.equal(table.stderr.trimEnd().split('\n').length, 1);
    assert.deepEqual(
      table.stdout
        .trimEnd()
        .split('\n')[1]
        ?.split(/\s{3,}/)
        .slice(0, 3),
      [busy, '<unavailable>/200m', '<unavailable>/1'],
    );
  });

  it('re-measures with --watch until interrupted, then exits 0', async () => {
    const child = execa(plugin('kubectl-mimt-metrics'), [busy, '-w', '--interval', '1s', '-o', 'json'], {
      env: clusterEnv(),
      extendEnv: false,
      reject: false,
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if ((out.match(/^\}$/gm) ?? []).length >= 2) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 0, String(result.stderr));
    const frames = out.split(/(?<=^\})\n/m).filter((f) => f.trim() !== '');
    assert.ok(frames.length >= 2, out);
    for (const frame of frames) assert.equal((JSON.parse(frame) as ListDoc).items[0]?.metadata.name, busy);
  });

  it('costs the same few API requests whatever the number of tenants', async () => {
    const count = async (args: string[]) => {
      const result = await metrics([...args, '-v=1']);
      assert.equal(result.exitCode, 0, result.stderr);
      return Number(/I (\d+) API requests/.exec(result.stderr)?.[1]);
    };
    const kinds = await kubectl(['get', '--raw', '/apis/workflows.kubeplus/v1alpha1/resourcecompositions']).then(
      (r) => (JSON.parse(r.stdout) as { items: unknown[] }).items.length,
      () => 0,
    );
    // namespaces, KubePlus compositions, pods, quotas, claims, pod metrics; one more per KubePlus Kind.
    assert.equal(await count(['-A']), 6 + kinds);
    assert.equal(await count(['-l', selector]), 6 + kinds);
    assert.equal(await count(['-l', 'e2e-batch=nobody']), 6 + kinds);
    assert.equal(await count([busy, '--containers']), 6 + kinds);
  });

  it('rejects bad input with one line and exit 2, before any request', async () => {
    const env = cleanEnv();
    const offline = [
      '--kubeconfig',
      path.join(ROOT, 'test/fixtures/kubeconfig/empty.yaml'),
      '--server',
      'https://127.0.0.1:1',
    ];
    const bad = (args: string[]) => metrics([...args, ...offline], env);
    assertOneLineError(await bad(['--sort-by', 'disk']), /^error: invalid value "disk" for --sort-by: use one of/);
    assertOneLineError(await bad(['--pods', '--containers']), /^error: --pods and --containers exclude each other/);
    assertOneLineError(await bad(['-w', '--interval', 'soon']), /^error: invalid duration "soon" for --interval/);
    assertOneLineError(await bad(['-w', '--interval', '0s']), /^error: invalid --interval "0s": must be at least 1s/);
    assertOneLineError(await bad(['--interval', '5s']), /^error: --interval 5s needs --watch/);
    assertOneLineError(await bad(['acme', '-A']), /^error: tenant "acme" and -A\/--all-tenants exclude each other/);
    assertOneLineError(await bad(['-l', 'a in b']), /^error: invalid label selector "a in b"/);
    assertOneLineError(
      await bad(['-o', 'name']),
      /^error: invalid output format "name": use one of wide, json, yaml, prometheus$/,
    );
  });
});
