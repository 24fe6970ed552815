import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RequestFailure, describeRequestFailure } from '../../src/core/kube/api-error.ts';

const base: RequestFailure = {
  method: 'GET',
  path: '/api/v1/namespaces',
  server: 'https://127.0.0.1:6443',
  context: 'kind',
};

describe('API and network failures in plain words', () => {
  it('names the server and context when the server cannot be reached', () => {
    const error = describeRequestFailure({ ...base, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    assert.equal(
      error.message,
      'cannot reach the API server at https://127.0.0.1:6443 (context "kind"): connection refused',
    );
  });

  it('says a timeout with the limit and the flag that sets it', () => {
    const error = describeRequestFailure({ ...base, code: 'ETIMEDOUT', timeoutMs: 2000 });
    assert.match(error.message, /did not answer within 2000ms/);
    assert.match(error.hint ?? '', /--request-timeout/);
  });

  it('explains TLS failures and how to trust the server', () => {
    const error = describeRequestFailure({
      ...base,
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      message: 'self-signed certificate',
    });
    assert.match(error.message, /^TLS failure talking to the API server at https:\/\/127.0.0.1:6443/);
    assert.match(error.hint ?? '', /certificate-authority/);
  });

  it('keeps the verb and resource of a 403 and the field of a 422', () => {
    const forbidden = describeRequestFailure({
      ...base,
      status: 403,
      body: {
        message:
          'namespaces is forbidden: User "dev" cannot list resource "namespaces" in API group "" at the cluster scope',
      },
    });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.message, /^forbidden: .*cannot list resource "namespaces"/);
    const invalid = describeRequestFailure({
      ...base,
      method: 'POST',
      status: 422,
      body: {
        message: 'Namespace "X" is invalid',
        details: { causes: [{ field: 'metadata.name', message: 'Invalid value: "X"' }] },
      },
    });
    assert.equal(invalid.message, 'invalid: metadata.name: Invalid value: "X"');
  });

  it('says unauthorized, not found and conflict plainly', () => {
    assert.match(
      describeRequestFailure({ ...base, status: 401 }).message,
      /^unauthorized: .* rejected the credentials/,
    );
    assert.equal(
      describeRequestFailure({ ...base, status: 404, body: { message: 'namespaces "x" not found' } }).message,
      'not found: namespaces "x" not found',
    );
    assert.match(
      describeRequestFailure({ ...base, status: 409, body: { message: 'Operation cannot be fulfilled' } }).message,
      /^conflict: /,
    );
  });

  it('reports a server error with its status and message', () => {
    const error = describeRequestFailure({
      ...base,
      status: 503,
      body: { reason: 'ServiceUnavailable', message: 'etcd down' },
    });
    assert.match(error.message, /answered 503 ServiceUnavailable to GET \/api\/v1\/namespaces: etcd down/);
  });
});
