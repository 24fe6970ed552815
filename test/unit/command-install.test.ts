import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { FakeApi } from '../support/fake-api.ts';
import { plainNamespace, tenant, tenantNamespace, viewerOf } from '../support/fixtures.ts';
import { type FakeHelm, type HelmAnswers, fakeHelm, mimt } from '../support/in-process.ts';

/**
 * `kubectl mimt install` and `uninstall` from argv to what they print, against the fake API server
 * and a fake helm that records its argument arrays: what they refuse, they refuse before any change.
 */

async function run(
  command: 'install' | 'uninstall',
  args: string[],
  objects: KubeObject[],
  answers: HelmAnswers = {},
): Promise<{ result: Awaited<ReturnType<typeof mimt>>; api: FakeApi; helm: FakeHelm }> {
  const api = await FakeApi.start(objects);
  const helm = fakeHelm(answers);
  try {
    const result = await mimt(command, args, { kubeconfig: api.kubeconfig(), path: [helm.dir] });
    return { result, api, helm };
  } finally {
    await api.close();
  }
}

const helmVerbs = (helm: FakeHelm): string[] => helm.calls().map((args) => args.slice(0, 2).join(' '));

describe('install', () => {
  it('--dry-run prints the plan from helm template and changes nothing', async () => {
    const { result, api, helm } = await run('install', ['acme', '--chart', './webapp', '--dry-run'], []);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'tenant/acme (dry run): nothing was changed; an install would',
        '  create or adopt Namespace/acme',
        '  apply NetworkPolicy/mimt-same-namespace-ingress',
        '  apply ResourceQuota/mimt-quota',
        '  apply LimitRange/mimt-limits',
        '  helm upgrade --install acme webapp 1.2.0:',
        '    Service/web',
        '    Deployment/web',
        '',
      ].join('\n'),
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helm.calls(), [
      ['show', 'chart', './webapp'],
      ['template', 'acme', './webapp', '--namespace', 'acme'],
    ]);
  });

  it('--dry-run -o json is a TenantPlan with the namespace it would make', async () => {
    const { result } = await run(
      'install',
      ['acme', '--chart', './webapp', '--dry-run', '--profile', 'strict', '-o', 'json'],
      [],
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { kind: string; objects: KubeObject[]; manifest: string[] };
    assert.equal(plan.kind, 'TenantPlan');
    assert.deepEqual(plan.manifest, ['Service/web', 'Deployment/web']);
    const [namespace] = plan.objects;
    assert.equal(namespace?.kind, 'Namespace');
    const labels = namespace?.metadata.labels ?? {};
    assert.equal(labels['mimt.io/tenant'], 'acme');
    assert.equal(labels['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  it('refuses a namespace that is not a tenant, before any change and before helm installs', async () => {
    const { result, api, helm } = await run('install', ['other', '--chart', './webapp'], [plainNamespace('other')]);
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      'error: namespace "other" exists and is not a mimt tenant\n' +
        'mimt adopts only namespaces that carry its mimt.io/tenant label; pick another tenant name\n',
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helmVerbs(helm), ['show chart']);
  });

  it('refuses a tenant whose namespace is being deleted, before any change', async () => {
    const going = tenantNamespace('acme');
    going.metadata.deletionTimestamp = new Date().toISOString();
    const { result, api } = await run('install', ['acme', '--chart', './webapp'], [going]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: namespace "acme" is being deleted\n/);
    assert.deepEqual(api.writes(), []);
  });

  it('refuses bad input before any request or helm call', async () => {
    for (const args of [
      ['Acme', '--chart', './webapp'],
      ['acme'],
      ['acme', '--chart', './webapp', '--quota', 'cpu=lots'],
      ['acme', '--chart', './webapp', '-f', '/nonexistent/values.yaml'],
    ]) {
      const { result, api, helm } = await run('install', args, []);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^error: /);
      assert.equal(api.requests.length, 0, args.join(' '));
      assert.deepEqual(helm.calls(), []);
    }
  });

  it('installs: namespace with the tenancy record, lock, policy, then helm upgrade --install', async () => {
    const { result, api, helm } = await run('install', ['acme', '--chart', './webapp', '--profile', 'strict'], []);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'tenant/acme installed (webapp 1.2.0, profile strict)\n');
    const namespace = api.get('Namespace', undefined, 'acme');
    assert.equal(namespace?.metadata.labels?.['app.kubernetes.io/managed-by'], 'kubectl-mimt');
    assert.equal(namespace?.metadata.annotations?.['mimt.io/chart-version'], '1.2.0');
    assert.equal(namespace?.metadata.annotations?.['mimt.io/profile'], 'strict');
    assert.ok(namespace?.metadata.annotations?.['mimt.io/install-fingerprint']);
    assert.deepEqual(
      api
        .all('NetworkPolicy', 'acme')
        .map((o) => o.metadata.name)
        .sort(),
      ['mimt-restrict-egress', 'mimt-same-namespace-ingress'],
    );
    // The install lock was taken and given back.
    assert.equal(api.made({ method: 'POST', path: /\/leases$/ }).length, 1);
    assert.deepEqual(api.all('Lease', 'acme'), []);
    assert.deepEqual(helm.calls(), [
      ['show', 'chart', './webapp'],
      ['upgrade', '--install', 'acme', './webapp', '--namespace', 'acme', '--timeout', '300s'],
    ]);
  });

  it('a failed helm install removes what the run created and says so', async () => {
    const { result, api } = await run('install', ['acme', '--chart', './webapp'], [], {
      upgrade: { stderr: 'Error: INSTALLATION FAILED: image pull secret missing\n', exit: 1 },
    });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      /^error: install of tenant "acme" failed: helm upgrade failed: INSTALLATION FAILED: image pull secret missing\neverything this run created was removed\n$/m,
    );
    assert.equal(api.get('Namespace', undefined, 'acme'), undefined);
    assert.deepEqual(api.all('NetworkPolicy', 'acme'), []);
  });

  it('a failed upgrade puts the namespace record and the policy objects back as they were', async () => {
    const api = await FakeApi.start(tenant('acme'));
    const kubeconfig = api.kubeconfig();
    const state = () => ({
      labels: api.get('Namespace', undefined, 'acme')?.metadata.labels,
      annotations: api.get('Namespace', undefined, 'acme')?.metadata.annotations,
      policy: ['NetworkPolicy', 'ResourceQuota', 'LimitRange']
        .flatMap((kind) => api.all(kind, 'acme'))
        .map((o) => [`${o.kind}/${o.metadata.name}`, o.spec])
        .sort(),
    });
    try {
      const installed = await mimt('install', ['acme', '--chart', './webapp'], { kubeconfig, path: [fakeHelm().dir] });
      assert.equal(installed.exitCode, 0, installed.stderr);
      const before = state();
      const helm = fakeHelm({
        'show chart': { stdout: 'name: webapp\nversion: 1.3.0\n' },
        upgrade: { stderr: 'Error: UPGRADE FAILED: timed out waiting for the condition\n', exit: 1 },
      });
      const args = ['acme', '--chart', './webapp', '--version', '1.3.0', '--profile', 'strict', '--quota', 'cpu=8'];
      const failed = await mimt('install', args, { kubeconfig, path: [helm.dir] });
      assert.equal(failed.exitCode, 1);
      assert.match(failed.stderr, /^error: install of tenant "acme" failed: helm upgrade failed: UPGRADE FAILED/m);
      assert.match(failed.stderr, /^what this run changed was put back as it was$/m);
      assert.deepEqual(state(), before);
      const listed = await mimt('ls', ['-o', 'name'], { kubeconfig });
      assert.equal(listed.stdout, 'tenant/acme\n');
      const version = await mimt('ls', [], { kubeconfig });
      assert.match(version.stdout, /^acme\s+acme\s+mimt\s+webapp\s+1\.2\.0\s/m);
    } finally {
      await api.close();
    }
  });

  it('a first install into a new namespace lists no policy objects before applying them', async () => {
    const { result, api } = await run('install', ['acme', '--chart', './webapp'], []);
    assert.equal(result.exitCode, 0, result.stderr);
    // Nothing can be there yet: the namespace is new and the install holds its lock.
    const owned = api.made({
      method: 'GET',
      query: { labelSelector: 'app.kubernetes.io/managed-by=kubectl-mimt,mimt.io/policy' },
      path: /./,
    });
    assert.deepEqual(owned, []);
    assert.equal(api.requests.length, 14);
  });
});

describe('uninstall', () => {
  it('refuses a system namespace without asking the cluster', async () => {
    const { result, api, helm } = await run('uninstall', ['kube-system', '--yes'], []);
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      'error: refusing to uninstall "kube-system": it is a system namespace, never a tenant\n',
    );
    assert.equal(api.requests.length, 0);
    assert.deepEqual(helm.calls(), []);
  });

  it('refuses a namespace without the tenant labels: nothing deleted, helm not run', async () => {
    const { result, api, helm } = await run('uninstall', ['other', '--yes'], [plainNamespace('other')]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: refusing to uninstall "other": namespace "other" is not a mimt tenant\n/);
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helm.calls(), []);
  });

  it('refuses a namespace with only one of the two tenant labels', async () => {
    const half = plainNamespace('half', { 'mimt.io/tenant': 'half', 'app.kubernetes.io/managed-by': 'Helm' });
    const { result, api } = await run('uninstall', ['half', '--yes'], [half]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /is not a mimt tenant/);
    assert.deepEqual(api.writes(), []);
  });

  it('refuses a KubePlus instance and says how KubePlus removes it', async () => {
    const { result, api } = await run('uninstall', ['kp', '--yes'], [plainNamespace('kp', { managedby: 'kubeplus' })]);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      /^error: refusing to uninstall "kp": it is a KubePlus instance, which KubePlus removes\n/,
    );
    assert.deepEqual(api.writes(), []);
  });

  it('without a terminal it needs --yes, and changes nothing', async () => {
    const { result, api, helm } = await run('uninstall', ['acme'], tenant('acme'));
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: --yes is required when not run from a terminal\nnothing was changed/);
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helm.calls(), []);
  });

  it('--dry-run says what would go, and nothing goes', async () => {
    const { result, api, helm } = await run('uninstall', ['acme', '--dry-run'], tenant('acme'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      'tenant/acme would be uninstalled (dry run): Helm release acme, namespace acme and everything in it\n',
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helm.calls(), []);
  });

  it('--yes runs helm uninstall, then deletes the namespace it read, by uid', async () => {
    const { result, api, helm } = await run('uninstall', ['acme', '--yes'], tenant('acme'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'tenant/acme uninstalled: Helm release acme, namespace acme and everything in it\n');
    assert.deepEqual(helm.calls(), [['uninstall', 'acme', '--namespace', 'acme', '--wait', '--timeout', '120s']]);
    const [deleted] = api.writes();
    assert.equal(deleted?.method, 'DELETE');
    assert.equal(deleted?.path, '/api/v1/namespaces/acme');
    assert.ok((deleted?.body as { preconditions?: { uid?: string } }).preconditions?.uid);
    assert.equal(api.get('Namespace', undefined, 'acme'), undefined);
  });

  it('--keep-namespace removes the release only', async () => {
    const { result, api, helm } = await run('uninstall', ['acme', '--yes', '--keep-namespace'], tenant('acme'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(helmVerbs(helm), ['uninstall acme']);
    assert.deepEqual(api.writes(), []);
  });

  it("the view user's uninstall fails on the cluster's refusal, not before asking it", async () => {
    const api = await FakeApi.start(tenant('acme'));
    api.limitUser('acme-viewer', viewerOf('acme'));
    const helm = fakeHelm();
    try {
      const result = await mimt('uninstall', ['acme', '--yes'], {
        kubeconfig: api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' }),
        path: [helm.dir],
      });
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /^error: forbidden: .*secrets/);
      assert.deepEqual(helm.calls(), []);
    } finally {
      await api.close();
    }
  });
});
