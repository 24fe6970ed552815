import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { KubeClient } from '../../src/core/kube/client.ts';
import { resolvedFor } from '../support/resolved.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'mimt-http2-'));
const tls = selfSignedCertificate(dir);

const resolved = (port: number) => resolvedFor(`https://127.0.0.1:${port}`, tls.cert);

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function text(body: Readable): Promise<string> {
  body.setEncoding('utf8');
  let all = '';
  for await (const chunk of body) all += chunk as string;
  return all;
}

const logPath = (pod: string): string => `/api/v1/namespaces/t-calm/pods/${pod}/log`;

describe('log and watch streams', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('share one HTTP/2 connection when the server speaks it, each with the credentials', async () => {
    const server = http2.createSecureServer({ key: tls.key, cert: tls.cert });
    let connections = 0;
    const sessions: http2.ServerHttp2Session[] = [];
    server.on('secureConnection', () => (connections += 1));
    server.on('session', (session) => sessions.push(session));
    const seen: string[] = [];
    server.on('stream', (stream, headers) => {
      seen.push(`${headers[':path']} ${headers.authorization}`);
      stream.respond({ ':status': 200, 'content-type': 'text/plain' });
      stream.end(`${String(headers[':path']).split('/')[6]} says hello\n`);
    });
    const client = await KubeClient.create(resolved(await listen(server)));
    const bodies = await Promise.all(
      ['web-0', 'web-1', 'worker-0'].map(async (pod) => text(await client.stream(logPath(pod), { follow: true }))),
    );
    assert.deepEqual(bodies, ['web-0 says hello\n', 'web-1 says hello\n', 'worker-0 says hello\n']);
    assert.equal(connections, 1);
    assert.deepEqual(seen.sort(), [
      `${logPath('web-0')}?follow=true Bearer abc`,
      `${logPath('web-1')}?follow=true Bearer abc`,
      `${logPath('worker-0')}?follow=true Bearer abc`,
    ]);
    assert.equal(client.requests, 3);
    for (const session of sessions) session.destroy();
    server.close();
  });

  it("turn the server's refusal over HTTP/2 into the error it names", async () => {
    const server = http2.createSecureServer({ key: tls.key, cert: tls.cert });
    const sessions: http2.ServerHttp2Session[] = [];
    server.on('session', (session) => sessions.push(session));
    server.on('stream', (stream) => {
      stream.respond({ ':status': 404, 'content-type': 'application/json' });
      stream.end(
        JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'pods "web-9" not found' }),
      );
    });
    const client = await KubeClient.create(resolved(await listen(server)));
    await assert.rejects(client.stream(logPath('web-9'), {}), /pods "web-9" not found/);
    for (const session of sessions) session.destroy();
    server.close();
  });

  it('use HTTP/1.1 with a server that speaks only that, such as a proxy in front of the API server', async () => {
    const server = https.createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(`${request.url} ${request.headers.authorization}\n`);
    });
    const client = await KubeClient.create(resolved(await listen(server)));
    assert.equal(await text(await client.stream(logPath('web-0'), {})), `${logPath('web-0')} Bearer abc\n`);
    assert.equal(await text(await client.stream(logPath('web-1'), {})), `${logPath('web-1')} Bearer abc\n`);
    assert.equal(client.requests, 2);
    server.closeAllConnections();
    server.close();
  });
});
