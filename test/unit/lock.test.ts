import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import { acquireInstallLock, parseHolder } from '../../src/core/install/lock.ts';
import type { KubeClient, RequestSpec } from '../../src/core/kube/client.ts';

interface Stored {
  metadata: { resourceVersion: string };
  spec: Record<string, unknown>;
}

/** An API server that holds one Lease, with create conflicts and resourceVersion checks. */
function leaseServer(initial?: Record<string, unknown>) {
  let version = 1;
  let stored: Stored | undefined = initial
    ? { metadata: { resourceVersion: String(version) }, spec: initial }
    : undefined;
  const sent: string[] = [];
  const conflict = () => new MimtError('conflict', { status: 409 });
  const request = async (
    spec: RequestSpec & {
      body?: { metadata?: { resourceVersion?: string }; spec?: object; preconditions?: { resourceVersion?: string } };
    },
  ) => {
    const method = spec.method ?? 'GET';
    sent.push(method);
    const body = spec.body;
    if (method === 'POST') {
      if (stored) throw conflict();
    } else if (method === 'PUT') {
      if (!stored || body?.metadata?.resourceVersion !== stored.metadata.resourceVersion) throw conflict();
    } else if (method === 'DELETE') {
      if (body?.preconditions?.resourceVersion !== stored?.metadata.resourceVersion) throw conflict();
      stored = undefined;
      return {};
    } else {
      if (!stored) throw new MimtError('not found', { status: 404 });
      return stored;
    }
    version += 1;
    stored = { metadata: { resourceVersion: String(version) }, spec: body?.spec as Record<string, unknown> };
    return stored;
  };
  const client = { request, get: (path: string) => request({ path }) } as unknown as KubeClient;
  return { client, sent, held: () => stored?.spec };
}

const stamp = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

describe('install lock', () => {
  it('names its holder by host and pid, and gives the lock back', async () => {
    const server = leaseServer();
    const lock = await acquireInstallLock(server.client, 'acme');
    assert.deepEqual(parseHolder(server.held()?.holderIdentity as string), { host: hostname(), pid: process.pid });
    assert.equal(server.held()?.leaseDurationSeconds, 20);
    await lock.release();
    assert.equal(server.held(), undefined);
    assert.equal(lock.tookOver, undefined);
  });

  it('takes over at once from a holder on this machine whose process is gone', async () => {
    // Pids are below 2^22 on Linux: this one cannot be running.
    const server = leaseServer({
      holderIdentity: `${hostname()}/9999999/abc`,
      leaseDurationSeconds: 20,
      renewTime: stamp(1),
      acquireTime: stamp(30),
    });
    const lines: string[] = [];
    const lock = await acquireInstallLock(server.client, 'acme', (line) => lines.push(line));
    assert.match(lines[0] ?? '', /^install lock: taking over from pid 9999999 on .*, which no longer runs$/);
    assert.match(lock.tookOver ?? '', /^pid 9999999 on /);
    await lock.release();
  });

  it('refuses a lock its holder elsewhere renews, naming the holder and the way out', async () => {
    const server = leaseServer({
      holderIdentity: 'ci-runner-3/4242/abc',
      leaseDurationSeconds: 20,
      renewTime: stamp(2),
      acquireTime: '2026-01-01T10:00:00.000000Z',
    });
    await assert.rejects(acquireInstallLock(server.client, 'acme'), (error: MimtError) => {
      assert.equal(
        error.message,
        'another install of tenant "acme" is running: pid 4242 on ci-runner-3, since 2026-01-01T10:00:00.000000Z',
      );
      assert.match(error.hint ?? '', /if that process is killed, its lock frees itself within 20s/);
      return true;
    });
    assert.deepEqual(server.sent, ['POST', 'GET']);
  });

  it('takes over an expired lock without waiting', async () => {
    const server = leaseServer({
      holderIdentity: 'ci-runner-3/4242/abc',
      leaseDurationSeconds: 20,
      renewTime: stamp(25),
    });
    const lock = await acquireInstallLock(server.client, 'acme');
    assert.match(lock.tookOver ?? '', /^pid 4242 on ci-runner-3/);
    assert.deepEqual(server.sent, ['POST', 'GET', 'PUT']);
    await lock.release();
  });
});
