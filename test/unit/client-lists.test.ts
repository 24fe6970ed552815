import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { KubeClient } from '../../src/core/kube/client.ts';
import { resolvedFor } from '../support/resolved.ts';

const resolved = (port: number) => resolvedFor(`http://127.0.0.1:${port}`);

const managedFields = [
  { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:status': { 'k:{"type":"Ready"}': {} } } },
];

const pod = (name: string) => ({
  metadata: { name, namespace: 't-calm', labels: { app: 'web' }, managedFields },
  status: { phase: 'Running', message: 'say "}]" \\' },
});

/** Writes `body` in pieces of `size` bytes, each flushed, as a slow API server would. */
async function dribble(res: http.ServerResponse, body: string, size: number): Promise<void> {
  const bytes = Buffer.from(body);
  for (let at = 0; at < bytes.length; at += size) {
    res.write(bytes.subarray(at, at + size));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: number) => Promise<void> | void;

async function serve(handler: Handler): Promise<{ client: KubeClient; paths: string[] }> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    void handler(req, res, paths.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => server.close());
  const client = await KubeClient.create(resolved((server.address() as AddressInfo).port), { maxRetries: 1 });
  return { client, paths };
}

describe('lists read item by item', () => {
  it('gives every page in order, without managedFields, from answers sent in 7-byte pieces', async () => {
    const { client, paths } = await serve(async (req, res) => {
      const second = req.url?.includes('continue=next');
      res.writeHead(200, { 'content-type': 'application/json' });
      const page = second
        ? { kind: 'PodList', metadata: { resourceVersion: '12' }, items: [pod('web-2')] }
        : {
            kind: 'PodList',
            metadata: { resourceVersion: '11', continue: 'next' },
            items: [pod('web-0'), pod('web-1')],
          };
      await dribble(res, JSON.stringify(page), 7);
      res.end();
    });
    const list = await client.list('/api/v1/namespaces/t-calm/pods', { pageSize: 2 });
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['web-0', 'web-1', 'web-2'],
    );
    assert.deepEqual(list.items[0], {
      metadata: { name: 'web-0', namespace: 't-calm', labels: { app: 'web' } },
      status: { phase: 'Running', message: 'say "}]" \\' },
    });
    assert.equal(list.metadata?.resourceVersion, '12');
    assert.deepEqual(paths, [
      '/api/v1/namespaces/t-calm/pods?limit=2',
      '/api/v1/namespaces/t-calm/pods?limit=2&continue=next',
    ]);
  });

  it('gives a table with its columns and rows', async () => {
    const { client } = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const table = {
        kind: 'Table',
        metadata: { resourceVersion: '5' },
        columnDefinitions: [{ name: 'Name' }, { name: 'Status' }],
        rows: [
          { cells: ['web-0', 'Running'], object: { metadata: { name: 'web-0', managedFields } } },
          { cells: ['web-1', 'Pending'], object: { metadata: { name: 'web-1' } } },
        ],
      };
      await dribble(res, JSON.stringify(table), 5);
      res.end();
    });
    const table = await client.table('/api/v1/namespaces/t-calm/pods');
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ['Name', 'Status'],
    );
    assert.deepEqual(table.rows, [
      { cells: ['web-0', 'Running'], object: { metadata: { name: 'web-0' } } },
      { cells: ['web-1', 'Pending'], object: { metadata: { name: 'web-1' } } },
    ]);
  });

  it('does not count twice the items of an answer cut off and read again', async () => {
    const { client, paths } = await serve(async (_req, res, seen) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const body = JSON.stringify({ kind: 'PodList', metadata: {}, items: [pod('web-0'), pod('web-1')] });
      if (seen === 1) {
        // The first item whole, then the connection drops in the middle of the second.
        await dribble(res, body.slice(0, body.indexOf('web-1') + 10), 64);
        res.socket?.destroy();
        return;
      }
      res.end(body);
    });
    const list = await client.list('/api/v1/namespaces/t-calm/pods');
    assert.equal(paths.length, 2);
    assert.deepEqual(
      list.items.map((p) => p.metadata.name),
      ['web-0', 'web-1'],
    );
  });

  it("fails with the server's message when the list is refused", async () => {
    const { client } = await serve((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          message: 'pods is forbidden: User "alice" cannot list resource "pods" in the namespace "t-calm"',
          reason: 'Forbidden',
          code: 403,
        }),
      );
    });
    await assert.rejects(client.list('/api/v1/namespaces/t-calm/pods'), (error: Error & { status?: number }) => {
      assert.equal(error.status, 403);
      assert.match(error.message, /User "alice" cannot list resource "pods"/);
      return true;
    });
  });
});
