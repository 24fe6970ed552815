import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ResolvedKubeconfig } from '../../src/core/kube/kubeconfig.ts';
import { staticAuth } from '../../src/core/kube/static-auth.ts';

function resolved(cluster: Record<string, unknown>, user: Record<string, unknown>): ResolvedKubeconfig {
  return {
    contextName: 'test',
    namespace: 'default',
    namespaceExplicit: false,
    server: 'https://127.0.0.1:6443',
    files: [],
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', ...cluster } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'test',
    },
  };
}

describe('credentials read without client-node', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-static-auth-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sends the token, and reads a token file again for each request so that a rotated token is used', () => {
    assert.deepEqual(staticAuth(resolved({}, { token: 'abc' }))?.().headers, { Authorization: 'Bearer abc' });
    const file = path.join(dir, 'token');
    writeFileSync(file, 'first\n');
    const auth = staticAuth(resolved({}, { tokenFile: file }));
    assert.deepEqual(auth?.().headers, { Authorization: 'Bearer first' });
    writeFileSync(file, 'second\n');
    assert.deepEqual(auth?.().headers, { Authorization: 'Bearer second' });
  });

  it('uses basic auth for a username and password, and verifies the server unless told not to', () => {
    const auth = staticAuth(resolved({}, { username: 'admin', password: 's3cret' }))?.();
    assert.equal(auth?.auth, 'admin:s3cret');
    assert.equal(auth?.rejectUnauthorized, true);
    assert.equal(staticAuth(resolved({ 'insecure-skip-tls-verify': true }, {}))?.().rejectUnauthorized, false);
    assert.equal(staticAuth(resolved({ 'tls-server-name': 'api.internal' }, {}))?.().servername, 'api.internal');
  });

  it('leaves exec plugins, auth providers, proxies and impersonation to client-node', () => {
    const exec = { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'aws' } };
    assert.equal(staticAuth(resolved({}, exec)), undefined);
    assert.equal(staticAuth(resolved({}, { 'auth-provider': { name: 'oidc' } })), undefined);
    assert.equal(staticAuth(resolved({ 'proxy-url': 'http://proxy:3128' }, { token: 'abc' })), undefined);
    assert.equal(staticAuth(resolved({}, { token: 'abc', as: 'someone-else' })), undefined);
  });

  it('stops with the file name when a certificate file cannot be read', () => {
    assert.throws(() => staticAuth(resolved({ 'certificate-authority': path.join(dir, 'missing-ca.crt') }, {})), {
      message: /^cannot read the kubeconfig's certificate-authority .*missing-ca\.crt: ENOENT$/,
    });
  });
});
