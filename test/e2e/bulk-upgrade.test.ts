import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterEnv, helm, uniqueName } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, chartCopy, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

/** The example chart under a name of its own, so the upgrade touches this test's tenants only. */
function chart(name: string, version: string, values: Record<string, string> = {}): string {
  const dir = chartCopy(EXAMPLE_CHART, name, version);
  const valuesFile = path.join(dir, 'values.yaml');
  let text = readFileSync(valuesFile, 'utf8');
  for (const [key, value] of Object.entries(values))
    text = text.replace(new RegExp(`^(\\s*${key}:).*$`, 'm'), `$1 ${value}`);
  writeFileSync(valuesFile, text);
  return dir;
}

/** The release's status and chart version, from helm list (helm 4's status JSON has no chart). */
async function release(tenant: string): Promise<{ status: string; version: string }> {
  const [entry] = JSON.parse((await helm(['list', '-n', tenant, '-o', 'json'])).stdout) as {
    status: string;
    chart: string;
  }[];
  return { status: entry?.status ?? 'missing', version: /-(\d+\.\d+\.\d+)$/.exec(entry?.chart ?? '')?.[1] ?? '?' };
}

interface Row {
  tenant: string;
  from: string;
  to: string;
  result: string;
  reason?: string;
}

describe('kubectl mimt install --all (bulk upgrade)', { timeout: 900_000 }, () => {
  const chartName = uniqueName('bulkapp');
  const tenants = Array.from({ length: 5 }, (_, i) => `${chartName}-t${i}`);

  before(async () => {
    const v1 = chart(chartName, '0.1.0');
    for (const [i, tenant] of tenants.entries()) {
      const extra = i === 0 ? ['--set', 'greeting=custom-for-t0'] : [];
      const result = await mimt(['install', tenant, '--chart', v1, ...extra]);
      assert.equal(result.exitCode, 0, result.stderr);
    }
  });
  after(() => deleteNamespaces(tenants));

  it('plans with --dry-run and changes nothing', async () => {
    const result = await mimt(['install', '--all', '--chart', chart(chartName, '0.2.0'), '--dry-run', '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout).items as Row[];
    assert.deepEqual(
      rows.map((r) => [r.tenant, r.from, r.to, r.result]),
      tenants.map((t) => [t, '0.1.0', '0.2.0', 'planned']),
    );
  });

  it('upgrades every tenant on the chart in batches, keeping each tenant its values', async () => {
    const result = await mimt(['install', '--all', '--chart', chart(chartName, '0.2.0'), '--max-parallel', '2']);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^TENANT\s+WAVE\s+FROM\s+TO\s+RESULT\s+REASON$/);
    for (const [i, tenant] of tenants.entries())
      assert.match(
        result.stdout,
        new RegExp(`^${tenant}\\s+${Math.floor(i / 2) + 1}\\s+0\\.1\\.0\\s+0\\.2\\.0\\s+upgraded$`, 'm'),
      );
    assert.deepEqual(result.stderr.match(/^wave \d+\/\d+: [^ ,:]+(, [^ ,:]+)*$/gm), [
      `wave 1/3: ${tenants[0]}, ${tenants[1]}`,
      `wave 2/3: ${tenants[2]}, ${tenants[3]}`,
      `wave 3/3: ${tenants[4]}`,
    ]);
    const values = JSON.parse(
      (await helm(['get', 'values', tenants[0] as string, '-n', tenants[0] as string, '-o', 'json'])).stdout,
    );
    assert.equal(values.greeting, 'custom-for-t0');
    assert.deepEqual(await release(tenants[1] as string), { status: 'deployed', version: '0.2.0' });
  });

  it('stops after the first batch that fails, rolls those back and skips the rest, exit 1', async () => {
    const broken = chart(chartName, '0.3.0', { port: '0' });
    const result = await mimt(['install', '--all', '--chart', broken, '--max-parallel', '2', '-o', 'json']);
    assert.equal(result.exitCode, 1);
    const rows = JSON.parse(result.stdout).items as Row[];
    assert.deepEqual(
      rows.map((r) => r.result),
      ['failed', 'failed', 'skipped', 'skipped', 'skipped'],
    );
    assert.match(rows[0]?.reason ?? '', /Invalid value: 0/);
    for (const tenant of tenants) {
      assert.deepEqual(await release(tenant), { status: 'deployed', version: '0.2.0' }, `${tenant} is on 0.2.0`);
    }
  });

  it('rejects --all without --chart, with a tenant name, or with values', async () => {
    for (const [args, message] of [
      [['install', '--all'], /--all needs --chart/],
      [['install', 'acme', '--all', '--chart', EXAMPLE_CHART], /drop the tenant name "acme"/],
      [['install', '--all', '--chart', EXAMPLE_CHART, '--set', 'a=b'], /-f and --set apply to one tenant/],
      [['install', '--all', '--chart', EXAMPLE_CHART, '--max-parallel', '0'], /invalid --max-parallel "0"/],
    ] as const) {
      const result = await mimt([...args]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
