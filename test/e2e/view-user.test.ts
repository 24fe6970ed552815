import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, uniqueName, waitFor } from '../support/cluster.ts';
import { type Run, cleanEnv, plugin, run } from '../support/run.ts';
import { deleteNamespaces, helmTenant } from '../support/tenants.ts';

/**
 * The tenant's own user, as `policy kubeconfig TENANT --role view` makes it: it may read its tenant's
 * namespace and nothing else. Every read command answers what it asked, notes what it left out, and
 * exits 0.
 */
describe('a tenant user with the view role', { timeout: 600_000 }, () => {
  const tenant = uniqueName('vu');
  const other = uniqueName('vuo');
  let kubeconfig = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-vu-'));
  // The user's environment knows nothing but the generated kubeconfig (and kubectl on PATH).
  const asUser = (command: string, args: string[]) =>
    run(plugin(`kubectl-mimt-${command}`), ['--kubeconfig', kubeconfig, ...args], {
      env: cleanEnv({}, [CLUSTER_BIN]),
      timeoutMs: 120_000,
    });
  const asAdmin = (command: string, args: string[]) =>
    run(plugin(`kubectl-mimt-${command}`), args, { env: clusterEnv(), timeoutMs: 120_000 });

  before(async () => {
    await helmTenant(tenant);
    await helmTenant(other);
    const admin = await asAdmin('policy', ['apply', tenant, '--profile', 'standard']);
    assert.equal(admin.exitCode, 0, admin.stderr);
    const logFile = path.join(dir, 'talker.log');
    writeFileSync(logFile, '2026-01-01T00:00:00.000000000Z stdout F hello from the tenant\n');
    await apply(
      JSON.stringify({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Logs',
        metadata: { name: 'talker', namespace: tenant },
        spec: { logs: [{ containers: ['app'], logsFile: logFile, follow: true }] },
      }),
    );
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'talker', namespace: tenant, labels: { role: 'talker' } },
        spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
      }),
    );
    await waitFor('the talker pod to serve its log', async () => {
      const out = await kubectl(['logs', '-n', tenant, 'talker']);
      return out.stdout.includes('hello from the tenant') ? true : undefined;
    });
    kubeconfig = path.join(dir, 'view.kubeconfig');
    const made = await asAdmin('policy', [
      'kubeconfig',
      tenant,
      '--role',
      'view',
      '--duration',
      '1h',
      '--file',
      kubeconfig,
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
  });
  after(() => deleteNamespaces([tenant, other]));

  const notes = (result: Run) => result.stderr.split('\n').filter((line) => line.startsWith('note:'));
  function answered(result: Run): void {
    assert.equal(result.exitCode, 0, `exit ${result.exitCode}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /^error:/m);
    assert.ok(notes(result).length <= 1, `at most one note:\n${result.stderr}`);
  }

  it('ls lists its tenant, not the other, and says why it looked no further', async () => {
    const result = await asUser('ls', []);
    answered(result);
    assert.match(result.stdout, new RegExp(`^${tenant}\\s`, 'm'));
    assert.doesNotMatch(result.stdout, new RegExp(other));
    assert.match(notes(result)[0] ?? '', /may not list namespaces cluster-wide/);
  });

  it('ls TENANT describes it with its pods', async () => {
    const result = await asUser('ls', [tenant]);
    answered(result);
    assert.match(result.stdout, new RegExp(`^Name:\\s+${tenant}$`, 'm'));
    assert.match(result.stdout, /^ {2}talker\s+1\/1\s+Running/m);
  });

  it('metrics shows its tenant', async () => {
    const result = await asUser('metrics', []);
    answered(result);
    assert.match(result.stdout, new RegExp(`^${tenant}\\s`, 'm'));
    assert.doesNotMatch(result.stdout, new RegExp(other));
  });

  it("metrics TENANT shows its pods, and usage as unknown when metrics.k8s.io is not the user's to read", async () => {
    const result = await asUser('metrics', [tenant, '--pods', '-o', 'json']);
    answered(result);
    const doc = JSON.stringify(JSON.parse(result.stdout));
    assert.match(doc, /"talker"/);
    // The view role does not cover metrics.k8s.io: usage is unknown (null), never zero.
    assert.match(doc, /"available":false,"reason":"forbidden/);
    assert.match(doc, /"usage":null/);
  });

  it('policy show TENANT shows the objects in force and notes the kinds it may not read', async () => {
    const result = await asUser('policy', ['show', tenant]);
    answered(result);
    assert.match(result.stdout, /^NetworkPolicy\s+mimt-same-namespace-ingress\s+mimt/m);
    assert.match(result.stdout, /^ResourceQuota\s+mimt-quota\s+mimt/m);
    assert.match(notes(result)[0] ?? '', new RegExp(`left out: .*RoleBindings in "${tenant}"`));
  });

  it('policy audit TENANT audits what it may read', async () => {
    const result = await asUser('policy', ['audit', tenant]);
    answered(result);
  });

  it('logs TENANT prints its pods logs', async () => {
    const result = await asUser('logs', [tenant, '-l', 'role=talker', '--tail', '10']);
    answered(result);
    assert.match(result.stdout, /hello from the tenant/);
  });

  it('asking for the other tenant fails, naming the permission', async () => {
    const result = await asUser('ls', [other]);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /^error: .*(forbidden|not found|may not)/m);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });
});
