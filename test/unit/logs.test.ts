import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { KubeClient, Query } from '../../src/core/kube/client.ts';
import { followLogs } from '../../src/core/logs/follow.ts';
import { type LogLine, parseLogLine, timestampKey } from '../../src/core/logs/line.ts';
import { mergeByTimestamp } from '../../src/core/logs/merge.ts';
import { BufferedSource, type LineSource } from '../../src/core/logs/source.ts';
import { Spool } from '../../src/core/logs/spool.ts';
import { ResumePoint } from '../../src/core/logs/resume.ts';
import { tailContainer } from '../../src/core/logs/tail.ts';
import { type Pod, targetsOf, targetsOfPods } from '../../src/core/logs/targets.ts';
import { formatLogLine } from '../../src/output/log-line.ts';

const line = (text: string): LogLine => parseLogLine(text);

describe('log timestamps', () => {
  it('orders by the nanoseconds that a Date would round away', () => {
    const a = timestampKey('2026-11-24T10:00:00.000000001Z') as string;
    const b = timestampKey('2026-11-24T10:00:00.000000002Z') as string;
    assert.ok(a < b);
  });

  it('compares fractions of different lengths and offsets by the instant they name', () => {
    assert.ok((timestampKey('2026-11-24T10:00:01.5Z') as string) > (timestampKey('2026-11-24T10:00:01.25Z') as string));
    assert.equal(timestampKey('2026-11-24T12:00:00+02:00'), timestampKey('2026-11-24T10:00:00.000000000Z'));
  });

  it('splits a line into timestamp and message, and keeps a line without one whole', () => {
    assert.deepEqual(parseLogLine('2026-11-24T10:00:00.000000000Z hello  world'), {
      timestamp: '2026-11-24T10:00:00.000000000Z',
      key: timestampKey('2026-11-24T10:00:00Z'),
      message: 'hello  world',
    });
    assert.deepEqual(parseLogLine('no timestamp here'), { timestamp: '', key: '', message: 'no timestamp here' });
  });
});

/** A source of lines that are all there from the start. */
function sourceOf(lines: LogLine[]): BufferedSource {
  const source = new BufferedSource(Number.MAX_SAFE_INTEGER);
  for (const l of lines) void source.push(l);
  source.end();
  return source;
}

async function merged(sources: LineSource[]): Promise<string[]> {
  const messages: string[] = [];
  for await (const batch of mergeByTimestamp(sources)) messages.push(...batch.map((m) => m.line.message));
  return messages;
}

describe('merging logs', () => {
  it('interleaves streams by timestamp, same timestamps in stream order', async () => {
    const a = [line('2026-11-24T10:00:00Z a1'), line('2026-11-24T10:00:02Z a2'), line('2026-11-24T10:00:03Z a3')];
    const b = [line('2026-11-24T10:00:01Z b1'), line('2026-11-24T10:00:02Z b2')];
    const c = [line('2026-11-24T10:00:02Z c1')];
    assert.deepEqual(await merged([sourceOf(a), sourceOf(b), sourceOf(c)]), ['a1', 'b1', 'a2', 'b2', 'c1', 'a3']);
  });

  it('never reorders the lines of one stream, even when its timestamps go back', async () => {
    const a = [line('2026-11-24T10:00:05Z a1'), line('2026-11-24T10:00:01Z a2')];
    const b = [line('2026-11-24T10:00:03Z b1')];
    assert.deepEqual(await merged([sourceOf(a), sourceOf(b)]), ['b1', 'a1', 'a2']);
  });

  it('merges many streams', async () => {
    const streams = Array.from({ length: 40 }, (_, s) =>
      sourceOf(
        Array.from({ length: 3 }, (_, i) =>
          line(`2026-11-24T10:00:${String(i * 10 + (s % 10)).padStart(2, '0')}Z ${s}-${i}`),
        ),
      ),
    );
    const messages = await merged(streams);
    assert.equal(messages.length, 120);
    assert.equal(messages[0], '0-0');
    assert.equal(messages[1], '10-0');
    assert.equal(messages.at(-1), '39-2');
  });

  it('waits for a stream with nothing buffered, which may still bring an earlier line', async () => {
    const fast = sourceOf([line('2026-11-24T10:00:02Z fast')]);
    const slow = new BufferedSource(10);
    setTimeout(() => {
      void slow.push(line('2026-11-24T10:00:01Z slow'));
      slow.end();
    }, 20);
    assert.deepEqual(await merged([fast, slow]), ['slow', 'fast']);
  });

  it('holds a bounded amount of text per stream: the reader waits until the merge takes half', async () => {
    // A bound of 40 characters: four lines of ten.
    const source = new BufferedSource(40);
    const pushed = [0, 1, 2, 3].map((i) => source.push(line(`2026-11-24T10:00:0${i}Z ten-chars${i}`)));
    assert.deepEqual(
      pushed.map((wait) => wait !== undefined),
      [false, false, false, true],
    );
    let released = false;
    void (pushed[3] as Promise<void>).then(() => {
      released = true;
    });
    source.shift();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released, false, 'thirty characters still held');
    source.shift();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(released, true);
    assert.equal(source.head()?.message, 'ten-chars2');
  });

  it('lets one long line through rather than waiting for room that never comes', async () => {
    const source = new BufferedSource(40);
    const wait = source.push(line(`2026-11-24T10:00:00Z ${'x'.repeat(100)}`));
    assert.ok(wait, 'the reader waits after a line over the bound');
    source.shift();
    await wait;
    assert.equal(source.head(), undefined);
  });

  it('reads back from a spool file what was written, messages with tabs and lines without timestamps', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'mimt-spool-test-'));
    try {
      const spool = new Spool(path.join(folder, '0'));
      const written = [
        line('2026-11-24T10:00:01.123456789Z tab\there'),
        { ...line('no timestamp'), key: timestampKey('2026-11-24T10:00:01.123456789Z') as string },
        ...Array.from({ length: 3000 }, (_, i) => line(`2026-11-24T10:00:02Z line ${i} ${'x'.repeat(40)}`)),
      ];
      for (const l of written) await spool.write(l);
      await spool.finish();
      const source = spool.source();
      const read: LogLine[] = [];
      while (await source.more()) {
        read.push(source.head() as LogLine);
        source.shift();
      }
      await spool.close();
      assert.deepEqual(read, written);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('resuming a log', () => {
  it('drops what a reopened stream repeats, counting lines that share the last timestamp', () => {
    const resume = new ResumePoint();
    const first = ['10:00:01.100 a', '10:00:02.000 b', '10:00:02.000 c'];
    for (const text of first) assert.equal(resume.accept(line(`2026-11-24T${text.replace(' ', 'Z ')}`)), true);
    assert.equal(resume.sinceTime, '2026-11-24T10:00:02.000Z');
    resume.reopened();
    // The server answers from the start of the second, so a, b and c come again, then a new line
    // with the very same timestamp, which must be kept.
    const again = ['10:00:01.100 a', '10:00:02.000 b', '10:00:02.000 c', '10:00:02.000 d', '10:00:03.000 e'];
    const kept = again.filter((text) => resume.accept(line(`2026-11-24T${text.replace(' ', 'Z ')}`)));
    assert.deepEqual(kept, ['10:00:02.000 d', '10:00:03.000 e']);
  });

  it('keeps lines of a stream that was not reopened, even when they repeat a timestamp', () => {
    const resume = new ResumePoint();
    assert.equal(resume.accept(line('2026-11-24T10:00:02Z x')), true);
    assert.equal(resume.accept(line('2026-11-24T10:00:02Z x')), true);
    assert.equal(resume.accept(line('2026-11-24T10:00:01Z late')), true);
  });
});

/** A KubeClient whose log streams are scripted: each call answers with the next script. */
function scriptedClient(scripts: ((query: Query) => AsyncGenerator<string>)[]) {
  const queries: Query[] = [];
  const client = {
    async stream(_path: string, query: Query) {
      queries.push(query);
      const script = scripts.shift();
      assert.ok(script, 'no more streams were expected');
      return Readable.from(script(query), { objectMode: false });
    },
  } as unknown as KubeClient;
  return { client, queries };
}

const broken = (): Error => Object.assign(new Error('aborted'), { code: 'ECONNRESET' });

describe('tailing one container', () => {
  const target = { namespace: 'acme', pod: 'web-1', container: 'app' };

  it('reopens a broken stream from the last timestamp and loses or repeats no line', async () => {
    const { client, queries } = scriptedClient([
      async function* () {
        yield '2026-11-24T10:00:01.000000000Z one\n2026-11-24T10:00:02.000000000Z two\n';
        yield '2026-11-24T10:00:02.000000000Z three\n2026-11-24T10:00:02.0000';
        throw broken();
      },
      async function* () {
        yield '2026-11-24T10:00:02.000000000Z two\n2026-11-24T10:00:02.000000000Z three\n';
        yield '2026-11-24T10:00:02.000000000Z four\n2026-11-24T10:00:03.000000000Z five\n';
      },
    ]);
    const seen: string[] = [];
    const retries: string[] = [];
    await tailContainer(
      client,
      target,
      { follow: false, previous: false, tailLines: 10, sinceSeconds: 600 },
      new ResumePoint(),
      {
        line: (l) => void seen.push(l.message),
        retrying: (error) => void retries.push(error.message),
        stillRunning: () => false,
      },
      new AbortController().signal,
    );
    assert.deepEqual(seen, ['one', 'two', 'three', 'four', 'five']);
    assert.equal(retries.length, 1);
    assert.match(retries[0] ?? '', /web-1\/app broke: aborted/);
    assert.deepEqual(queries[0], {
      container: 'app',
      timestamps: true,
      follow: undefined,
      previous: undefined,
      tailLines: 10,
      sinceSeconds: 600,
      sinceTime: undefined,
    });
    assert.equal(queries[1]?.sinceTime, '2026-11-24T10:00:02.000000000Z');
    assert.equal(queries[1]?.tailLines, undefined, 'a resumed stream is not cut to the tail again');
  });

  it('asks for the previous instance and follows when told to', async () => {
    const { client, queries } = scriptedClient([
      async function* () {
        yield '2026-11-24T09:00:00.000000000Z before the crash\n';
      },
    ]);
    const seen: string[] = [];
    await tailContainer(
      client,
      target,
      { follow: true, previous: true },
      new ResumePoint(),
      { line: (l) => void seen.push(l.message), retrying: () => undefined, stillRunning: () => false },
      new AbortController().signal,
    );
    assert.deepEqual(seen, ['before the crash']);
    assert.equal(queries[0]?.previous, true);
    assert.equal(queries[0]?.follow, true);
  });

  it('fails at once on a 4xx answer when not following', async () => {
    const { MimtError } = await import('../../src/core/errors.ts');
    const client = {
      async stream() {
        throw new MimtError('not found: pods "web-1" not found', { status: 404 });
      },
    } as unknown as KubeClient;
    await assert.rejects(
      tailContainer(
        client,
        target,
        { follow: false, previous: false },
        new ResumePoint(),
        { line: () => undefined, retrying: () => assert.fail('no retry of a 404'), stillRunning: () => false },
        new AbortController().signal,
      ),
      /pods "web-1" not found/,
    );
  });
});

function pod(name: string, status: NonNullable<Pod['status']>, init = false): Pod {
  return {
    metadata: { name, namespace: 'acme', uid: `uid-${name}` },
    spec: {
      containers: [{ name: 'app' }, { name: 'istio-proxy' }],
      initContainers: init ? [{ name: 'migrate' }] : undefined,
    },
    status,
  };
}

const running = { state: { running: {} } };

describe('choosing the log streams', () => {
  const web = pod(
    'web-1',
    {
      containerStatuses: [
        { name: 'app', restartCount: 2, ...running, lastState: { terminated: { exitCode: 1 } } },
        { name: 'istio-proxy', restartCount: 0, ...running },
      ],
      initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 0 } } }],
    },
    true,
  );
  const names = (pods: Pod[], filter: Partial<Parameters<typeof targetsOf>[1]>) =>
    targetsOfPods(pods, { includeInit: false, previous: false, ...filter }).map(
      (t) => `${t.pod}/${t.container}:${t.state}`,
    );

  it('takes every container, init containers only when asked', () => {
    assert.deepEqual(names([web], {}), ['web-1/app:running', 'web-1/istio-proxy:running']);
    assert.deepEqual(names([web], { includeInit: true }), [
      'web-1/migrate:finished',
      'web-1/app:running',
      'web-1/istio-proxy:running',
    ]);
  });

  it('takes the ephemeral containers that kubectl debug added, after the others', () => {
    const debugged: Pod = {
      ...web,
      spec: { ...web.spec, ephemeralContainers: [{ name: 'debugger-x7' }, { name: 'debugger-k2' }] },
      status: {
        ...web.status,
        ephemeralContainerStatuses: [
          { name: 'debugger-x7', state: { terminated: { exitCode: 0 } } },
          { name: 'debugger-k2', ...running },
        ],
      },
    };
    assert.deepEqual(names([debugged], {}), [
      'web-1/app:running',
      'web-1/istio-proxy:running',
      'web-1/debugger-x7:finished',
      'web-1/debugger-k2:running',
    ]);
    assert.deepEqual(names([debugged], { exclude: /^debugger-/ }), ['web-1/app:running', 'web-1/istio-proxy:running']);
  });

  it('filters containers in and out and pods by name', () => {
    const api = pod('api-7', { containerStatuses: [{ name: 'app', ...running }] });
    assert.deepEqual(names([web, api], { containers: /^app$/ }), ['api-7/app:running', 'web-1/app:running']);
    assert.deepEqual(names([web, api], { exclude: /istio/ }), ['api-7/app:running', 'web-1/app:running']);
    assert.deepEqual(names([web, api], { pods: /^web-/, exclude: /^app$/ }), ['web-1/istio-proxy:running']);
  });

  it('marks containers that have no log yet, and for --previous those that never restarted', () => {
    const starting = pod('web-2', {
      containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    const [app, proxy] = targetsOf(starting, { includeInit: false, previous: false });
    assert.equal(app?.state, 'waiting');
    assert.equal(app?.reason, 'ContainerCreating');
    assert.equal(proxy?.reason, 'not started');
    assert.deepEqual(names([web], { previous: true }), ['web-1/app:finished', 'web-1/istio-proxy:waiting']);
  });

  it('gives a crash-looping container its last log', () => {
    const crashing = pod('web-3', {
      containerStatuses: [
        {
          name: 'app',
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: {} },
        },
      ],
    });
    assert.equal(targetsOf(crashing, { includeInit: false, previous: false })[0]?.state, 'finished');
  });
});

describe('formatting log lines', () => {
  const record = {
    tenant: 'acme',
    namespace: 'acme',
    pod: 'web-1',
    container: 'app',
    timestamp: '2026-11-24T10:00:00.000000000Z',
    message: 'GET / 200',
  };
  const plain = { format: 'text', prefix: true, timestamps: false, colour: false } as const;

  it('prefixes pod/container, with the timestamp on request', () => {
    assert.equal(formatLogLine(record, plain), 'web-1/app GET / 200\n');
    assert.equal(
      formatLogLine(record, { ...plain, timestamps: true }),
      'web-1/app 2026-11-24T10:00:00.000000000Z GET / 200\n',
    );
    assert.equal(formatLogLine(record, { ...plain, prefix: false }), 'GET / 200\n');
    assert.equal(formatLogLine(record, { ...plain, format: 'raw' }), 'GET / 200\n');
  });

  it('prints one JSON object per line with the six fields', () => {
    const text = formatLogLine(record, { ...plain, format: 'json' });
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(JSON.parse(text), record);
  });

  it('colours the prefix by pod, the same colour for the same pod, only when colour is on', () => {
    const coloured = { ...plain, colour: true };
    const one = formatLogLine(record, coloured);
    const sameHue = /^\u001b\[(\d+)m/;
    assert.match(one, /^\u001b\[\d+mweb-1\/app\u001b\[39m GET \/ 200\n$/);
    assert.equal(
      sameHue.exec(formatLogLine({ ...record, container: 'sidecar' }, coloured))?.[1],
      sameHue.exec(one)?.[1],
    );
    const hues = new Set(
      ['web-1', 'web-2', 'api-1', 'api-2', 'db-0', 'db-1'].map(
        (p) => sameHue.exec(formatLogLine({ ...record, pod: p }, coloured))?.[1],
      ),
    );
    assert.ok(hues.size > 1, 'different pods get different colours');
    assert.doesNotMatch(formatLogLine(record, plain), /\u001b/);
  });
});

describe('following a tenant', () => {
  const runningPod = (name: string): Pod => ({
    metadata: { name, namespace: 'acme', uid: `uid-${name}`, resourceVersion: '1' },
    spec: { containers: [{ name: 'app' }] },
    status: { containerStatuses: [{ name: 'app', restartCount: 0, state: { running: {} } }] },
  });

  /**
   * A follower on a cluster whose watch and log streams the test writes to; `relist` is what the
   * pods are when listed again after a 410 Gone.
   */
  function follow(initial: Pod[], maxStreams: number, relist: Pod[] = []) {
    const watches: PassThrough[] = [];
    const queries = new Map<string, Query>();
    const logs = new Map<string, PassThrough>();
    const client = {
      async request() {
        return { metadata: { resourceVersion: '7' }, items: [] };
      },
      async list() {
        return { metadata: { resourceVersion: '7' }, items: relist };
      },
      async stream(path: string, query: Query, signal: AbortSignal) {
        const stream = new PassThrough();
        signal.addEventListener('abort', () => stream.destroy(new Error('aborted')));
        if (query.watch) watches.push(stream);
        else {
          const name = `${/pods\/([^/]+)\/log$/.exec(path)?.[1]}/${query.container}`;
          logs.set(name, stream);
          queries.set(name, query);
        }
        return stream;
      },
    } as unknown as KubeClient;
    const controller = new AbortController();
    const events = followLogs(
      client,
      {
        namespace: 'acme',
        filter: { includeInit: false, previous: false },
        read: { previous: false, tailLines: 5 },
        maxStreams,
        initial: { pods: initial, resourceVersion: '1' },
      },
      controller.signal,
    );
    const seen: string[] = [];
    const reading = (async () => {
      for await (const batch of events) {
        for (const e of batch) {
          if (e.type === 'note') seen.push(`note ${e.text}`);
          else seen.push(`${e.type} ${e.target.pod}${e.type === 'line' ? ` ${e.line.message}` : ''}`);
        }
      }
    })();
    return {
      seen,
      logs,
      queries,
      watch: (event: unknown) => watches.at(-1)?.write(`${JSON.stringify(event)}\n`),
      async until(what: string): Promise<void> {
        for (let i = 0; i < 400 && !seen.some((s) => s.startsWith(what)); i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        assert.ok(
          seen.some((s) => s.startsWith(what)),
          `expected "${what}" in ${JSON.stringify(seen)}`,
        );
      },
      async stop(): Promise<string[]> {
        controller.abort();
        await reading;
        return seen.filter((s) => !s.startsWith('note'));
      },
    };
  }

  it('starts and ends streams as pods come and go, never more at once than allowed', async () => {
    const f = follow([runningPod('a')], 1);
    await f.until('joined a');
    f.logs.get('a/app')?.write('2026-11-24T10:00:00.000000000Z from a\n');
    await f.until('line a from a');
    f.watch({ type: 'ADDED', object: runningPod('b') });
    await f.until('note warning: more than 1 log streams');
    assert.ok(!f.seen.includes('joined b'), 'b waits while a holds the only stream');
    f.watch({ type: 'DELETED', object: runningPod('a') });
    await f.until('joined b');
    f.logs.get('b/app')?.write('2026-11-24T10:00:01.000000000Z from b\n');
    await f.until('line b from b');
    assert.deepEqual(await f.stop(), ['joined a', 'line a from a', 'left a', 'joined b', 'line b from b']);
    assert.equal(f.queries.get('a/app')?.tailLines, 5, '--tail applies to what ran at the start');
    assert.equal(f.queries.get('b/app')?.tailLines, undefined, 'a pod that came later is read from its start');
  });

  it('warns once for the streams that must wait together, naming them', async () => {
    const f = follow([runningPod('a')], 1);
    await f.until('joined a');
    for (const name of ['b', 'c', 'd']) {
      f.watch({ type: 'ADDED', object: runningPod(name) });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await f.until('note warning');
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(
      f.seen.filter((s) => s.startsWith('note')),
      [
        'note warning: more than 1 log streams (--max-log-requests): b/app, c/app, d/app wait for one to end; ' +
          'raise --max-log-requests to follow them all',
      ],
    );
    await f.stop();
  });

  it('lists the pods again after 410 Gone, ending streams of pods that went meanwhile', async () => {
    const f = follow([runningPod('a'), runningPod('b')], 10, [runningPod('b'), runningPod('c')]);
    await f.until('joined b');
    f.watch({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } });
    await f.until('joined c');
    await f.until('left a');
    assert.deepEqual((await f.stop()).sort(), ['joined a', 'joined b', 'joined c', 'left a']);
  });
});
