import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLUSTER_BIN, clusterEnv, helm, kubectl, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

async function helmRevisions(tenant: string): Promise<{ revision: number; status: string; chart: string }[]> {
  return JSON.parse((await helm(['history', tenant, '-n', tenant, '-o', 'json'])).stdout);
}

async function namespaceGone(name: string): Promise<boolean> {
  const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', name], { env: clusterEnv() });
  return result.exitCode === 1 && /not found/.test(result.stderr);
}

/** A copy of the example chart with another version, for upgrades. */
function chartVersion(version: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-chart-')), 'webapp');
  cpSync(EXAMPLE_CHART, dir, { recursive: true });
  const file = path.join(dir, 'Chart.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^version: .*$/m, `version: ${version}`));
  return dir;
}

describe('kubectl mimt install and uninstall', { timeout: 900_000 }, () => {
  const created: string[] = [];
  const tenant = (prefix: string) => {
    const name = uniqueName(prefix);
    created.push(name);
    return name;
  };
  after(() => deleteNamespaces(created));

  it('installs the example chart into a labelled, isolated namespace and reports the Tenant', async () => {
    const name = tenant('inst');
    const result = await mimt(['install', name, '--chart', EXAMPLE_CHART, '--wait', '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.kind, 'Tenant');
    assert.equal(doc.spec.chart, 'webapp');
    assert.equal(doc.spec.chartVersion, '0.1.0');
    assert.equal(doc.spec.profile, 'standard');
    assert.deepEqual(doc.status.release, { status: 'deployed', revision: 1 });
    assert.match(result.stderr, /namespace .*: creating\n.*policy standard: applying/s);

    const ns = await kubectlJson<{ metadata: { labels: Record<string, string> } }>(['get', 'namespace', name]);
    assert.equal(ns.metadata.labels['mimt.io/tenant'], name);
    assert.equal(ns.metadata.labels['app.kubernetes.io/managed-by'], 'kubectl-mimt');
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'baseline');
    const policies = (await kubectl(['get', 'networkpolicy,resourcequota,limitrange', '-n', name, '-o', 'name']))
      .stdout;
    assert.deepEqual(policies.trim().split('\n').sort(), [
      'limitrange/mimt-limits',
      'networkpolicy.networking.k8s.io/mimt-same-namespace-ingress',
      'resourcequota/mimt-quota',
    ]);
  });

  it('changes nothing when run again, and upgrades with a new chart version', async () => {
    const name = tenant('idem');
    const first = await mimt(['install', name, '--chart', EXAMPLE_CHART]);
    assert.equal(first.exitCode, 0, first.stderr);
    // The revision comes from Helm's answer on install, and from the release record when unchanged.
    assert.match(first.stdout, new RegExp(`^tenant/${name} installed \\(webapp 0.1.0, revision 1,`));
    const again = await mimt(['install', name, '--chart', EXAMPLE_CHART]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^tenant/${name} unchanged \\(webapp 0.1.0, revision 1,`));
    assert.deepEqual(
      (await helmRevisions(name)).map((r) => r.revision),
      [1],
    );

    const upgraded = await mimt(['install', name, '--chart', chartVersion('0.2.0')]);
    assert.equal(upgraded.exitCode, 0, upgraded.stderr);
    assert.match(upgraded.stdout, new RegExp(`^tenant/${name} upgraded \\(webapp 0.2.0, revision 2,`));
    const history = await helmRevisions(name);
    assert.deepEqual(
      history.map((r) => [r.revision, r.status, r.chart]),
      [
        [1, 'superseded', 'webapp-0.1.0'],
        [2, 'deployed', 'webapp-0.2.0'],
      ],
    );
    const values = await mimt(['install', name, '--chart', chartVersion('0.2.0'), '--set', 'greeting=hi']);
    assert.match(values.stdout, /upgraded .*revision 3/);
  });

  it('installs a chart made by helm create, under the strict profile with a quota and an owner', async () => {
    const name = tenant('strict');
    const dir = mkdtempSync(path.join(tmpdir(), 'mimt-created-'));
    await helm(['create', path.join(dir, 'made')]);
    const result = await mimt([
      'install',
      name,
      '--chart',
      path.join(dir, 'made'),
      '--profile',
      'none',
      '--quota',
      'cpu=3,pods=9',
      '--owner',
      'group:acme-admins',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const binding = await kubectlJson<{ roleRef: { name: string }; subjects: { kind: string; name: string }[] }>([
      'get',
      'rolebinding',
      'mimt-owner',
      '-n',
      name,
    ]);
    assert.equal(binding.roleRef.name, 'admin');
    assert.deepEqual(
      binding.subjects.map((s) => [s.kind, s.name]),
      [['Group', 'acme-admins']],
    );

    const strict = tenant('strict');
    const strictRun = await mimt([
      'install',
      strict,
      '--chart',
      EXAMPLE_CHART,
      '--profile',
      'strict',
      '--quota',
      'cpu=3',
      '--wait',
    ]);
    assert.equal(strictRun.exitCode, 0, strictRun.stderr);
    const quota = await kubectlJson<{ spec: { hard: Record<string, string> } }>([
      'get',
      'resourcequota',
      'mimt-quota',
      '-n',
      strict,
    ]);
    assert.equal(quota.spec.hard['requests.cpu'], '3');
    assert.equal(quota.spec.hard['services.loadbalancers'], '0');
    const egress = await kubectl(['get', 'networkpolicy', 'mimt-restrict-egress', '-n', strict, '-o', 'name']);
    assert.match(egress.stdout, /mimt-restrict-egress/);
  });

  it('removes everything it created when Helm fails, and says why in Helm words', async () => {
    const name = tenant('fail');
    const result = await mimt(['install', name, '--chart', EXAMPLE_CHART, '--set', 'service.port=0']);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `error: install of tenant "${name}" failed: helm upgrade failed: .*spec.ports\\[0\\].port: Invalid value: 0`,
      ),
    );
    assert.match(result.stderr, /everything this run created was removed/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.ok(await namespaceGone(name), 'the namespace is gone');
  });

  it('keeps a namespace that existed before when an upgrade fails, and puts back what it changed', async () => {
    const name = tenant('keep');
    assert.equal((await mimt(['install', name, '--chart', EXAMPLE_CHART])).exitCode, 0);
    const failed = await mimt([
      'install',
      name,
      '--chart',
      EXAMPLE_CHART,
      '--set',
      'service.port=0',
      '--profile',
      'strict',
    ]);
    assert.equal(failed.exitCode, 1);
    assert.match(failed.stderr, /what this run changed was put back as it was/);
    assert.equal(await namespaceGone(name), false);
    const history = await helmRevisions(name);
    assert.equal(history.at(-1)?.status, 'deployed', 'the failed upgrade was rolled back');
    // The namespace and the policy are the standard profile's again, as the release is.
    const ns = await kubectlJson<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> } }>(
      ['get', 'namespace', name],
    );
    assert.equal(ns.metadata.annotations['mimt.io/profile'], 'standard');
    assert.equal(ns.metadata.labels['pod-security.kubernetes.io/enforce'], 'baseline');
    const quota = await kubectlJson<{ spec: { hard: Record<string, string> } }>([
      'get',
      'resourcequota',
      'mimt-quota',
      '-n',
      name,
    ]);
    assert.equal(quota.spec.hard['services.loadbalancers'], undefined);
    const policies = await kubectl(['get', 'networkpolicies', '-n', name, '-o', 'name']);
    assert.doesNotMatch(policies.stdout, /mimt-restrict-egress/);
  });

  it('lets one of two concurrent installs of a tenant win; the other fails clearly and leaves no debris', async () => {
    const name = tenant('race');
    const [a, b] = await Promise.all([
      mimt(['install', name, '--chart', EXAMPLE_CHART, '--wait']),
      mimt(['install', name, '--chart', EXAMPLE_CHART, '--wait']),
    ]);
    const outcomes = [a, b].map((r) => r.exitCode).sort();
    const loser = a.exitCode === 0 ? b : a;
    if (outcomes[1] === 0) {
      // The second one came after the first had finished: a re-run, which changes nothing.
      assert.match(loser.stdout, /unchanged/);
    } else {
      assert.deepEqual(outcomes, [0, 1]);
      assert.match(loser.stderr, /another install of (this )?tenant .*is running/);
    }
    assert.deepEqual(
      (await helmRevisions(name)).map((r) => [r.revision, r.status]),
      [[1, 'deployed']],
    );
    const leases = await kubectl(['get', 'leases', '-n', name, '-o', 'name']);
    assert.equal(leases.stdout.trim(), '', 'no install lock is left behind');
  });

  it('prints a plan with --dry-run and changes nothing', async () => {
    const name = tenant('dry');
    const result = await mimt(['install', name, '--chart', EXAMPLE_CHART, '--dry-run']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /nothing was changed/);
    assert.match(result.stdout, /apply ResourceQuota\/mimt-quota/);
    assert.match(result.stdout, new RegExp(`Deployment/${name}-web`));
    assert.ok(await namespaceGone(name));
  });

  it('rejects bad input with one line, a non-zero exit and no change', async () => {
    const name = tenant('bad');
    const dir = mkdtempSync(path.join(tmpdir(), 'mimt-values-'));
    writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\n');
    const cases: [string[], number, RegExp][] = [
      [['install', 'Bad_Name', '--chart', EXAMPLE_CHART], 2, /invalid tenant name "Bad_Name"/],
      [['install', 'x'.repeat(54), '--chart', EXAMPLE_CHART], 2, /at most 53 characters/],
      [['install', name], 2, /--chart is required/],
      [
        ['install', name, '--chart', EXAMPLE_CHART, '-f', path.join(dir, 'missing.yaml')],
        2,
        /values file ".*missing.yaml" does not exist/,
      ],
      [
        ['install', name, '--chart', EXAMPLE_CHART, '-f', path.join(dir, 'broken.yaml')],
        2,
        /values file ".*broken.yaml" is not valid YAML/,
      ],
      [
        ['install', name, '--chart', EXAMPLE_CHART, '--set', 'novalue'],
        2,
        /invalid --set "novalue": expected key=value/,
      ],
      [
        ['install', name, '--chart', EXAMPLE_CHART, '--profile', 'paranoid'],
        2,
        /unknown profile "paranoid": use one of standard, strict, none/,
      ],
      [
        ['install', name, '--chart', EXAMPLE_CHART, '--quota', 'cpu=abc'],
        2,
        /invalid --quota "cpu=abc": "abc" is not a Kubernetes quantity/,
      ],
      [['install', name, '--chart', path.join(dir, 'no-such-chart')], 1, /helm show failed: .*no-such-chart/],
    ];
    for (const [args, code, message] of cases) {
      const result = await mimt(args);
      assert.equal(result.exitCode, code, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr.split('\n')[0] ?? '', message);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    }
    assert.ok(await namespaceGone(name), 'no namespace was created by any of them');
  });

  it('refuses to adopt a namespace that is not a tenant', async () => {
    const name = tenant('plain');
    await kubectl(['create', 'namespace', name]);
    const result = await mimt(['install', name, '--chart', EXAMPLE_CHART]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`namespace "${name}" exists and is not a mimt tenant`));
    const labels = await kubectlJson<{ metadata: { labels: Record<string, string> } }>(['get', 'namespace', name]);
    assert.equal(labels.metadata.labels['mimt.io/tenant'], undefined);
  });

  it('uninstalls only what mimt owns, after confirmation', async () => {
    const name = tenant('bye');
    assert.equal((await mimt(['install', name, '--chart', EXAMPLE_CHART])).exitCode, 0);
    const noTty = await mimt(['uninstall', name]);
    assert.equal(noTty.exitCode, 2);
    assert.match(noTty.stderr, /^error: --yes is required when not run from a terminal/);
    const dry = await mimt(['uninstall', name, '--dry-run']);
    assert.match(dry.stdout, /would be uninstalled \(dry run\): Helm release .*, namespace .* and everything in it/);
    assert.equal(await namespaceGone(name), false);

    const gone = await mimt(['uninstall', name, '--yes']);
    assert.equal(gone.exitCode, 0, gone.stderr);
    assert.ok(await namespaceGone(name));

    for (const [target, message] of [
      ['kube-system', /system namespace, never a tenant/],
      ['default', /system namespace/],
    ] as const) {
      const refused = await mimt(['uninstall', target, '--yes']);
      assert.equal(refused.exitCode, 1);
      assert.match(refused.stderr, message);
    }
    const plain = tenant('plainns');
    await kubectl(['create', 'namespace', plain]);
    const refused = await mimt(['uninstall', plain, '--yes']);
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /is not a mimt tenant/);
    assert.equal(await namespaceGone(plain), false);
  });

  it('keeps the namespace with --keep-namespace', async () => {
    const name = tenant('keepns');
    assert.equal((await mimt(['install', name, '--chart', EXAMPLE_CHART])).exitCode, 0);
    const result = await mimt(['uninstall', name, '--keep-namespace', '--yes']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(await namespaceGone(name), false);
    await waitFor('the release records to go', async () => {
      const secrets = await kubectl(['get', 'secrets', '-n', name, '-l', 'owner=helm', '-o', 'name']);
      return secrets.stdout.trim() === '' ? true : undefined;
    });
  });
});
