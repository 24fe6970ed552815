import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterEnv, helm, kubectl, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { ROOT, plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, chartCopy, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });
const WORKER_CHART = path.join(ROOT, 'test', 'fixtures', 'charts', 'worker');
/** kube-controller-manager's default --horizontal-pod-autoscaler-sync-period. */
const HPA_SYNC_MS = 15_000;

/** The worker chart under a name and version of its own, so that install --all touches this test's tenant only. */
const workerChart = (name: string, version: string): string => chartCopy(WORKER_CHART, name, version);

interface K8sObject {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: { conditions?: { type: string; status: string; reason: string }[]; phase?: string };
}

const get = (namespace: string, what: string) => kubectlJson<K8sObject>(['get', what, '-n', namespace]);
const pods = async (namespace: string) =>
  (await kubectlJson<{ items: K8sObject[] }>(['get', 'pods', '-n', namespace])).items.filter(
    (p) => p.status?.phase !== 'Succeeded',
  );
const condition = (hpa: K8sObject, type: string) => hpa.status?.conditions?.find((c) => c.type === type);

describe('kubectl mimt suspend and resume', { timeout: 900_000 }, () => {
  const chartName = uniqueName('lifecycle');
  const worker = `${chartName}-w`;
  const web = `${chartName}-web`;
  const selector = `lifecycle-test=${chartName}`;

  before(async () => {
    for (const [tenant, chart] of [
      [worker, workerChart(chartName, '0.1.0')],
      [web, EXAMPLE_CHART],
    ] as const) {
      const result = await mimt(['install', tenant, '--chart', chart, '--wait']);
      assert.equal(result.exitCode, 0, result.stderr);
      await kubectl(['label', 'namespace', tenant, selector]);
    }
    // An autoscaler that measures and would hold its minimum of 2: the one suspend must keep quiet.
    await waitFor(
      'the autoscaler to measure its target',
      async () =>
        condition(await get(worker, `hpa/${worker}-api`), 'ScalingActive')?.status === 'True' ? true : undefined,
      180_000,
    );
  });
  after(() => deleteNamespaces([worker, web]));

  it('lists with --dry-run what it would change, and changes nothing', async () => {
    const result = await mimt(['suspend', worker, '--dry-run', '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const [item] = JSON.parse(result.stdout).items;
    assert.equal(item.result, 'would suspend');
    assert.deepEqual(
      item.changes.filter((c: { field: string }) => c.field !== 'suspended-at'),
      [
        { kind: 'ResourceQuota', name: 'mimt-suspended', field: 'pods', from: null, to: 0 },
        { kind: 'CronJob', name: `${worker}-report`, field: 'suspend', from: false, to: true },
        { kind: 'Deployment', name: `${worker}-api`, field: 'replicas', from: 3, to: 0 },
        { kind: 'StatefulSet', name: `${worker}-db`, field: 'replicas', from: 1, to: 0 },
      ],
    );
    assert.equal((await get(worker, `deployment/${worker}-api`)).spec.replicas, 3);
    assert.equal((await pods(worker)).length, 4);
  });

  it('leaves no pod for two autoscaler periods, a suspended CronJob, and the autoscaler as it was', async () => {
    const result = await mimt(['suspend', '-l', selector]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^${worker}\\s+suspended\\s+Deployment/${worker}-api\\s+replicas 3 → 0$`, 'm'),
    );
    assert.match(result.stdout, new RegExp(`^${web}\\s+suspended\\s+Deployment/${web}-web\\s+replicas 2 → 0$`, 'm'));
    await waitFor('the pods to go', async () => ((await pods(worker)).length === 0 ? true : undefined));
    const deadline = Date.now() + 2 * HPA_SYNC_MS + 5_000;
    while (Date.now() < deadline) {
      assert.deepEqual(
        (await pods(worker)).map((p) => p.metadata.name),
        [],
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    const hpa = await get(worker, `hpa/${worker}-api`);
    assert.equal(hpa.spec.minReplicas, 2);
    assert.equal(condition(hpa, 'ScalingActive')?.reason, 'ScalingDisabled');
    assert.equal((await get(worker, `cronjob/${worker}-report`)).spec.suspend, true);
    assert.equal((await get(worker, `deployment/${worker}-api`)).spec.replicas, 0);
    assert.equal((await get(web, `deployment/${web}-web`)).spec.replicas, 0);
  });

  it('shows as Suspended in ls, with zero usage in metrics, and changes nothing when run again', async () => {
    const listed = await mimt(['ls', '-o', 'json']);
    const tenant = JSON.parse(listed.stdout).items.find(
      (t: { metadata: { name: string } }) => t.metadata.name === worker,
    );
    assert.equal(tenant.status.phase, 'Suspended');
    assert.match(tenant.status.suspendedAt, /^\d{4}-\d\d-\d\dT/);
    assert.match(
      (await mimt(['ls'])).stdout,
      new RegExp(`^${worker}\\s.*\\sSuspended \\(for \\d+[sm]\\)\\s+0/0\\s`, 'm'),
    );
    const [figures] = JSON.parse((await mimt(['metrics', worker, '-o', 'json'])).stdout).items;
    assert.deepEqual([figures.cpu.usage, figures.memory.usage], [0, 0]);

    const again = await mimt(['suspend', worker]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^${worker}\\s+already suspended\\s+-\\s+none$`, 'm'));
  });

  it('plans the upgrade of a suspended tenant without the replicas and CronJob state that suspend holds', async () => {
    const result = await mimt(['install', '--all', '--chart', workerChart(chartName, '0.2.0'), '--plan', '-o', 'json']);
    assert.equal(result.exitCode, 1, result.stderr);
    const plan = (
      JSON.parse(result.stdout).items as {
        metadata: { name: string };
        objects: { kind: string; fields: { path: string }[] }[];
      }[]
    ).find((p) => p.metadata.name === worker);
    const fields = plan?.objects.flatMap((o) => o.fields.map((f) => `${o.kind} ${f.path}`)) ?? [];
    assert.ok(
      fields.some((f) => f.includes('helm.sh/chart')),
      `the version bump shows: ${fields.join(', ')}`,
    );
    assert.deepEqual(
      fields.filter((f) => /spec\.(replicas|suspend)$/.test(f)),
      [],
    );
  });

  it('stays suspended through install --all, which says it upgraded the tenant while suspended', async () => {
    const result = await mimt(['install', '--all', '--chart', workerChart(chartName, '0.2.0'), '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const [row] = JSON.parse(result.stdout).items;
    assert.equal(row.result, 'upgraded');
    assert.match(row.reason, /upgraded while suspended, no pod started/);
    assert.equal((await get(worker, `deployment/${worker}-api`)).spec.replicas, 0);
    assert.deepEqual(await pods(worker), []);
    const [release] = JSON.parse((await helm(['list', '-n', worker, '-o', 'json'])).stdout);
    assert.equal(release.chart, `${chartName}-0.2.0`);
  });

  it('resumes exactly what was there, and changes nothing when run again', async () => {
    const result = await mimt(['resume', worker, web]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await get(worker, `deployment/${worker}-api`)).spec.replicas, 3);
    assert.equal((await get(worker, `statefulset/${worker}-db`)).spec.replicas, 1);
    assert.equal((await get(web, `deployment/${web}-web`)).spec.replicas, 2);
    const cronjob = await get(worker, `cronjob/${worker}-report`);
    assert.equal(cronjob.spec.suspend, false);
    assert.equal(cronjob.spec.schedule, '0 3 1 1 *');
    assert.equal((await get(worker, `hpa/${worker}-api`)).spec.minReplicas, 2);
    await waitFor('the pods to come back', async () => ((await pods(worker)).length === 4 ? true : undefined));
    await waitFor('ls to say Ready', async () =>
      new RegExp(`^${worker}\\s.*\\sReady\\s`, 'm').test((await mimt(['ls'])).stdout) ? true : undefined,
    );
    const again = await mimt(['resume', worker]);
    assert.match(again.stdout, new RegExp(`^${worker}\\s+not suspended\\s+-\\s+none$`, 'm'));
  });

  it('refuses bad selections before sending anything, and names a tenant that does not exist', async () => {
    for (const [args, code, message] of [
      [['suspend'], 2, /name the tenants to suspend, or pass --all or -l SELECTOR/],
      [['resume', worker, '--all'], 2, /exclude each other/],
      [['suspend', 'Not_A_Name'], 2, /Not_A_Name/],
      [['suspend', `${chartName}-missing`], 1, /tenant ".*-missing" not found/],
    ] as const) {
      const result = await mimt([...args]);
      assert.equal(result.exitCode, code, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});

describe('kubectl mimt adopt', { timeout: 600_000 }, () => {
  const plain = uniqueName('adopt');
  const shared = uniqueName('adopt2');
  const revisions = async (namespace: string, release: string) =>
    JSON.parse((await helm(['history', release, '-n', namespace, '-o', 'json'])).stdout).length as number;

  before(async () => {
    await kubectl(['create', 'namespace', plain]);
    await helm(['install', 'shop', EXAMPLE_CHART, '-n', plain, '--wait', '--timeout', '2m']);
    await kubectl(['create', 'namespace', shared]);
    for (const release of ['one', 'two']) await helm(['install', release, EXAMPLE_CHART, '-n', shared]);
  });
  after(() => deleteNamespaces([plain, shared]));

  it('shows every change with --dry-run and makes none', async () => {
    const result = await mimt(['adopt', plain, '--dry-run']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /\(dry run\): nothing was changed; adopting release shop \(webapp 0\.1\.0, revision 1\)/,
    );
    assert.match(result.stdout, /label mimt\.io\/tenant=.* on Namespace\//);
    assert.match(result.stdout, /annotation mimt\.io\/release=shop/);
    assert.match(result.stdout, /apply NetworkPolicy\//);
    const namespace = await kubectlJson<K8sObject>(['get', 'namespace', plain]);
    assert.equal(namespace.metadata.annotations?.['mimt.io/release'], undefined);
  });

  it('makes a plain helm install a tenant that ls shows with its chart and profile, without a new revision', async () => {
    const result = await mimt(['adopt', plain, '--profile', 'strict']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /adopted: release shop \(webapp 0\.1\.0, revision 1\), profile strict; no new Helm revision/,
    );
    assert.equal(await revisions(plain, 'shop'), 1);
    const listed = JSON.parse((await mimt(['ls', '-o', 'json'])).stdout).items.find(
      (t: { metadata: { name: string } }) => t.metadata.name === plain,
    );
    assert.deepEqual(
      [listed.spec.source, listed.spec.chart, listed.spec.chartVersion, listed.spec.release, listed.spec.profile],
      ['mimt', 'webapp', '0.1.0', 'shop', 'strict'],
    );
    assert.equal(listed.status.phase, 'Ready');
    assert.match((await mimt(['adopt', plain])).stdout, /unchanged: already a mimt tenant of release shop/);
  });

  it('is then upgraded by install as any tenant: the same release, a new revision', async () => {
    const result = await mimt(['install', plain, '--chart', EXAMPLE_CHART, '--profile', 'strict']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(await revisions(plain, 'shop'), 2);
    const releases = JSON.parse((await helm(['list', '-n', plain, '-o', 'json'])).stdout) as { name: string }[];
    assert.deepEqual(
      releases.map((r) => r.name),
      ['shop'],
    );
  });

  it('refuses several releases without --release, system namespaces and a release that is not there', async () => {
    for (const [args, code, message] of [
      [['adopt', shared], 2, /holds 2 Helm releases: "one", "two"[\s\S]*--release/],
      [['adopt', shared, '--release', 'three'], 1, /has no Helm release "three"[\s\S]*its releases: "one", "two"/],
      [['adopt', 'kube-system'], 1, /refusing to adopt "kube-system": it is a system namespace/],
    ] as const) {
      const result = await mimt([...args]);
      assert.equal(result.exitCode, code, result.stderr);
      assert.match(result.stderr, message);
    }
    const picked = await mimt(['adopt', shared, '--release', 'two', '--profile', 'none']);
    assert.equal(picked.exitCode, 0, picked.stderr);
    assert.equal(await revisions(shared, 'two'), 1);
  });
});
