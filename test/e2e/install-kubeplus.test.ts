import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterEnv, kubectl, kubectlJson, uniqueName } from '../support/cluster.ts';
import { type KubePlusKind, registerKind, removeKind } from '../support/kubeplus.ts';
import { type StandInOperator, startStandInOperator } from '../support/kubeplus-operator.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

function specFile(spec: Record<string, unknown>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kubeplus-spec-')), 'spec.yaml');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('kubectl mimt install --kind (through KubePlus)', { timeout: 600_000 }, () => {
  let kind: KubePlusKind;
  let operator: StandInOperator;
  const tenants: string[] = [];
  const tenant = (prefix: string) => {
    const name = uniqueName(prefix);
    tenants.push(name);
    return name;
  };

  before(async () => {
    kind = await registerKind({ prefix: 'web', chartName: 'webapp' });
    operator = startStandInOperator(kind, EXAMPLE_CHART);
  });
  after(async () => {
    await operator.stop();
    await removeKind(kind);
    await deleteNamespaces(tenants);
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
    const instance = await kubectlJson<{ spec: { plan: string } }>([
      'get',
      `${kind.plural}.platformapi.kubeplus`,
      name,
      '-n',
      kind.namespace,
    ]);
    assert.equal(instance.spec.plan, 'gold');

    const again = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ replicaCount: 1, plan: 'gold' })]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^tenant/${name} unchanged \\(KubePlus ${kind.kind}`));

    const listed = await run(plugin('kubectl-mimt-ls'), [name, '--source', 'kubeplus', '-o', 'name'], {
      env: clusterEnv(),
    });
    assert.equal(listed.stdout, `tenant/${name}\n`);
  });

  it('reports the error KubePlus writes, and deletes the instance it created', async () => {
    const name = tenant('kpfail');
    const result = await mimt(['install', name, '--kind', kind.kind, '-f', specFile({ service: { port: 0 } })]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: KubePlus reports: .*port/m);
    const left = await kubectl(['get', `${kind.plural}.platformapi.kubeplus`, '-n', kind.namespace, '-o', 'name']);
    assert.doesNotMatch(left.stdout, new RegExp(`/${name}$`, 'm'));
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
    assert.match(result.stderr, new RegExp(`kubectl delete ${kind.kind.toLowerCase()} ${name} -n ${kind.namespace}`));
  });

  it('rejects flags of the Helm mode with --kind', async () => {
    const result = await mimt(['install', 'x', '--kind', kind.kind, '--chart', EXAMPLE_CHART]);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /--chart does not go with --kind/);
  });
});
