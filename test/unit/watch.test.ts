import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import type { KubeClient } from '../../src/core/kube/client.ts';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { type WatchChange, watchCollection } from '../../src/core/kube/watch.ts';
import { tenantRelevance, watchChanges } from '../../src/core/tenant/watch.ts';

type Answer = string[] | MimtError;

/** A client whose watches answer with the given lines, one answer per watch opened, then hang until aborted. */
function fakeClient(answers: Answer[], listVersion = '900') {
  const opened: { resourceVersion: unknown; metadataOnly: boolean | undefined }[] = [];
  const client = {
    async request() {
      return { metadata: { resourceVersion: listVersion }, items: [] };
    },
    async stream(
      _path: string,
      query: Record<string, unknown>,
      signal: AbortSignal,
      options: { metadataOnly?: boolean },
    ) {
      opened.push({ resourceVersion: query.resourceVersion, metadataOnly: options.metadataOnly });
      const answer = answers.shift();
      if (answer instanceof MimtError) throw answer;
      if (answer === undefined) {
        return Readable.from(
          (async function* () {
            await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          })(),
        );
      }
      return Readable.from(answer.map((line) => `${line}\n`));
    },
  };
  return { client: client as unknown as KubeClient, opened };
}

const event = (type: string, name: string, resourceVersion: string, namespace?: string) =>
  JSON.stringify({ type, object: { metadata: { name, namespace, resourceVersion } } });

async function take(changes: AsyncGenerator<WatchChange>, count: number): Promise<WatchChange[]> {
  const seen: WatchChange[] = [];
  for await (const change of changes) {
    seen.push(change);
    if (seen.length === count) break;
  }
  return seen;
}

describe('watching a collection', () => {
  it('follows from the list version, skips bookmarks and resumes where the last watch ended', async () => {
    const { client, opened } = fakeClient([
      [event('ADDED', 'a', '11'), event('BOOKMARK', '', '15')],
      [event('MODIFIED', 'a', '16')],
    ]);
    const controller = new AbortController();
    const changes = watchCollection(
      client,
      { path: '/api/v1/pods', resourceVersion: '10', metadataOnly: true },
      controller.signal,
      () => assert.fail('no retry expected'),
    );
    const seen = await take(changes, 2);
    controller.abort();
    assert.deepEqual(
      seen.map((c) => (c.type === 'RESYNC' ? c.type : [c.type, c.object.metadata.name])),
      [
        ['ADDED', 'a'],
        ['MODIFIED', 'a'],
      ],
    );
    assert.deepEqual(opened, [
      { resourceVersion: '10', metadataOnly: true },
      { resourceVersion: '15', metadataOnly: true },
    ]);
  });

  it('takes a fresh version and says RESYNC when the server answers 410 Gone, as an event or a status', async () => {
    const gone = JSON.stringify({ type: 'ERROR', object: { code: 410, message: 'too old resource version' } });
    const { client, opened } = fakeClient([
      [gone],
      new MimtError('gone', { status: 410 }),
      [event('ADDED', 'b', '901')],
    ]);
    const controller = new AbortController();
    const seen = await take(
      watchCollection(client, { path: '/api/v1/secrets', resourceVersion: '5' }, controller.signal, () => undefined),
      3,
    );
    controller.abort();
    assert.deepEqual(
      seen.map((c) => c.type),
      ['RESYNC', 'RESYNC', 'ADDED'],
    );
    assert.deepEqual(
      opened.map((o) => o.resourceVersion),
      ['5', '900', '900'],
    );
  });

  it('ends with the error when the watch is forbidden', async () => {
    const { client } = fakeClient([new MimtError('forbidden: pods', { status: 403 })]);
    await assert.rejects(
      take(
        watchCollection(
          client,
          { path: '/api/v1/pods', resourceVersion: '1' },
          new AbortController().signal,
          () => undefined,
        ),
        1,
      ),
      /forbidden: pods/,
    );
  });
});

describe('the change feed of a listing', () => {
  const relevant = tenantRelevance(new Set(['acme']));
  const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ metadata: { name, labels } });

  it('cares about tenant namespaces, namespaces becoming tenants, and what lies in tenant namespaces', () => {
    assert.equal(relevant(ns('acme')), true);
    assert.equal(
      relevant(ns('new', { 'mimt.io/tenant': 'new', 'app.kubernetes.io/managed-by': 'kubectl-mimt' })),
      true,
    );
    assert.equal(relevant(ns('kp', { managedby: 'kubeplus' })), true);
    assert.equal(relevant(ns('kube-system')), false);
    assert.equal(relevant({ metadata: { name: 'web-1', namespace: 'acme' } }), true);
    assert.equal(relevant({ metadata: { name: 'coredns-1', namespace: 'kube-system' } }), false);
  });

  it('wakes on a relevant change, ignores others while waiting, and returns false on abort', async () => {
    const { client } = fakeClient([
      [event('MODIFIED', 'coredns', '2', 'kube-system'), event('ADDED', 'web', '3', 'acme')],
    ]);
    const controller = new AbortController();
    const woken: string[] = [];
    const feed = watchChanges(client, [{ path: '/api/v1/pods', resourceVersion: '1' }], {
      signal: controller.signal,
      debounceMs: 1,
      relevant: (object) => {
        woken.push(object.metadata.name);
        return relevant(object);
      },
      problem: (message) => assert.fail(message),
    });
    assert.equal(await feed.next(), true);
    assert.deepEqual(woken, ['coredns', 'web']);
    const waiting = feed.next();
    controller.abort();
    assert.equal(await waiting, false);
  });

  it('wakes with a note when a watch is refused for good', async () => {
    const { client } = fakeClient([new MimtError('forbidden: secrets', { status: 403 })]);
    const controller = new AbortController();
    const problems: string[] = [];
    const feed = watchChanges(client, [{ path: '/api/v1/secrets', resourceVersion: '1' }], {
      signal: controller.signal,
      debounceMs: 1,
      relevant: () => false,
      problem: (message) => problems.push(message),
    });
    assert.equal(await feed.next(), true);
    controller.abort();
    assert.deepEqual(problems, [
      'warning: cannot watch /api/v1/secrets (forbidden: secrets); its changes will not refresh the view',
    ]);
  });
});
