import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { apply, clusterEnv, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { compositionCount } from '../support/kubeplus.ts';
import { deleteNamespaces, tenantNamespace } from '../support/tenants.ts';

const events = (args: string[]) => run(plugin('kubectl-mimt-events'), args, { env: clusterEnv(), timeoutMs: 120_000 });

/** A core/v1 Event as a kubelet or controller writes it. */
function event(namespace: string, name: string, fields: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace, apiVersion: 'v1' },
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container web',
    source: { component: 'kubelet' },
    ...fields,
  });
}

/** One moment for all the events a test writes, so that their spans are exact. */
const NOW = Date.now();
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

describe('kubectl mimt events', () => {
  const acme = uniqueName('graph-ev');
  const globex = uniqueName('graph-ev');

  before(async () => {
    await apply(tenantNamespace(acme));
    await apply(tenantNamespace(globex, { tier: 'graph-gold' }));
    // The same Warning about the same pod, written twice (as two kubelets restarts would), and others.
    await apply(event(acme, 'web-0.a', { count: 3, firstTimestamp: ago(30), lastTimestamp: ago(20) }));
    await apply(event(acme, 'web-0.b', { count: 2, firstTimestamp: ago(15), lastTimestamp: ago(5) }));
    await apply(
      event(acme, 'web-0.c', {
        type: 'Normal',
        reason: 'Pulled',
        message: 'Container image pulled',
        count: 1,
        firstTimestamp: ago(40),
        lastTimestamp: ago(40),
      }),
    );
    await apply(
      event(globex, 'db-0.a', {
        involvedObject: { kind: 'StatefulSet', name: 'db', namespace: globex, apiVersion: 'apps/v1' },
        reason: 'FailedCreate',
        message: 'create Pod db-0 failed',
        count: 1,
        firstTimestamp: ago(2),
        lastTimestamp: ago(2),
      }),
    );
  });

  after(() => deleteNamespaces([acme, globex]));

  it('groups the repeated Warning into one line with its count, first and last seen', async () => {
    const result = await events([acme]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.equal(lines.length, 3, result.stdout);
    assert.match(lines[1] ?? '', /^40m\S*\s+Normal\s+Pulled\s+Pod\/web-0\s+Container image pulled$/);
    assert.match(lines[2] ?? '', /^5m\S* \(x5 over 30m\S*\)\s+Warning\s+BackOff\s+Pod\/web-0\s+Back-off restarting/);

    const json = await events([acme, '-o', 'json', '--types', 'Warning']);
    assert.equal(json.exitCode, 0, json.stderr);
    const document = JSON.parse(json.stdout);
    assert.equal(document.kind, 'TenantEventList');
    assert.equal(document.items.length, 1);
    assert.deepEqual([document.items[0].tenant, document.items[0].type, document.items[0].count], [acme, 'Warning', 5]);
    assert.equal(Date.parse(document.items[0].lastSeen) - Date.parse(document.items[0].firstSeen), 25 * 60_000);
  });

  it('across tenants (-A) has a TENANT column and costs the same few requests', async () => {
    const compositions = compositionCount;
    const before = await compositions();
    const result = await events(['-A', '--types', 'Warning', '-v=1']);
    const kinds = [before, await compositions()];
    assert.equal(result.exitCode, 0, result.stderr);
    const mine = result.stdout.split('\n').filter((l) => l.startsWith(acme) || l.startsWith(globex));
    assert.equal(mine.length, 2, result.stdout);
    assert.match(mine.find((l) => l.startsWith(globex)) ?? '', /Warning\s+FailedCreate\s+StatefulSet\/db/);
    assert.match(result.stdout.split('\n')[0] ?? '', /^TENANT\s+LAST SEEN/);
    // Namespaces, KubePlus compositions, events, and one list per KubePlus Kind that other tests made.
    const requests = Number(/^I (\d+) API requests to /m.exec(result.stderr)?.[1]);
    assert.ok(
      kinds.some((k) => requests === 3 + k),
      `${requests} requests with ${kinds.join(' or ')} KubePlus Kinds`,
    );
  });

  it('--for keeps the events about one object; -l selects tenants', async () => {
    const about = await events(['-A', '--for', 'sts/db']);
    assert.equal(about.exitCode, 0, about.stderr);
    const tenantsShown = (stdout: string) =>
      stdout
        .trimEnd()
        .split('\n')
        .map((l) => l.split(/\s{3,}/)[0])
        .filter((t) => t === acme || t === globex);
    assert.deepEqual(tenantsShown(about.stdout), [globex]);
    const gold = await events(['-A', '-l', 'tier=graph-gold', '-o', 'json']);
    assert.equal(gold.exitCode, 0, gold.stderr);
    assert.deepEqual(
      [...new Set(JSON.parse(gold.stdout).items.map((i: { tenant: string }) => i.tenant))].filter(
        (t) => t === acme || t === globex,
      ),
      [globex],
    );
    const none = await events([acme, '--for', 'pod/nothing-here']);
    assert.equal(none.exitCode, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^No events found$/m);
  });

  it('fails on an unknown tenant with exit 1, and on bad flags with exit 2 before any request', async () => {
    const missing = await events(['graph-no-such-tenant']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^error: tenant "graph-no-such-tenant" not found/);
    const bad = await events([acme, '--types', 'Critical']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^error: invalid event type "Critical" in --types/);
  });

  it('-w prints the group again as a new event adds to it, and ends on Ctrl-C with exit 0', async () => {
    const child: ChildProcess = spawn(plugin('kubectl-mimt-events'), [acme, '-w', '--types', 'Warning'], {
      env: clusterEnv(),
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor('the first answer', async () => (stdout.includes('x5 over') ? true : undefined));
    await apply(event(acme, 'web-0.d', { count: 4, firstTimestamp: ago(1), lastTimestamp: ago(0) }));
    await waitFor(`the group with the new count; so far:\n${stdout}`, async () =>
      stdout.includes('(x9 over 30m') ? true : undefined,
    );
    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(stdout.split('\n').filter((l) => l.startsWith('LAST SEEN')).length, 1, 'one header');
  });
});
