import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeApi } from '../support/fake-api.ts';
import { tenant, viewerOf } from '../support/fixtures.ts';
import { mimt } from '../support/in-process.ts';

/** `kubectl mimt logs` (without -f) from argv to what it prints, against the fake API's log endpoint. */

describe('logs', () => {
  let api: FakeApi;
  let kubeconfig: string;
  const logs = (...args: string[]) => mimt('logs', args, { kubeconfig });
  const logReads = () => api.made({ path: /\/log$/ });

  before(async () => {
    api = await FakeApi.start(
      tenant('acme', {
        pods: [
          { name: 'web-a', containers: ['app', 'proxy'], labels: { app: 'web' } },
          { name: 'web-b', waiting: 'ContainerCreating', labels: { app: 'web' } },
          { name: 'db-0', labels: { app: 'db' }, workload: 'db' },
        ],
      }),
    );
    api.setLog('acme', 'web-a', 'app', [
      ['2026-01-01T00:00:01.000000000Z', 'app one'],
      ['2026-01-01T00:00:03.000000000Z', 'app three'],
      ['2026-01-01T00:00:05.000000000Z', 'app five'],
    ]);
    api.setLog('acme', 'web-a', 'proxy', [
      ['2026-01-01T00:00:02.000000000Z', 'proxy two'],
      ['2026-01-01T00:00:04.000000000Z', 'proxy four'],
    ]);
    api.setLog('acme', 'db-0', 'app', [['2026-01-01T00:00:00.500000000Z', 'db ready']]);
    kubeconfig = api.kubeconfig();
  });
  after(() => api.close());

  it("merges every container's log in time order, each line named, and notes what has no log yet", async () => {
    api.reset();
    const result = await logs('acme');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'db-0/app db ready',
        'web-a/app app one',
        'web-a/proxy proxy two',
        'web-a/app app three',
        'web-a/proxy proxy four',
        'web-a/app app five',
        '',
      ].join('\n'),
    );
    assert.equal(result.stderr, 'note: no log yet from web-b/app (ContainerCreating)\n');
    // One read per log, none for the container that has none; the tenant and its pods before that.
    assert.equal(logReads().length, 3);
    assert.equal(api.requests.length, 6);
  });

  it('--tail N asks the server for the last N lines of each log; -t prints their time', async () => {
    api.reset();
    const result = await logs('acme', '-l', 'app=web', '--tail', '1', '-t');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      'web-a/proxy 2026-01-01T00:00:04.000000000Z proxy four\nweb-a/app 2026-01-01T00:00:05.000000000Z app five\n',
    );
    assert.ok(logReads().every((r) => r.query.tailLines === '1'));
    assert.equal(api.made('GET /api/v1/namespaces/acme/pods')[0]?.query.labelSelector, 'app=web');
  });

  it('-c and --no-prefix pick containers and print the bare lines; -o json one object a line', async () => {
    const bare = await logs('acme', '--pod', '^web-a$', '-c', '^proxy$', '--no-prefix');
    assert.equal(bare.stdout, 'proxy two\nproxy four\n');
    const json = await logs('acme', '--pod', '^db', '-o', 'json');
    assert.deepEqual(JSON.parse(json.stdout), {
      tenant: 'acme',
      namespace: 'acme',
      pod: 'db-0',
      container: 'app',
      timestamp: '2026-01-01T00:00:00.500000000Z',
      message: 'db ready',
    });
  });

  it('says so when no pod matches, exit 0', async () => {
    const result = await logs('acme', '-l', 'app=none');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'No pods matching -l app=none in tenant acme (namespace acme)\n');
  });

  it('a log that cannot be read is one error line, the others still printed, exit 1', async () => {
    api.forbid({ path: '/api/v1/namespaces/acme/pods/web-a/log', query: { container: 'proxy' } });
    const result = await logs('acme', '-l', 'app=web');
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, 'web-a/app app one\nweb-a/app app three\nweb-a/app app five\n');
    assert.match(result.stderr, /^error: cannot read the log of web-a\/proxy: forbidden: pods\/log is forbidden/m);
  });
});

describe('logs as the view user of one tenant', () => {
  it('prints the logs of its tenant, exit 0', async () => {
    const api = await FakeApi.start(tenant('acme', { pods: [{ name: 'talker' }] }));
    api.setLog('acme', 'talker', 'app', ['hello from the tenant']);
    api.limitUser('acme-viewer', viewerOf('acme'));
    try {
      const result = await mimt('logs', ['acme', '--tail', '10'], {
        kubeconfig: api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' }),
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, 'talker/app hello from the tenant\n');
      assert.doesNotMatch(result.stderr, /^error:/m);
    } finally {
      await api.close();
    }
  });
});
