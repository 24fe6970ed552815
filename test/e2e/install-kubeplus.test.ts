import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_BIN, apply, clusterEnv, helm, kubectl, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { type KubePlusKind, kubePlusHome, registerKind, removeKind, setChartURL } from '../support/kubeplus.ts';
import { type StandInOperator, startStandInOperator } from '../support/kubeplus-operator.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

function specFile(spec: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubeplus-spec-')), 'spec.yaml');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

interface TenantDoc {
  spec: { namespace: string; chart: string | null; chartVersion: string | null; release: string };
  status: { phase: string; reason?: string; release: { revision: number } | null; problems?: string[] };
}

async function tenantJson(name: string): Promise<TenantDoc> {
  const result = await mimt(['ls', name, '--source', 'kubeplus', '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout) as TenantDoc;
}

async function helmValues(release: string, namespace: string): Promise<Record<string, unknown>> {
  return JSON.parse((await helm(['get', 'values', release, '-n', namespace, '-o', 'json'])).stdout) ?? {};
}

/** The example chart under another version, as a provider would publish an upgrade. */
function chartVersion(version: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kubeplus-chart-')), 'webapp');
  cpSync(EXAMPLE_CHART, dir, { recursive: true });
  const chartYaml = path.join(dir, 'Chart.yaml');
  writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, `version: ${version}`));
  return dir;
}

/** Sets up KubePlus's own namespace, a Kind whose schema comes from the chart, and the operator's double. */
async function kubePlusSetup(prefix: string, chartOf: (chartURL: string) => string) {
  const home = await kubePlusHome(`${prefix.toLowerCase()}-kubeplus`);
  const kind = await registerKind({ prefix, chartName: 'webapp', namespace: home, chart: EXAMPLE_CHART });
  const operator = await startStandInOperator(kind, chartOf);
  return { home, kind, operator };
}

describe('kubectl mimt install --kind (through KubePlus)', { timeout: 900_000 }, () => {
  let home: string;
  let kind: KubePlusKind;
  let operator: StandInOperator;
  const tenants: string[] = [];
  const tenant = (prefix: string) => {
    const name = uniqueName(prefix);
    tenants.push(name);
    return name;
  };
  const instances = () => `${kind.plural}.platformapi.kubeplus`;

  before(async () => {
    ({ home, kind, operator } = await kubePlusSetup('web', () => EXAMPLE_CHART));
  });
  after(async () => {
    await operator.stop();
    await removeKind(kind);
    await deleteNamespaces([...tenants, home]);
  });

  it('creates an instance of the Kind, waits for KubePlus, and reports the tenant', async () => {
    const name = tenant('kp');
    const result = await mimt([
      'install',
      name,
      '--kind',
      kind.kind,
      '-f',
      specFile({ replicaCount: 1, plan: 'gold' }),
      '-o',
      'json',
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    const doc = JSON.parse(result.stdout);
    assert.equal(doc.spec.source, 'kubeplus');
    assert.equal(doc.spec.kind, kind.kind);
    assert.equal(doc.spec.namespace, name);
    assert.equal(doc.spec.release, `${kind.kind.toLowerCase()}-${name}`);
    const instance = await kubectlJson<{ spec: { plan: string } }>(['get', instances(), name, '-n', home]);
    assert.equal(instance.spec.plan, 'gold');

    const again = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1, plan: 'gold' })]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^tenant/${name} unchanged \\(KubePlus ${kind.kind}`));

    const listed = await run(plugin('kubectl-mimt-ls'), [name, '--source', 'kubeplus', '-o', 'name'], {
      env: clusterEnv(),
    });
    assert.equal(listed.stdout, `tenant/${name}\n`);
  });

  it('shows the chart version a KubePlus tenant runs, from its Helm release', async () => {
    const name = tenant('kpver');
    assert.equal((await mimt(['install', name, '--kind', kind.kind])).exitCode, 0);
    const doc = await tenantJson(name);
    assert.equal(doc.spec.chart, 'webapp');
    assert.equal(doc.spec.chartVersion, '0.1.0');
    const table = await mimt(['ls', '--source', 'kubeplus']);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`${name} `));
    assert.deepEqual(row?.split(/\s+/).slice(3, 5), ['webapp', '0.1.0']);
  });

  it('updates an instance so that KubePlus upgrades the release, and only then says unchanged', async () => {
    const name = tenant('kpupd');
    const release = `${kind.kind.toLowerCase()}-${name}`;
    assert.equal((await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1 })])).exitCode, 0);
    const update = await mimt([
      'install',
      name,
      '--kind',
      kind.kind,
      '-f',
      specFile({ replicaCount: 3 }),
      '--timeout',
      '45s',
    ]);
    assert.equal(update.exitCode, 0, update.stderr);
    assert.match(update.stdout, new RegExp(`^tenant/${name} updated `));
    assert.deepEqual(await helmValues(release, name), { replicaCount: 3 });
    assert.equal((await tenantJson(name)).status.release?.revision, 2);
    const instance = await kubectlJson<{ metadata: { labels?: Record<string, string> } }>([
      'get',
      instances(),
      name,
      '-n',
      home,
    ]);
    assert.equal(instance.metadata.labels?.['created-by'], 'kubeplus', 'KubePlus marked the object again');

    const again = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 3 })]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^tenant/${name} unchanged `));
    assert.equal((await tenantJson(name)).status.release?.revision, 2);
  });

  it('updates an instance whose last update KubePlus skipped, since Helm runs other values', async () => {
    const name = tenant('kpskip');
    const release = `${kind.kind.toLowerCase()}-${name}`;
    assert.equal((await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1 })])).exitCode, 0);
    // What an update that kept the created-by label leaves: the spec changed, the release did not.
    await kubectl(['patch', instances(), name, '-n', home, '--type=merge', '-p', '{"spec":{"replicaCount":2}}']);
    const result = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 2 })]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^tenant/${name} updated `));
    assert.deepEqual(await helmValues(release, name), { replicaCount: 2 });
  });

  it('reports the Helm error KubePlus writes into status.helmrelease, and deletes the instance it created', async () => {
    const name = tenant('kpfail');
    const result = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ service: { port: 0 } })]);
    assert.equal(result.exitCode, 1, result.stdout);
    assert.match(result.stderr, /^error: KubePlus reports: Error: INSTALLATION FAILED: .*port/m);
    assert.doesNotMatch(result.stdout, /created/);
    const left = await kubectl(['get', instances(), '-n', home, '-o', 'name']);
    assert.doesNotMatch(left.stdout, new RegExp(`/${name}$`, 'm'));
  });

  it("lists an instance whose install failed as Failed, with Helm's error", async () => {
    const name = tenant('kpbad');
    await apply(
      JSON.stringify({
        apiVersion: 'platformapi.kubeplus/v1alpha1',
        kind: kind.kind,
        metadata: { name, namespace: home },
        spec: { service: { port: 0 } },
      }),
    );
    await waitFor('KubePlus to write its verdict', async () => {
      const instance = await kubectlJson<{ status?: { helmrelease?: string } }>(['get', instances(), name, '-n', home]);
      return instance.status?.helmrelease ? true : undefined;
    });
    const doc = await tenantJson(name);
    assert.equal(doc.status.phase, 'Failed');
    assert.match(doc.status.reason ?? '', /^KubePlus reports: Error: INSTALLATION FAILED/);
    await kubectl(['delete', instances(), name, '-n', home, '--wait=false']);
  });

  it('checks a dry run without sending it, since KubePlus would deploy it', async () => {
    const name = tenant('kpdry');
    const result = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 2 }), '--dry-run']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /\(dry run\): .*KubePlus would install it; nothing was sent/);
    assert.deepEqual(
      operator.admissions.filter((a) => a.name === name),
      [],
      'the KubePlus webhook saw no request',
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const namespace = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', name], { env: clusterEnv() });
    assert.notEqual(namespace.exitCode, 0, 'no namespace was created');
  });

  it("refuses in a dry run what the Kind's schema or KubePlus's name rules refuse", async () => {
    const wrongType = await mimt([
      'install',
      tenant('kpdry'),
      '--kind',
      kind.kind,
      '--dry-run',
      '-f',
      specFile({ replicaCount: 'two' }),
    ]);
    assert.equal(wrongType.exitCode, 2);
    assert.match(
      wrongType.stderr,
      /^error: the spec does not fit Kind \w+: spec.replicaCount: must be integer, not string/,
    );
    const unknown = await mimt([
      'install',
      tenant('kpdry'),
      '--kind',
      kind.kind,
      '--dry-run',
      '-f',
      specFile({ replicas: 2 }),
    ]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /spec.replicas: not in the schema/);
    const allowed = 30 - kind.kind.length - 1;
    const long = await mimt(['install', 'a'.repeat(allowed + 1), '--kind', kind.kind, '--dry-run']);
    assert.equal(long.exitCode, 2);
    assert.match(long.stderr, new RegExp(`KubePlus allows at most ${allowed} characters`));
    const taken = tenant('kpt');
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: taken,
          labels: { managedby: 'kubeplus' },
          annotations: { 'meta.helm.sh/release-name': `"otherservice-${taken}"` },
        },
      }),
    );
    const clash = await mimt(['install', taken, '--kind', kind.kind, '--dry-run']);
    assert.equal(clash.exitCode, 1);
    assert.match(
      clash.stderr,
      new RegExp(`tenant name "${taken}" is taken: its namespace holds the KubePlus release "otherservice-${taken}"`),
    );
    assert.deepEqual(
      operator.admissions.filter((a) => a.dryRun),
      [],
      'nothing reached the webhook',
    );
  });

  it("lists no tenant for KubePlus's own namespace and says what it is with -o wide", async () => {
    const json = await mimt(['ls', '-o', 'json']);
    assert.equal(json.exitCode, 0, json.stderr);
    const names = (JSON.parse(json.stdout) as { items: { metadata: { name: string } }[] }).items.map(
      (i) => i.metadata.name,
    );
    assert.ok(!names.includes(home), `${home} is not a tenant`);
    const wide = await mimt(['ls', '-o', 'wide']);
    assert.equal(wide.exitCode, 0, wide.stderr);
    assert.doesNotMatch(wide.stdout + wide.stderr, /undefined|NaN|\[object Object\]/);
    assert.match(wide.stderr, new RegExp(`note: KubePlus runs in namespace [^\\n]*"${home}"`));
    const metrics = await mimt(['metrics', '-o', 'json']);
    assert.equal(metrics.exitCode, 0, metrics.stderr);
    assert.doesNotMatch(metrics.stdout, new RegExp(`"name": "${home}"`), "its pods are nobody's usage");
  });

  it('says plainly when the Kind is not registered', async () => {
    const result = await mimt(['install', tenant('kpnone'), '--kind', 'NoSuchService']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: Kind "NoSuchService" is not registered by KubePlus\nregistered Kinds: .*/);
  });

  it('refuses to uninstall a KubePlus instance and says how KubePlus removes it', async () => {
    const name = tenant('kpkeep');
    assert.equal((await mimt(['install', name, '--kind', kind.kind])).exitCode, 0);
    const result = await mimt(['uninstall', name, '--yes']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /it is a KubePlus instance, which KubePlus removes/);
    assert.match(result.stderr, new RegExp(`kubectl delete ${kind.kind.toLowerCase()} ${name} -n ${home}`));
  });

  it('rejects flags of the Helm mode with --kind', async () => {
    const result = await mimt(['install', 'x', '--kind', kind.kind, '--chart', EXAMPLE_CHART]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /--chart does not go with --kind/);
  });
});

describe('KubePlus upgrades every instance when the chart of its Kind changes', { timeout: 600_000 }, () => {
  let home: string;
  let kind: KubePlusKind;
  let operator: StandInOperator;
  const name = uniqueName('kc');
  const newer = chartVersion('0.2.0');

  before(async () => {
    ({ home, kind, operator } = await kubePlusSetup('Chart', (url) =>
      url.endsWith('-0.2.0.tgz') ? newer : EXAMPLE_CHART,
    ));
    assert.equal((await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1 })])).exitCode, 0);
    await setChartURL(kind, 'file:///webapp-0.2.0.tgz');
    await waitFor('KubePlus to upgrade the instance', async () => {
      const instance = await kubectlJson<{ status?: { error?: string } }>([
        'get',
        `${kind.plural}.platformapi.kubeplus`,
        name,
        '-n',
        home,
      ]);
      return instance.status?.error ? instance.status.error : undefined;
    });
  });
  after(async () => {
    await operator.stop();
    await removeKind(kind);
    await deleteNamespaces([name, home]);
  });

  it("takes Helm's success text in status.error for no error, and shows the new version", async () => {
    const instance = await kubectlJson<{ status: { error: string } }>([
      'get',
      `${kind.plural}.platformapi.kubeplus`,
      name,
      '-n',
      home,
    ]);
    assert.match(instance.status.error, /has been upgraded\. Happy Helming!/, 'what KubePlus writes');
    const ls = await mimt(['ls', '--source', 'kubeplus']);
    assert.equal(ls.exitCode, 0);
    assert.doesNotMatch(ls.stderr, new RegExp(`warning: tenant ${name}`));
    const doc = await tenantJson(name);
    assert.equal(doc.status.problems, undefined);
    assert.equal(doc.status.phase, 'Ready');
    assert.equal(doc.spec.chartVersion, '0.2.0');
    assert.equal(doc.status.release?.revision, 2);
  });

  it('says unchanged for the same spec after the upgrade', async () => {
    const again = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1 })]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^tenant/${name} unchanged `));
  });
});
