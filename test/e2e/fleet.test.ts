import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_BIN, CLUSTER_DIR, uniqueName, waitFor } from '../support/cluster.ts';
import { ROOT, cleanEnv, plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, chartCopy } from '../support/tenants.ts';

/** The three clusters `make fleet-up` starts (test/cluster/fleet.sh), and their hub. */
const FLEET_KUBECONFIG = path.join(CLUSTER_DIR, 'fleet.kubeconfig');
const env = () => cleanEnv({ KUBECONFIG: FLEET_KUBECONFIG }, [CLUSTER_BIN]);
const mimt = (args: string[], kubeconfig?: string) =>
  run(plugin('kubectl-mimt'), kubeconfig ? ['--kubeconfig', kubeconfig, ...args] : args, {
    env: env(),
    timeoutMs: 300_000,
  });
const kubectl = async (context: string, args: string[], input?: string) => {
  const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['--context', context, ...args], { env: env(), input });
  assert.equal(result.exitCode, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
  return result;
};

/** The example chart under a name of its own; `extra` adds a ConfigMap the first version lacks. */
function chart(name: string, version: string, extra = false): string {
  const dir = chartCopy(EXAMPLE_CHART, name, version);
  if (extra) {
    writeFileSync(
      path.join(dir, 'templates', 'extra.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  added: "in 0.2.0"\n',
    );
  }
  return dir;
}

const rowsOf = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s{2,}/));

describe('across a fleet of clusters', { timeout: 900_000 }, () => {
  const app = uniqueName('fleetapp');
  // One name on two clusters, and one tenant of its own on each.
  const shared = `${app}-shared`;
  const placed: [context: string, tenant: string][] = [
    ['fleet-1', shared],
    ['fleet-1', `${app}-one`],
    ['fleet-2', `${app}-two`],
    ['fleet-3', shared],
    ['fleet-3', `${app}-three`],
  ];
  const v1 = chart(app, '0.1.0');

  before(async () => {
    assert.ok(existsSync(FLEET_KUBECONFIG), 'make fleet-up starts the fleet');
    for (const [context, tenant] of placed) {
      const result = await mimt(['install', tenant, '--chart', v1, '--context', context]);
      assert.equal(result.exitCode, 0, result.stderr);
    }
  });
  after(async () => {
    for (const [context, tenant] of placed) {
      await run(
        path.join(CLUSTER_BIN, 'kubectl'),
        ['--context', context, 'delete', 'namespace', tenant, '--wait=false'],
        {
          env: env(),
        },
      );
    }
  });

  it('ls --all-contexts shows every tenant with its cluster, sorted across clusters', async () => {
    const result = await mimt(['ls', '--all-contexts', '-l', `app.kubernetes.io/managed-by=kubectl-mimt`]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^CLUSTER\s+TENANT\s+NAMESPACE/);
    const mine = rowsOf(result.stdout).filter((row) => row[1]?.startsWith(app));
    assert.deepEqual(
      mine.map((row) => [row[0], row[1]]),
      [
        ['fleet-1', `${app}-one`],
        ['fleet-1', shared],
        ['fleet-3', shared],
        ['fleet-3', `${app}-three`],
        ['fleet-2', `${app}-two`],
      ],
    );
    assert.ok(
      mine.every((row) => row.includes('Ready')),
      result.stdout,
    );
  });

  it('-o json items carry their cluster, and the inventory finds the same clusters as --all-contexts', async () => {
    const byContexts = JSON.parse((await mimt(['ls', '--all-contexts', '-o', 'json'])).stdout);
    const byInventory = await mimt(['ls', '--inventory', 'hub', '-o', 'json']);
    assert.equal(byInventory.exitCode, 0, byInventory.stderr);
    const inventory = JSON.parse(byInventory.stdout);
    const clusters = (doc: { clusters: { name: string }[] }) => doc.clusters.map((c) => c.name).sort();
    assert.deepEqual(clusters(inventory), ['fleet-1', 'fleet-2', 'fleet-3']);
    assert.deepEqual(clusters(byContexts), clusters(inventory));
    const where = (doc: { items: { cluster: string; metadata: { name: string } }[] }) =>
      doc.items
        .filter((i) => i.metadata.name === shared)
        .map((i) => i.cluster)
        .sort();
    assert.deepEqual(where(inventory), ['fleet-1', 'fleet-3']);
  });

  it('ls TENANT shows the tenant on each cluster where it exists', async () => {
    const result = await mimt(['ls', shared, '--context', 'fleet-1,fleet-2', '--context', 'fleet-3']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.stdout.match(/^Cluster:\s+\S+$/gm), ['Cluster:    fleet-1', 'Cluster:    fleet-3']);
    const missing = await mimt(['ls', `${app}-nowhere`, '--all-contexts']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^error: tenant ".*-nowhere" not found on any of the clusters/m);
  });

  it('metrics and policy audit carry the cluster, in tables and in Prometheus labels', async () => {
    const prometheus = await mimt(['metrics', '--all-contexts', '-o', 'prometheus']);
    assert.equal(prometheus.exitCode, 0, prometheus.stderr);
    assert.match(prometheus.stdout, new RegExp(`^mimt_tenant_pods\\{cluster="fleet-3",tenant="${shared}",`, 'm'));
    const audit = await mimt(['policy', 'audit', '-A', '--context', 'fleet-1,fleet-2']);
    assert.ok([0, 3].includes(audit.exitCode ?? -1), audit.stderr);
    assert.doesNotMatch(audit.stdout + audit.stderr, /fleet-3/);
  });

  it('logs prefixes each line with cluster/pod/container', async () => {
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-fleet-log-')), 'talk.log');
    writeFileSync(logFile, '2026-01-01T00:00:00.000000000Z stdout F hello from the fleet\n');
    for (const context of ['fleet-1', 'fleet-3']) {
      await kubectl(
        context,
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'kwok.x-k8s.io/v1alpha1',
          kind: 'Logs',
          metadata: { name: 'talker', namespace: shared },
          spec: { logs: [{ containers: ['app'], logsFile: logFile, follow: true }] },
        }),
      );
      await kubectl(
        context,
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'talker', namespace: shared, labels: { role: 'talker' } },
          spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
        }),
      );
    }
    const result = await waitFor('both clusters to serve the log', async () => {
      const found = await mimt(['logs', shared, '-l', 'role=talker', '--context', 'fleet-1,fleet-3']);
      return found.stdout.split('\n').filter((l) => l.includes('hello')).length === 2 ? found : undefined;
    });
    assert.match(result.stdout, /^fleet-1\/talker\/app hello from the fleet$/m);
    assert.match(result.stdout, /^fleet-3\/talker\/app hello from the fleet$/m);
  });

  it('refuses what works on one cluster only, before any request', async () => {
    for (const [args, message] of [
      [['uninstall', shared, '--context', 'fleet-1,fleet-3', '--yes'], /uninstall works on one cluster at a time/],
      [['install', shared, '--chart', v1, '--all-contexts'], /only install --all runs across clusters/],
      [['ls', '-w', '--all-contexts'], /--watch follows one cluster/],
      [['ls', '--all-contexts', '--inventory', 'hub'], /choose clusters one way/],
      [['ls', '--context', 'fleet-1,nope'], /context "nope" not found in kubeconfig/],
    ] as const) {
      const result = await mimt([...args]);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });

  it('a cluster that does not answer costs its timeout, is named once, and the others still show', async () => {
    // A server that accepts connections and never answers: what a black-holed cluster looks like.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-fleet-kc-')), 'config');
    writeFileSync(kubeconfig, readFileSync(FLEET_KUBECONFIG, 'utf8'));
    const edit = (args: string[]) =>
      run(path.join(CLUSTER_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, 'config', ...args], { env: env() });
    await edit(['set-cluster', 'silent', `--server=https://127.0.0.1:${port}`, '--insecure-skip-tls-verify']);
    await edit(['set-context', 'silent', '--cluster=silent', '--user=kwok-mimt-fleet-1']);
    try {
      const result = await mimt(['ls', '--context', 'fleet-1,silent', '--request-timeout', '2s'], kubeconfig);
      assert.equal(result.exitCode, 1, result.stderr);
      assert.match(result.stdout, new RegExp(`^fleet-1\\s+${shared}\\s`, 'm'));
      assert.deepEqual(result.stderr.match(/^error: cluster "silent": .*$/gm)?.length, 1, result.stderr);
      const ignored = await mimt(
        ['ls', '--context', 'fleet-1,silent', '--request-timeout', '2s', '--ignore-unreachable'],
        kubeconfig,
      );
      assert.equal(ignored.exitCode, 0, ignored.stderr);
      assert.match(ignored.stderr, /^error: cluster "silent": /m);
    } finally {
      silent.close();
    }
  });

  it('install --all upgrades cluster by cluster and stops at the first that fails', async () => {
    // On fleet-2, an object the new version would create is already there and not Helm's.
    await kubectl(
      'fleet-2',
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${app}-two-extra`, namespace: `${app}-two` },
        data: { owner: 'someone else' },
      }),
    );
    const v2 = chart(app, '0.2.0', true);
    const result = await mimt([
      'install',
      '--all',
      '--chart',
      v2,
      '--context',
      'fleet-1,fleet-2,fleet-3',
      '-o',
      'json',
    ]);
    assert.equal(result.exitCode, 1, result.stderr);
    const items = (JSON.parse(result.stdout) as { items: { cluster: string; tenant: string; result: string }[] }).items;
    assert.deepEqual(
      items.map((i) => [i.cluster, i.tenant, i.result]),
      [
        ['fleet-1', `${app}-one`, 'upgraded'],
        ['fleet-1', shared, 'upgraded'],
        ['fleet-2', `${app}-two`, 'failed'],
      ],
    );
    assert.match(result.stderr, /cluster "fleet-3": not started: the rollout stopped after cluster "fleet-2"/);
    const untouched = await kubectl('fleet-3', ['get', 'namespace', shared, '-o', 'json']);
    assert.equal(JSON.parse(untouched.stdout).metadata.annotations['mimt.io/chart-version'], '0.1.0');
  });

  it('a stopped cluster leaves the others listed, named on stderr, exit 1 (0 when ignored)', async () => {
    const stopped = await run(path.join(ROOT, 'test', 'cluster', 'fleet.sh'), ['stop', '3'], { env: env() });
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    const result = await mimt(['ls', '--all-contexts']);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^fleet-2\\s+${app}-two\\s`, 'm'));
    assert.doesNotMatch(result.stdout, /^fleet-3\s/m);
    assert.match(result.stderr, /^error: cluster "fleet-3": cannot reach the API server .*connection refused/m);
    const ignored = await mimt(['ls', '--all-contexts', '--ignore-unreachable']);
    assert.equal(ignored.exitCode, 0, ignored.stderr);
  });
});
