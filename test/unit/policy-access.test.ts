import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import type { KubeClient, RequestSpec } from '../../src/core/kube/client.ts';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { accessRole, grantAccess, tokenSeconds } from '../../src/core/policy/access.ts';

const edit: KubeObject = {
  kind: 'ClusterRole',
  metadata: { name: 'edit' },
  rules: [
    { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
    { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    { apiGroups: [''], resources: ['pods', 'serviceaccounts/token'], verbs: ['get', 'list', 'impersonate'] },
    { nonResourceURLs: ['/healthz'], verbs: ['get'] },
  ],
};

describe('tenant user access', () => {
  it('keeps token lifetimes within what the TokenRequest API accepts', () => {
    assert.equal(tokenSeconds('24h', 86_400_000), 86_400);
    assert.equal(tokenSeconds('10m', 600_000), 600);
    assert.throws(
      () => tokenSeconds('5m', 300_000),
      /invalid --duration "5m": the API server issues tokens for at least 10m/,
    );
    assert.throws(() => tokenSeconds('2000000h', 7.2e12), /at most 2\^32 seconds/);
  });

  it('copies the ClusterRole into the namespace without the rules that borrow another identity', () => {
    const role = accessRole(edit, 'edit', 'acme');
    assert.equal(role.kind, 'Role');
    assert.equal(role.metadata.namespace, 'acme');
    assert.deepEqual(role.rules, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
  });

  /** A client that answers from a script and records every request it was sent. */
  function fakeClient(answers: (spec: RequestSpec) => unknown): { client: KubeClient; sent: string[] } {
    const sent: string[] = [];
    const request = async (spec: RequestSpec) => {
      sent.push(`${spec.method ?? 'GET'} ${spec.path}`);
      const answer = answers(spec);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { client: { request, get: (path: string) => request({ path }) } as unknown as KubeClient, sent };
  }

  const notFound = new MimtError('not found', { status: 404 });

  it('grants nothing, and deletes the ServiceAccount it made, when the server shortens the token', async () => {
    const { client, sent } = fakeClient((spec) => {
      if (spec.path.endsWith('/clusterroles/edit')) return edit;
      if (spec.method === undefined && spec.path.endsWith('/serviceaccounts/jane')) return notFound;
      if (spec.path.endsWith('/token'))
        return { spec: { expirationSeconds: 3600 }, status: { token: 't', expirationTimestamp: 'x' } };
      return {};
    });
    await assert.rejects(
      grantAccess(client, { namespace: 'acme', user: 'jane', role: 'edit', seconds: 86_400 }),
      /the API server issues tokens for at most 1h \(3600s\), not 24h/,
    );
    assert.deepEqual(sent.slice(2), [
      'PATCH /api/v1/namespaces/acme/serviceaccounts/jane',
      'POST /api/v1/namespaces/acme/serviceaccounts/jane/token',
      'DELETE /api/v1/namespaces/acme/serviceaccounts/jane',
    ]);
  });

  it('refuses a ServiceAccount that mimt did not make, before changing anything', async () => {
    const { client, sent } = fakeClient((spec) =>
      spec.path.endsWith('/clusterroles/view') ? edit : { metadata: { name: 'default', labels: {} } },
    );
    await assert.rejects(
      grantAccess(client, { namespace: 'acme', user: 'default', role: 'view', seconds: 3600 }),
      /serviceaccount "default" in namespace "acme" exists and was not made by mimt/,
    );
    assert.ok(
      sent.every((line) => line.startsWith('GET ')),
      sent.join('\n'),
    );
  });
});
