import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { clusterEnv, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { SHOP_CHART, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

interface TenantItem {
  metadata: { name: string };
  status: { phase: string; reason?: string; pods: { ready: number; total: number; restarts: number } | null };
}

async function tenantJson(name: string): Promise<TenantItem> {
  const result = await mimt(['ls', '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const found = (JSON.parse(result.stdout).items as TenantItem[]).find((t) => t.metadata.name === name);
  assert.ok(found, `tenant ${name} listed`);
  return found;
}

describe('tenants made from charts shaped like public ones', { timeout: 900_000 }, () => {
  const created: string[] = [];
  const tenant = (prefix: string) => {
    const name = uniqueName(prefix);
    created.push(name);
    return name;
  };
  after(() => deleteNamespaces(created));

  it('lists a tenant whose pods Pod Security rejects as Degraded, with the rejection as the reason', async () => {
    const name = tenant('realcharts-rej');
    // Without the migration hook: helm would wait for the hook's pods, which are rejected too.
    const installed = await mimt([
      'install',
      name,
      '--chart',
      SHOP_CHART,
      '--profile',
      'strict',
      '--set',
      'migrations.enabled=false',
    ]);
    assert.equal(installed.exitCode, 0, installed.stderr);
    const listed = await waitFor('the rejection to show in ls', async () => {
      const item = await tenantJson(name);
      return item.status.phase === 'Degraded' ? item : undefined;
    });
    assert.deepEqual(listed.status.pods, { ready: 0, total: 0, restarts: 0 });
    assert.match(
      listed.status.reason ?? '',
      new RegExp(
        `Deployment ${name}-shop 0/1 ready: pods are rejected by Pod Security "restricted": ` +
          `allowPrivilegeEscalation != false \\(container "app" must set securityContext.allowPrivilegeEscalation=false\\)`,
      ),
    );
    assert.match(listed.status.reason ?? '', new RegExp(`StatefulSet ${name}-store 0/1 ready: pods are rejected`));
    const table = await mimt(['ls']);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
    assert.match(row, /\sDegraded \(FailedCreate\)\s+0\/0\s/);
  });

  it('does not call a tenant Ready while its StatefulSet pod cannot be scheduled, and says why', async () => {
    const name = tenant('realcharts-pvc');
    const installed = await mimt(['install', name, '--chart', SHOP_CHART]);
    assert.equal(installed.exitCode, 0, installed.stderr);
    const listed = await waitFor('the scheduling problem to show in ls', async () => {
      const item = await tenantJson(name);
      return /cannot be scheduled/.test(item.status.reason ?? '') ? item : undefined;
    });
    assert.equal(listed.status.phase, 'Progressing');
    // The cluster has no storage provisioner: the StatefulSet's claim is never bound.
    assert.match(
      listed.status.reason ?? '',
      new RegExp(`pod ${name}-store-0 cannot be scheduled: .*unbound.*PersistentVolumeClaims`),
    );
  });
});
