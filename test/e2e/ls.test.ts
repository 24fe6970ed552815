import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import path from 'node:path';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces, helmTenant, tenantNamespace } from '../support/tenants.ts';

interface TenantItem {
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: { namespace: string; source: string; chart: string | null; chartVersion: string | null; release: string };
  status: {
    phase: string;
    reason?: string;
    release: { status: string; revision: number } | null;
    pods: { ready: number; total: number };
  };
}

const ls = (args: string[]) => run(plugin('kubectl-mimt-ls'), args, { env: clusterEnv() });

async function listJson(args: string[] = []): Promise<{ apiVersion: string; kind: string; items: TenantItem[] }> {
  const result = await ls([...args, '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('kubectl mimt ls', { timeout: 600_000 }, () => {
  const batch = uniqueName('ls');
  const ready = `${batch}-ready`;
  const failed = `${batch}-failed`;
  const bare = `${batch}-bare`;
  const leaving = `${batch}-leaving`;
  const selector = `e2e-batch=${batch}`;
  const labels = { 'e2e-batch': batch };

  before(async () => {
    await helmTenant(ready, { labels: { ...labels, tier: 'gold' } });
    await apply(tenantNamespace(failed, labels));
    // A Service port of 0 is rejected by the API server, so Helm records the release as failed.
    await run(
      path.join(CLUSTER_BIN, 'helm'),
      ['install', failed, '-n', failed, '--set', 'service.port=0', EXAMPLE_CHART],
      {
        env: clusterEnv(),
      },
    );
    await apply(tenantNamespace(bare, labels));
    await apply(tenantNamespace(leaving, labels));
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace: leaving, finalizers: ['e2e.mimt.io/hold'] },
      }),
    );
    await kubectl(['delete', 'namespace', leaving, '--wait=false']);
  });

  after(async () => {
    await kubectl([
      'patch',
      'configmap',
      'held',
      '-n',
      leaving,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]).catch(() => undefined);
    await deleteNamespaces([ready, failed, bare]);
  });

  it('lists each tenant with its chart, status and pods in a kubectl table', async () => {
    const result = await ls(['-l', selector]);
    assert.equal(result.exitCode, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^TENANT\s+NAMESPACE\s+SOURCE\s+CHART\s+VERSION\s+STATUS\s+PODS\s+AGE$/);
    const row = (name: string) => rows.find((r) => r.startsWith(`${name} `))?.split(/\s{3,}/) ?? [];
    assert.deepEqual(row(ready).slice(0, 7), [ready, ready, 'mimt', EXAMPLE_CHART, '0.1.0', 'Ready', '2/2']);
    assert.equal(row(failed)[5], 'Failed');
    assert.equal(row(bare)[5], 'Unknown');
    assert.equal(row(leaving)[5], 'Terminating');
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      [bare, failed, leaving, ready],
      'sorted by name',
    );
  });

  it('prints a TenantList with the contract fields as JSON', async () => {
    const list = await listJson(['-l', selector]);
    assert.equal(list.apiVersion, 'mimt.io/v1alpha1');
    assert.equal(list.kind, 'TenantList');
    const item = list.items.find((i) => i.metadata.name === ready);
    assert.equal(item?.kind, 'Tenant');
    assert.equal(item?.spec.namespace, ready);
    assert.equal(item?.spec.source, 'mimt');
    assert.equal(item?.spec.release, ready);
    assert.deepEqual(item?.status.release, { status: 'deployed', revision: 1 });
    assert.deepEqual(item?.status.pods, { ready: 2, total: 2, restarts: 0 });
    const broken = list.items.find((i) => i.metadata.name === failed);
    assert.equal(broken?.status.phase, 'Failed');
    assert.equal(broken?.status.release?.status, 'failed');
    const unknown = list.items.find((i) => i.metadata.name === bare);
    assert.equal(unknown?.status.reason, `no Helm release "${bare}" in the namespace`);
  });

  it('prints YAML and names', async () => {
    const yaml = await ls(['-l', selector, '-o', 'yaml']);
    assert.equal(yaml.exitCode, 0, yaml.stderr);
    const doc = load(yaml.stdout) as { items: TenantItem[] };
    assert.equal(doc.items.length, 4);
    const names = await ls(['-l', selector, '-o', 'name']);
    assert.equal(names.stdout, [bare, failed, leaving, ready].map((n) => `tenant/${n}\n`).join(''));
  });

  it('adds release, revision and the reason with -o wide, and drops headers on request', async () => {
    const wide = await ls(['-l', selector, '-o', 'wide', '--no-headers']);
    assert.equal(wide.exitCode, 0, wide.stderr);
    assert.doesNotMatch(wide.stdout, /^TENANT/);
    const row = wide.stdout.split('\n').find((r) => r.startsWith(`${failed} `));
    assert.match(row ?? '', /Failed\s+\d+\/\d+\s+\S+\s+\S+-failed\s+1\s+none\s+-\s+-\s+release revision 1 failed$/);
  });

  it('filters by label selector, by source, and shows one tenant by exact name', async () => {
    assert.deepEqual(
      (await listJson(['-l', `${selector},tier=gold`])).items.map((i) => i.metadata.name),
      [ready],
    );
    assert.deepEqual((await listJson(['-l', selector, '--source', 'kubeplus'])).items, []);
    assert.deepEqual(
      (await listJson([ready])).items.map((i) => i.metadata.name),
      [ready],
    );
  });

  it('says when a tenant does not exist, exit 1', async () => {
    const result = await ls([`${batch}-nope`]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`^error: tenant "${batch}-nope" not found\n`));
  });

  it('prints "No tenants found" on stderr and exits 0 when nothing matches', async () => {
    const result = await ls(['-l', `${selector},tier=platinum`]);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'No tenants found\n');
  });

  it('costs a fixed number of API requests, reported with -v', async () => {
    const result = await ls(['-v=1']);
    assert.equal(result.exitCode, 0, result.stderr);
    const count = Number(/I (\d+) API requests/.exec(result.stderr)?.[1]);
    assert.ok(count >= 1 && count <= 6, `requests: ${count}`);
  });

  it('sees a release upgrade: the revision goes up', async () => {
    await helmTenant(ready, { labels: { ...labels, tier: 'gold' }, set: ['greeting=hello'] });
    const item = await waitFor('revision 2', async () => {
      const found = (await listJson([ready])).items[0];
      return found?.status.release?.revision === 2 ? found : undefined;
    });
    assert.equal(item.status.phase, 'Ready');
  });
});
