import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { FakeApi } from '../support/fake-api.ts';
import { manyTenants, podMetrics, tenant, viewerOf } from '../support/fixtures.ts';
import { mimt } from '../support/in-process.ts';

/** `kubectl mimt metrics` from argv to what it prints, against the fake API server. */

const rows = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
const notes = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('note:'));

/** acme: two pods of 100m/64Mi requests, one measured at 250m/100Mi, the other not yet. */
function acme(): KubeObject[] {
  return [
    ...tenant('acme', {
      quota: { 'requests.cpu': '1', 'requests.memory': '1Gi' },
      pods: [{}, { waiting: 'CrashLoopBackOff', restarts: 2 }],
    }),
    podMetrics('acme', 'web-5d7c9f8b6d-k2x9p', { app: ['250m', '100Mi'] }),
  ];
}

async function run(objects: KubeObject[], args: string[], setUp: (api: FakeApi) => void = () => undefined) {
  const api = await FakeApi.start(objects);
  setUp(api);
  try {
    const result = await mimt('metrics', args, { kubeconfig: api.kubeconfig() });
    return { result, api };
  } finally {
    await api.close();
  }
}

describe('metrics', () => {
  it('measures every tenant against requests and quota, in six requests', async () => {
    const { result, api } = await run([...acme(), ...manyTenants(1)], ['-A']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.deepEqual(rows(result.stdout), [
      ['TENANT', 'CPU USE/REQ', 'CPU USE/QUOTA', 'MEMORY USE/REQ', 'MEMORY USE/QUOTA', 'PODS', 'RESTARTS'],
      // A pod not measured yet makes its tenant's use unknown (<pending>), never a smaller number.
      ['acme', '<pending>/200m', '<pending>/1', '<pending>/128Mi', '<pending>/1Gi', '1/2', '2'],
      ['t001', '10m/200m (5%)', '10m/2 (1%)', '40Mi/128Mi (31%)', '40Mi/4Gi (1%)', '2/2', '0'],
    ]);
    assert.equal(api.requests.length, 6);
    assert.deepEqual(api.writes(), []);
  });

  it('costs the same requests for 50 tenants as for one', async () => {
    const one = await run(manyTenants(1), []);
    const fifty = await run(manyTenants(50), []);
    assert.equal(rows(fifty.result.stdout).length, 51);
    assert.deepEqual(
      fifty.api.requests.map((r) => `${r.method} ${r.path}`),
      one.api.requests.map((r) => `${r.method} ${r.path}`),
    );
  });

  it('metrics TENANT --pods shows each pod of the tenant, reading its namespace only', async () => {
    const { result, api } = await run([...acme(), ...manyTenants(2)], ['acme', '--pods']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(rows(result.stdout).slice(1), [
      ['acme', 'web-5d7c9f8b6d-k2x9p', '250m/100m (250%)', '100Mi/64Mi (156%)', '1/1', 'Running', '0', 'node-1'],
      ['acme', 'web-5d7c9f8b6d-m4q7z', '<pending>/100m', '<pending>/64Mi', '0/1', 'Running', '2', 'node-1'],
    ]);
    assert.ok(!api.requests.some((r) => /\/namespaces\/t00/.test(r.path)));
    assert.equal(api.requests.length, 6);
  });

  it('without metrics-server, usage is <unavailable>, said once, and the rest is shown', async () => {
    const { result } = await run(acme(), [], (api) => api.missing(/^\/apis\/metrics\.k8s\.io\//));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(rows(result.stdout)[1], [
      'acme',
      '<unavailable>/200m',
      '<unavailable>/1',
      '<unavailable>/128Mi',
      '<unavailable>/1Gi',
      '1/2',
      '2',
    ]);
    assert.equal(
      result.stderr,
      'warning: CPU and memory usage unavailable: the cluster does not serve metrics.k8s.io (is metrics-server installed?)\n',
    );
  });

  it('a tenant and -A together are refused before any request', async () => {
    const { result, api } = await run(acme(), ['acme', '-A']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: tenant "acme" and -A\/--all-tenants exclude each other/);
    assert.equal(api.requests.length, 0);
  });
});

describe('metrics as the view user of one tenant', () => {
  async function asViewer(objects: KubeObject[], args: string[]) {
    const api = await FakeApi.start(objects);
    api.limitUser('acme-viewer', viewerOf('acme'));
    try {
      const result = await mimt('metrics', args, {
        kubeconfig: api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' }),
      });
      return { result, requests: api.requests.map((r) => `${r.method} ${r.path}`) };
    } finally {
      await api.close();
    }
  }

  it('measures its own tenant, exit 0, one note, usage unknown rather than zero', async () => {
    const { result } = await asViewer([...acme(), ...manyTenants(3)], []);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      rows(result.stdout)
        .slice(1)
        .map((r) => [r[0], r[1], r[5]]),
      [['acme', '<unavailable>/200m', '1/2']],
    );
    assert.equal(notes(result.stderr).length, 1, result.stderr);
    assert.match(notes(result.stderr)[0] ?? '', /may not list namespaces cluster-wide.*"acme"/);
    assert.match(result.stderr, /^warning: CPU and memory usage unavailable: forbidden: .*metrics\.k8s\.io/m);
  });

  it('costs the same requests whatever the number of tenants in the cluster', async () => {
    const one = await asViewer(acme(), []);
    const many = await asViewer([...acme(), ...manyTenants(50)], []);
    assert.deepEqual(many.requests, one.requests);
    // Six cluster-wide attempts, the context's namespace, then its four lists.
    assert.equal(one.requests.length, 11);
  });

  it('metrics TENANT --pods -o json has its pods, usage null and the reason', async () => {
    const { result } = await asViewer(acme(), ['acme', '--pods', '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const list = JSON.parse(result.stdout) as {
      metricsAPI: { available: boolean; reason: string };
      items: { cpu: { usage: unknown; requests: number }; podMetrics: { name: string }[] }[];
    };
    assert.equal(list.metricsAPI.available, false);
    assert.match(list.metricsAPI.reason, /^forbidden/);
    assert.equal(list.items[0]?.cpu.usage, null);
    assert.equal(list.items[0]?.cpu.requests, 0.2);
    assert.deepEqual(
      list.items[0]?.podMetrics.map((p) => p.name),
      ['web-5d7c9f8b6d-k2x9p', 'web-5d7c9f8b6d-m4q7z'],
    );
  });

  it('metrics of another tenant fails with one line', async () => {
    const { result } = await asViewer([...acme(), ...tenant('beta')], ['beta']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: tenant "beta" not found\n/);
  });
});
