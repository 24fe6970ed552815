import { ReadReport } from '../../src/core/kube/read.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MetricsOptions, everyInterval } from '../../src/commands/metrics.ts';
import { type Breakdown, present } from '../../src/views/metrics.ts';
import { measureTenant } from '../../src/core/metrics/aggregate.ts';
import type { MetricsSnapshot } from '../../src/core/metrics/fetch.ts';
import { type ContainerSpec, type PersistentVolumeClaim, type Pod, podAmount } from '../../src/core/metrics/pods.ts';
import { type PodMetrics, indexUsage } from '../../src/core/metrics/usage.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import { render } from '../../src/output/render.ts';
import type { Listing } from '../../src/output/result.ts';
import { parseExposition } from '../support/prometheus.ts';

const MI = 2 ** 20;

function container(name: string, requests: Record<string, string>, limits: Record<string, string> = {}): ContainerSpec {
  return { name, resources: { requests, limits } };
}

interface PodFixture {
  phase?: string;
  node?: string;
  ready?: boolean;
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  restarts?: number[];
  initRestarts?: number[];
}

function pod(name: string, fixture: PodFixture = {}, namespace = 'acme'): Pod {
  const containers = fixture.containers ?? [container('app', { cpu: '100m', memory: '64Mi' })];
  return {
    metadata: { name, namespace },
    spec: { nodeName: fixture.node ?? 'node-a', containers, initContainers: fixture.initContainers },
    status: {
      phase: fixture.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: fixture.ready === false ? 'False' : 'True' }],
      containerStatuses: containers.map((c, i) => ({
        name: c.name,
        ready: fixture.ready !== false,
        restartCount: fixture.restarts?.[i] ?? 0,
      })),
      initContainerStatuses: (fixture.initContainers ?? []).map((c, i) => ({
        name: c.name,
        restartCount: fixture.initRestarts?.[i] ?? 0,
      })),
    },
  };
}

function sample(name: string, usage: Record<string, [cpu: string, memory: string]>, namespace = 'acme'): PodMetrics {
  return {
    metadata: { name, namespace },
    timestamp: '2026-11-24T10:00:00Z',
    window: '15.002s',
    containers: Object.entries(usage).map(([c, [cpu, memory]]) => ({ name: c, usage: { cpu, memory } })),
  };
}

function claim(storage: string): PersistentVolumeClaim {
  return { metadata: { name: `data-${storage}`, namespace: 'acme' }, spec: { resources: { requests: { storage } } } };
}

describe('what a pod reserves', () => {
  it('adds up the containers and ignores the ones without a value', () => {
    const p = pod('p', {
      containers: [container('a', { cpu: '250m', memory: '1Gi' }, { cpu: '1' }), container('b', {})],
    });
    assert.equal(podAmount(p, 'requests', 'cpu'), 0.25);
    assert.equal(podAmount(p, 'requests', 'memory'), 1024 * MI);
    assert.equal(podAmount(p, 'limits', 'cpu'), 1);
    assert.equal(podAmount(p, 'limits', 'memory'), 0);
  });

  it('counts a plain init container only when it needs more than the app containers', () => {
    const small = pod('p', { initContainers: [container('init', { cpu: '50m' })] });
    assert.equal(podAmount(small, 'requests', 'cpu'), 0.1);
    const big = pod('p', { initContainers: [container('init', { cpu: '2' })] });
    assert.equal(podAmount(big, 'requests', 'cpu'), 2);
  });

  it('adds sidecars to the app containers and to the init containers that start after them', () => {
    const sidecar = { ...container('proxy', { cpu: '200m' }), restartPolicy: 'Always' };
    const p = pod('p', { initContainers: [sidecar, container('migrate', { cpu: '500m' })] });
    // steady: app 100m + proxy 200m = 300m; while migrate runs: proxy 200m + 500m = 700m.
    assert.equal(podAmount(p, 'requests', 'cpu'), 0.7);
  });

  it('takes pod-level resources over the containers, and adds the runtime overhead', () => {
    const p = pod('p');
    p.spec = { ...p.spec, resources: { requests: { cpu: '1' } }, overhead: { cpu: '250m' } };
    assert.equal(podAmount(p, 'requests', 'cpu'), 1.25);
    assert.equal(podAmount(p, 'requests', 'memory'), 64 * MI);
  });
});

describe('a tenant measured from its pods', () => {
  const pods = [
    pod('web-1', { node: 'node-a', containers: [container('web', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' })] }),
    pod('web-2', {
      node: 'node-b',
      containers: [container('web', { cpu: '100m', memory: '64Mi' }, { cpu: '200m' })],
      restarts: [3],
      initContainers: [container('init', {})],
      initRestarts: [1],
    }),
    pod('job-done', { phase: 'Succeeded', ready: false }),
    pod('broken', { phase: 'Failed', ready: false, node: 'node-c' }),
    pod('waiting', { phase: 'Pending', ready: false, node: 'node-b' }),
  ];
  const usage = indexUsage([
    sample('web-1', { web: ['30m', '40Mi'] }),
    sample('web-2', { web: ['50m', '20Mi'] }),
    sample('elsewhere', { x: ['5', '1Gi'] }, 'other'),
  ]);

  it('sums usage, requests and limits of the pods that run', () => {
    const figures = measureTenant(pods, [], usage);
    assert.equal(figures.cpu.usage?.toFixed(9), '0.080000000');
    assert.equal(figures.memory.usage, 60 * MI);
    // web-1 + web-2 + the pending pod's 100m; the failed pod holds nothing.
    assert.equal(figures.cpu.requests.toFixed(9), '0.300000000');
    assert.equal(figures.cpu.limits.toFixed(9), '0.400000000');
    assert.equal(figures.memory.requests, 3 * 64 * MI);
  });

  it('counts pods without the completed one, restarts with init containers, and the nodes in use', () => {
    const figures = measureTenant(pods, [], usage);
    assert.deepEqual(figures.pods, { total: 4, ready: 2, notReady: 2, restarts: 4, unmeasured: 0 });
    assert.deepEqual(figures.nodes, ['node-a', 'node-b']);
    assert.equal(figures.containers, 3);
    assert.deepEqual(
      figures.podFigures.map((p) => p.name),
      ['broken', 'waiting', 'web-1', 'web-2'],
    );
  });

  it('gives a running pod that was not sampled yet no usage, and the tenant none either', () => {
    const figures = measureTenant([...pods, pod('web-3')], [], usage);
    const fresh = figures.podFigures.find((p) => p.name === 'web-3');
    assert.equal(fresh?.cpu.usage, null);
    assert.equal(fresh?.containers[0]?.memory.usage, null);
    assert.equal(fresh?.cpu.requests, 0.1);
    assert.equal(figures.cpu.usage, null);
    assert.equal(figures.memory.usage, null);
    assert.equal(figures.pods.unmeasured, 1);
  });

  it('knows no usage at all without metrics, and still the requests', () => {
    const figures = measureTenant(pods, [], undefined);
    assert.equal(figures.cpu.usage, null);
    assert.equal(figures.podFigures.find((p) => p.name === 'web-1')?.memory.usage, null);
    assert.equal(figures.memory.requests, 3 * 64 * MI);
    assert.equal(figures.pods.unmeasured, 4);
  });

  it('is zero, not unknown, for a tenant without pods', () => {
    const figures = measureTenant([], [], usage);
    assert.deepEqual(figures.cpu, { usage: 0, requests: 0, limits: 0 });
    assert.deepEqual(figures.pods, { total: 0, ready: 0, notReady: 0, restarts: 0, unmeasured: 0 });
    assert.deepEqual(figures.nodes, []);
  });

  it('counts the claims and the storage they request', () => {
    assert.deepEqual(measureTenant([], [claim('10Gi'), claim('512Mi')], usage).storage, {
      claims: 2,
      requests: 10 * 1024 * MI + 512 * MI,
    });
  });

  it('keeps the sample time and window of each pod', () => {
    const web1 = measureTenant(pods, [], usage).podFigures.find((p) => p.name === 'web-1');
    assert.equal(web1?.timestamp, '2026-11-24T10:00:00Z');
    assert.equal(web1?.windowSeconds, 15.002);
  });
});

function tenant(name: string, labels: Record<string, string> = {}): Tenant {
  return {
    name,
    namespace: name,
    source: 'mimt',
    release: name,
    labels,
    annotations: {},
    terminating: false,
    namespaceMissing: false,
    problems: [],
  };
}

function snapshot(unavailable?: string): MetricsSnapshot {
  const quota = {
    metadata: { name: 'quota', namespace: 'busy' },
    status: { hard: { 'requests.cpu': '1', 'requests.memory': '1Gi' }, used: { 'requests.cpu': '200m' } },
  };
  return {
    tenants: [tenant('quiet', { tier: 'gold' }), tenant('busy'), tenant('empty', { tier: 'gold' }), tenant('new')],
    pods: new Map([
      ['quiet', [pod('q-1', {}, 'quiet')]],
      ['busy', [pod('b-1', {}, 'busy'), pod('b-2', {}, 'busy')]],
      ['new', [pod('n-1', {}, 'new')]],
    ]),
    quotas: new Map([['busy', [quota]]]),
    claims: new Map(),
    usage: unavailable
      ? undefined
      : indexUsage([
          sample('q-1', { app: ['10m', '16Mi'] }, 'quiet'),
          sample('b-1', { app: ['400m', '32Mi'] }, 'busy'),
          sample('b-2', { app: ['300m', '32Mi'] }, 'busy'),
        ]),
    unavailable,
    report: new ReadReport(),
  };
}

const options = (extra: Partial<MetricsOptions> = {}): MetricsOptions => ({
  breakdown: 'tenants' as Breakdown,
  sortBy: 'name',
  ...extra,
});

const table = (result: ReturnType<typeof present>, format: 'table' | 'wide' = 'table') =>
  render(result, { format, noHeaders: false, colour: false }).stdout.trimEnd().split('\n');

describe('the metrics listing', () => {
  it('shows usage against requests and quota in human units with percentages', () => {
    const [header, busy, empty, fresh, quiet] = table(present(snapshot(), options()));
    assert.match(header ?? '', /^TENANT\s+CPU USE\/REQ\s+CPU USE\/QUOTA\s+MEMORY USE\/REQ\s+MEMORY USE\/QUOTA\s+PODS/);
    assert.deepEqual(busy?.split(/\s{3,}/), [
      'busy',
      '700m/200m (350%)',
      '700m/1 (70%)',
      '64Mi/128Mi (50%)',
      '64Mi/1Gi (6%)',
      '2/2',
      '0',
    ]);
    assert.deepEqual(empty?.split(/\s{3,}/), ['empty', '0', '-', '0', '-', '0/0', '0']);
    assert.deepEqual(fresh?.split(/\s{3,}/).slice(0, 3), ['new', '<pending>/100m', '-']);
    assert.deepEqual(quiet?.split(/\s{3,}/).slice(0, 2), ['quiet', '10m/100m (10%)']);
  });

  it('puts the highest usage first with --sort-by cpu, unknown usage last', () => {
    const rows = table(present(snapshot(), options({ sortBy: 'cpu' }))).slice(1);
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      ['busy', 'quiet', 'empty', 'new'],
    );
  });

  it('selects tenants by label', () => {
    const rows = table(present(snapshot(), options({ selector: 'tier=gold' }))).slice(1);
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      ['empty', 'quiet'],
    );
  });

  it('says once why usage is unavailable and marks it so, keeping requests and quota', () => {
    const result = present(snapshot('metrics.k8s.io is unavailable (HTTP 503)'), options());
    assert.deepEqual(result.warnings, [
      'warning: CPU and memory usage unavailable: metrics.k8s.io is unavailable (HTTP 503)',
    ]);
    const busy = table(result).find((r) => r.startsWith('busy'));
    assert.deepEqual(busy?.split(/\s{3,}/).slice(0, 3), ['busy', '<unavailable>/200m', '<unavailable>/1']);
    const doc = result.document as { metricsAPI: unknown; items: { cpu: { usage: unknown; requests: number } }[] };
    assert.deepEqual(doc.metricsAPI, { available: false, reason: 'metrics.k8s.io is unavailable (HTTP 503)' });
    assert.equal(doc.items[0]?.cpu.usage, null);
    assert.equal(doc.items[0]?.cpu.requests, 0.2);
  });

  it('prints numbers in base units in the TenantMetricsList', () => {
    const doc = present(snapshot(), options()).document as {
      kind: string;
      items: { metadata: { name: string }; cpu: Record<string, unknown>; memory: Record<string, unknown> }[];
    };
    assert.equal(doc.kind, 'TenantMetricsList');
    const busy = doc.items.find((i) => i.metadata.name === 'busy');
    assert.deepEqual(busy?.cpu, {
      usage: 0.7,
      requests: 0.2,
      limits: 0,
      usageOfRequests: 3.5,
      quota: 1,
      usageOfQuota: 0.7,
    });
    assert.deepEqual(busy?.memory, {
      usage: 64 * MI,
      requests: 128 * MI,
      limits: 0,
      usageOfRequests: 0.5,
      quota: 1024 * MI,
      usageOfQuota: 0.0625,
    });
  });

  it('breaks tenants down into pods and containers', () => {
    const pods = table(present(snapshot(), options({ breakdown: 'pods', sortBy: 'cpu' })));
    assert.match(pods[0] ?? '', /^TENANT\s+POD\s+CPU USE\/REQ\s+MEMORY USE\/REQ\s+READY\s+PHASE\s+RESTARTS\s+NODE$/);
    assert.deepEqual(
      pods.slice(1).map((r) => r.split(/\s{3,}/).slice(0, 3)),
      [
        ['busy', 'b-1', '400m/100m (400%)'],
        ['busy', 'b-2', '300m/100m (300%)'],
        ['quiet', 'q-1', '10m/100m (10%)'],
        ['new', 'n-1', '<pending>/100m'],
      ],
    );
    const containers = table(present(snapshot(), options({ breakdown: 'containers' })));
    assert.match(containers[0] ?? '', /^TENANT\s+POD\s+CONTAINER\s+CPU USE\/REQ/);
    assert.ok(containers.some((r) => /^quiet\s+q-1\s+app\s+10m\/100m \(10%\)\s+16Mi\/64Mi \(25%\)/.test(r)));
  });

  it('draws a bar of usage against quota only with colour', () => {
    const result = present(snapshot(), options());
    const plain = render(result, { format: 'table', noHeaders: false, colour: false }).stdout;
    const coloured = render(result, { format: 'table', noHeaders: false, colour: true }).stdout;
    assert.doesNotMatch(plain, /\u2588/);
    // 70% of the CPU quota: 6 of 8 blocks filled, then 2 empty ones.
    assert.match(coloured, /\u001b\[32m\u2588{6}\u001b\[39m\u001b\[2m\u2591{2}\u001b\[22m 700m\/1 \(70%\)/);
  });
});

describe('the metrics listing as Prometheus text', () => {
  const exposition = (breakdown: Breakdown, unavailable?: string) =>
    parseExposition(
      render(present(snapshot(unavailable), options({ breakdown })), {
        format: 'prometheus',
        noHeaders: false,
        colour: false,
      }).stdout,
    );

  it('has one family per figure, tenants in labels and never in names', () => {
    const families = exposition('tenants');
    for (const f of families) assert.doesNotMatch(f.name, /busy|quiet|empty|new_/);
    const byName = new Map(families.map((f) => [f.name, f]));
    const series = (name: string, tenantName: string) =>
      byName.get(name)?.metrics.filter((m) => m.labels?.tenant === tenantName) ?? [];
    assert.deepEqual(series('mimt_tenant_cpu_usage_cores', 'busy'), [
      { labels: { tenant: 'busy', namespace: 'busy', source: 'mimt' }, value: '0.7' },
    ]);
    assert.deepEqual(
      series('mimt_tenant_quota_hard', 'busy').map((m) => [m.labels?.resource, m.value]),
      [
        ['requests.cpu', '1'],
        ['requests.memory', String(1024 * MI)],
      ],
    );
    assert.deepEqual(
      series('mimt_tenant_pods', 'busy').map((m) => [m.labels?.state, m.value]),
      [
        ['ready', '2'],
        ['not_ready', '0'],
      ],
    );
    assert.deepEqual(series('mimt_tenant_cpu_usage_cores', 'new'), [], 'no sample while not measured');
    assert.deepEqual(series('mimt_tenant_cpu_requests_cores', 'new')[0]?.value, '0.1');
  });

  it('labels the breakdowns with pod and container', () => {
    const pods = exposition('pods').find((f) => f.name === 'mimt_pod_cpu_usage_cores');
    assert.deepEqual(pods?.metrics[0]?.labels, { tenant: 'busy', namespace: 'busy', source: 'mimt', pod: 'b-1' });
    const containers = exposition('containers').find((f) => f.name === 'mimt_container_memory_working_set_bytes');
    assert.deepEqual(containers?.metrics.at(-1), {
      labels: { tenant: 'quiet', namespace: 'quiet', source: 'mimt', pod: 'q-1', container: 'app' },
      value: String(16 * MI),
    });
  });

  it('says that the metrics API is unavailable, with no usage samples', () => {
    const families = exposition('tenants', 'no metrics-server');
    const names = families.map((f) => f.name);
    assert.equal(families.find((f) => f.name === 'mimt_metrics_api_available')?.metrics[0]?.value, '0');
    // Only the tenant without pods has a usage known without metrics: none.
    assert.deepEqual(
      families.find((f) => f.name === 'mimt_tenant_cpu_usage_cores')?.metrics.map((m) => [m.labels?.tenant, m.value]),
      [['empty', '0']],
    );
    assert.ok(names.includes('mimt_tenant_cpu_requests_cores'));
  });
});

describe('--watch', () => {
  it('measures again each interval, says a warning once while it holds, and ends when interrupted', async () => {
    const controller = new AbortController();
    const warnings = [['warning: a'], ['warning: a', 'warning: b'], ['warning: b'], ['warning: a']];
    let taken = 0;
    const take = async (): Promise<Listing> => ({
      ...present(snapshot(), options()),
      warnings: warnings[taken++] ?? [],
    });
    const said: string[][] = [];
    for await (const frame of everyInterval(take, 1, controller.signal)) {
      said.push(frame.warnings ?? []);
      if (said.length === 4) controller.abort();
    }
    assert.deepEqual(said, [['warning: a'], ['warning: b'], [], ['warning: a']]);
  });
});
