import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterEnv, helm, uniqueName } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, chartCopy, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

/**
 * The example chart under a name of its own; `crashLoop` labels its pods for the cluster's
 * crash-loop stage (test/cluster/stages), so they run but never become ready.
 */
function chart(name: string, version: string, crashLoop = false): string {
  const dir = chartCopy(EXAMPLE_CHART, name, version);
  if (crashLoop) {
    const file = path.join(dir, 'templates', 'deployment.yaml');
    const text = readFileSync(file, 'utf8');
    const podLabels = /(\n {6}labels:\n)/;
    assert.match(text, podLabels);
    writeFileSync(file, text.replace(podLabels, '$1        crash-loop.mimt.test: "true"\n'));
  }
  return dir;
}

async function version(tenant: string): Promise<string> {
  const [entry] = JSON.parse((await helm(['list', '-n', tenant, '-o', 'json'])).stdout) as { chart: string }[];
  return /-(\d+\.\d+\.\d+)$/.exec(entry?.chart ?? '')?.[1] ?? '?';
}

interface Row {
  tenant: string;
  wave: number;
  result: string;
  reason?: string;
}

describe('kubectl mimt install --all in health-gated waves', { timeout: 900_000 }, () => {
  const chartName = uniqueName('waves');
  const tenants = Array.from({ length: 4 }, (_, i) => `${chartName}-t${i}`);

  before(async () => {
    for (const tenant of tenants) {
      const result = await mimt(['install', tenant, '--chart', chart(chartName, '0.1.0'), '--wait']);
      assert.equal(result.exitCode, 0, result.stderr);
    }
  });
  after(() => deleteNamespaces(tenants));

  // On KWOK the crash-loop stage turns a pod 3 s after it is Running and Ready, so Helm's wait
  // passes: the soak is what sees the canary fail, as with a real app that crashes after starting.
  it('the soak sees a canary whose pods crash-loop, stops after it, and leaves every other tenant on the old version', async () => {
    const broken = chart(chartName, '0.2.0', true);
    const started = Date.now();
    const result = await mimt([
      'install',
      '--all',
      '--chart',
      broken,
      '--canary',
      '1',
      '--soak',
      '20s',
      '--timeout',
      '60s',
      '-o',
      'json',
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    const rows = JSON.parse(result.stdout).items as Row[];
    assert.deepEqual(
      rows.map((r) => [r.wave, r.result]),
      [
        [1, 'unhealthy'],
        [2, 'skipped'],
        [2, 'skipped'],
        [2, 'skipped'],
      ],
    );
    const canary = rows[0]?.tenant as string;
    assert.match(
      rows[0]?.reason ?? '',
      /^Degraded \(.*CrashLoopBackOff\) \d+s into the soak; left on 0\.2\.0: helm rollback /,
    );
    assert.match(rows[1]?.reason ?? '', new RegExp(`^not reached: ${canary} failed, --max-failures is 1$`));
    assert.match(result.stderr, /^wave 1\/2 \(canary\): soaking 20s: \S+ must stay Ready$/m);
    assert.ok(Date.now() - started < 120_000, 'the soak ended the rollout without waiting for a timeout');
    assert.equal(await version(canary), '0.2.0');
    for (const tenant of tenants.filter((t) => t !== canary))
      assert.equal(await version(tenant), '0.1.0', `${tenant} is on 0.1.0`);
  });

  it('a healthy version passes each wave’s soak and reaches every tenant, wave by wave', async () => {
    const good = chart(chartName, '0.3.0');
    const result = await mimt([
      'install',
      '--all',
      '--chart',
      good,
      '--canary',
      '1',
      '--soak',
      '3s',
      '--max-parallel',
      '2',
      '--wait',
      '-o',
      'json',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const rows = JSON.parse(result.stdout).items as Row[];
    assert.deepEqual(
      rows.map((r) => [r.wave, r.result]),
      [
        [1, 'upgraded'],
        [2, 'upgraded'],
        [2, 'upgraded'],
        [3, 'upgraded'],
      ],
    );
    assert.equal((result.stderr.match(/: soak 3s: /g) ?? []).length, 3);
    for (const tenant of tenants) assert.equal(await version(tenant), '0.3.0', `${tenant} is on 0.3.0`);
  });
});
