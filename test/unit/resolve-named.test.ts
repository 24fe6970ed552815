import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { customResource, resourceOf } from '../../src/core/kube/resources.ts';
import { FakeApi } from '../support/fake-api.ts';
import { manyTenants, plainNamespace, pod, tenant, tenantNamespace } from '../support/fixtures.ts';
import { mimt } from '../support/in-process.ts';

/** How a command about one tenant finds it among many: what it asks the API server, what it shows. */

const WEBSTORE = customResource('platformapi.kubeplus', 'v1alpha1', 'WebStore', 'webstores');

const composition: KubeObject = {
  apiVersion: 'workflows.kubeplus/v1alpha1',
  kind: 'ResourceComposition',
  metadata: { name: 'webstore', namespace: 'default' },
  spec: { newResource: { resource: { kind: 'WebStore', plural: 'webstores' }, chartName: 'webstore' } },
} as KubeObject;

/** A KubePlus instance, and where KubePlus says it installed it (`<namespace>:<release>`). */
const webStore = (name: string, helmrelease: string): KubeObject =>
  ({
    apiVersion: 'platformapi.kubeplus/v1alpha1',
    kind: 'WebStore',
    metadata: { name, namespace: 'default', labels: { 'created-by': 'kubeplus' } },
    status: { helmrelease },
  }) as KubeObject;

async function run(objects: KubeObject[], args: string[], setUp: (api: FakeApi) => void = () => undefined) {
  const api = await FakeApi.start(objects);
  setUp(api);
  try {
    return { result: await mimt(args[0] as string, args.slice(1), { kubeconfig: api.kubeconfig() }), api };
  } finally {
    await api.close();
  }
}

/** The requests, as a user's -v=6 shows them: method, path and query. */
const sent = (api: FakeApi): string[] =>
  api.requests.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`);

describe('a command about one tenant', () => {
  it('asks for the namespaces labelled as that tenant, not for every namespace', async () => {
    const few = await run([...tenant('acme'), ...manyTenants(2)], ['metrics', 'acme']);
    const many = await run([...tenant('acme'), ...manyTenants(60)], ['metrics', 'acme']);
    assert.equal(many.result.exitCode, 0, many.result.stderr);
    assert.match(many.result.stdout, /^acme\s/m);
    assert.deepEqual(
      many.api.made('GET /api/v1/namespaces').map((r) => r.query.labelSelector),
      ['mimt.io/tenant in (acme)'],
    );
    assert.deepEqual(sent(many.api), sent(few.api));
  });

  it('finds a tenant whose namespace carries its label under another name, and says so', async () => {
    const moved = tenantNamespace('acme-prod', { labels: { 'mimt.io/tenant': 'acme' } });
    const { result } = await run([moved, pod('acme-prod', 'web-1'), ...manyTenants(3)], ['ls', 'acme']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^Namespace:\s+acme-prod$/m);
    assert.match(result.stdout, /namespace "acme-prod" carries mimt\.io\/tenant=acme; the contract wants them equal/);
  });

  it("reads the namespace a KubePlus instance's Helm release names, when it is not the instance's name", async () => {
    const objects = [
      plainNamespace('default'),
      plainNamespace('shop-live', { managedby: 'kubeplus' }),
      pod('shop-live', 'web-1'),
      ...manyTenants(3),
    ];
    const { result } = await run(objects, ['ls', 'shop', '-o', 'json'], (fake) => {
      fake.add(composition, resourceOf('ResourceComposition'));
      fake.add(webStore('shop', 'shop-live:webstore-shop'), WEBSTORE);
    });
    assert.equal(result.exitCode, 0, `${result.stderr}|${result.stdout}`);
    const shown = JSON.parse(result.stdout) as { spec: { namespace: string }; status: { reason: string } };
    assert.equal(shown.spec.namespace, 'shop-live');
    // Its pods were read, and the one thing wrong is what is wrong: no namespace "not found".
    assert.equal(shown.status.reason, 'no Helm release "webstore-shop" in the namespace');
  });
});
