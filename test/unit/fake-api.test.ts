import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeApi, fieldsMatch, labelsMatch } from '../support/fake-api.ts';
import { plainNamespace, pod, tenant } from '../support/fixtures.ts';

/**
 * The fake API server answers as kube-apiserver does where the command tests rely on it; these
 * tests hold it to that with plain HTTP, without mimt's client in between.
 */

describe('the fake API server', () => {
  let api: FakeApi;
  const get = async (path: string, headers: Record<string, string> = {}, user = 'admin') => {
    const response = await fetch(`${api.url}${path}`, { headers: { Authorization: `Bearer ${user}`, ...headers } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  before(async () => {
    api = await FakeApi.start([...tenant('acme'), ...tenant('beta', { pods: [{ labels: { app: 'db' } }] })]);
  });
  after(() => api.close());

  it('selects labels with =, !=, exists, !exists, in and notin', () => {
    const labels = { app: 'web', tier: 'gold' };
    assert.ok(labelsMatch('app=web,tier', labels));
    assert.ok(labelsMatch('app==web,!missing', labels));
    assert.ok(!labelsMatch('app!=web', labels));
    assert.ok(labelsMatch('tier in (gold,silver),app notin (db)', labels));
    assert.ok(!labelsMatch('tier in (silver)', labels));
  });

  it('selects fields by dotted path', () => {
    const running = pod('acme', 'p');
    assert.ok(fieldsMatch('status.phase!=Succeeded,status.phase!=Failed', running));
    assert.ok(fieldsMatch('metadata.name=p', running));
    assert.ok(!fieldsMatch('status.phase=Failed', running));
  });

  it('lists a kind cluster-wide or in one namespace, items without apiVersion and kind', async () => {
    const all = await get('/api/v1/pods');
    assert.equal(all.body.kind, 'PodList');
    const items = all.body.items as { kind?: string; metadata: { namespace: string } }[];
    assert.equal(items.length, 3);
    assert.ok(items.every((i) => i.kind === undefined));
    const one = await get('/api/v1/namespaces/beta/pods?labelSelector=app%3Ddb');
    assert.equal((one.body.items as unknown[]).length, 1);
  });

  it('answers metadata only, or a Table, as the Accept header asks', async () => {
    const partial = await get('/api/v1/secrets', {
      Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    });
    assert.equal(partial.body.kind, 'PartialObjectMetadataList');
    assert.ok((partial.body.items as { data?: unknown }[]).every((i) => i.data === undefined));
    const table = await get('/api/v1/namespaces/acme/pods?includeObject=Metadata', {
      Accept: 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json',
    });
    assert.equal(table.body.kind, 'Table');
    const rows = table.body.rows as { cells: unknown[]; object: { metadata: { name: string } } }[];
    assert.deepEqual(rows[0]?.cells.slice(0, 4), ['web-5d7c9f8b6d-k2x9p', '1/1', 'Running', 0]);
    assert.equal(rows[0]?.object.metadata.name, 'web-5d7c9f8b6d-k2x9p');
  });

  it('pages by limit and continue', async () => {
    const first = await get('/api/v1/pods?limit=2');
    const token = (first.body.metadata as { continue?: string }).continue;
    assert.equal((first.body.items as unknown[]).length, 2);
    assert.ok(token);
    const rest = await get(`/api/v1/pods?limit=2&continue=${token}`);
    assert.equal((rest.body.items as unknown[]).length, 1);
    assert.equal((rest.body.metadata as { continue?: string }).continue, undefined);
  });

  it('refuses with a Status body, as kube-apiserver words it, and 404s kinds it does not serve', async () => {
    api.limitUser('viewer', (request) => request.path.startsWith('/api/v1/namespaces/acme/'));
    const refused = await get('/api/v1/namespaces/beta/pods', {}, 'viewer');
    assert.equal(refused.status, 403);
    assert.equal(refused.body.kind, 'Status');
    assert.equal(refused.body.reason, 'Forbidden');
    assert.equal(
      refused.body.message,
      'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "beta"',
    );
    assert.equal((await get('/api/v1/namespaces/acme/pods', {}, 'viewer')).status, 200);
    assert.equal((await get('/apis/workflows.kubeplus/v1alpha1/resourcecompositions')).status, 404);
  });

  it('records a dry run without storing it, and stores a real write', async () => {
    const write = (query: string) =>
      fetch(`${api.url}/api/v1/namespaces/acme/configmaps${query}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer admin', 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }),
      });
    assert.equal((await write('?dryRun=All')).status, 201);
    assert.equal(api.get('ConfigMap', 'acme', 'settings'), undefined);
    assert.equal((await write('')).status, 201);
    assert.equal(api.get('ConfigMap', 'acme', 'settings')?.metadata.namespace, 'acme');
    assert.equal((await write('')).status, 409);
    assert.deepEqual(
      api.writes().map((r) => r.query.dryRun ?? ''),
      ['All', '', ''],
    );
  });

  it('admits or refuses a pod create as the namespace enforces Pod Security, naming the generated name', async () => {
    const strict = await FakeApi.start([
      plainNamespace('locked', { 'pod-security.kubernetes.io/enforce': 'restricted' }),
      plainNamespace('open'),
    ]);
    const create = async (namespace: string, securityContext: object) => {
      const response = await fetch(`${strict.url}/api/v1/namespaces/${namespace}/pods?dryRun=All`, {
        method: 'POST',
        headers: { Authorization: 'Bearer admin', 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { generateName: 'probe-' },
          spec: { containers: [{ name: 'app', image: 'example/web:1', securityContext }] },
        }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { message?: string; metadata?: { name?: string } },
      };
    };
    try {
      const refused = await create('locked', { runAsNonRoot: true });
      assert.equal(refused.status, 403);
      assert.match(
        refused.body.message ?? '',
        /^pods "probe-[b-z2-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "app" must set securityContext\.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "app" must set securityContext\.capabilities\.drop=\["ALL"\]\), seccompProfile \(pod or container "app" must set securityContext\.seccompProfile\.type to "RuntimeDefault" or "Localhost"\)$/,
      );
      const admitted = await create('locked', {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      assert.equal(admitted.status, 201);
      assert.match(admitted.body.metadata?.name ?? '', /^probe-[b-z2-9]{5}$/);
      assert.equal((await create('open', { privileged: true })).status, 201);
      assert.equal((await create('nowhere', {})).status, 404);
      assert.deepEqual(strict.all('Pod'), []);
    } finally {
      await strict.close();
    }
  });

  it('deletes only the version a resourceVersion precondition names', async () => {
    const lease = api
      .add({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'lock', namespace: 'acme' },
        spec: {},
      })
      .get('Lease', 'acme', 'lock');
    const remove = (resourceVersion: string) =>
      fetch(`${api.url}/apis/coordination.k8s.io/v1/namespaces/acme/leases/lock`, {
        method: 'DELETE',
        headers: { Authorization: 'Bearer admin', 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion } }),
      });
    assert.equal((await remove('1')).status, 409);
    assert.ok(api.get('Lease', 'acme', 'lock'));
    assert.equal((await remove(lease?.metadata.resourceVersion as string)).status, 200);
    assert.equal(api.get('Lease', 'acme', 'lock'), undefined);
  });
});
