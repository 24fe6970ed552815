import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { FakeApi } from '../support/fake-api.ts';
import { plainNamespace, tenant, tenantNamespace, viewerOf } from '../support/fixtures.ts';
import { type FakeHelm, type HelmAnswers, fakeHelm, mimt, webappTemplate } from '../support/in-process.ts';

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

/** helm's first words per call; install's first two calls run side by side, so their order is the processes'. */
const helmVerbs = (helm: FakeHelm): string[] => {
  const verbs = helm.calls().map((args) => args.slice(0, 2).join(' '));
  return verbs[0] === 'show chart' || verbs[1] === 'show chart'
    ? [...verbs.slice(0, 2).sort(), ...verbs.slice(2)]
    : verbs;
};
const errorLine = (stderr: string): string | undefined => stderr.split('\n').find((line) => line.startsWith('error: '));

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
        '  pre-flight:',
        '    pods not checked: namespace acme does not exist yet, and a dry-run create of it stores nothing, so the ' +
          'API server cannot be asked about pods in it; the install asks it about the 1 pod templates ' +
          '(Pod Security "baseline", the quota and the LimitRange of profile standard) once the namespace and its ' +
          'policy exist, before Helm runs',
        '',
      ].join('\n'),
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helm.calls().sort(), [
      ['show', 'chart', './webapp'],
      ['template', 'acme', './webapp', '--namespace', 'acme', '--include-crds'],
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
        'pick another tenant name, or make the Helm release in it a tenant: kubectl mimt adopt other\n',
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template other']);
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
    assert.equal(result.stdout, 'tenant/acme installed (webapp 1.2.0, revision 1, profile strict)\n');
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
    // The pre-flight: the chart rendered, then its one pod template offered to the API server as a dry run.
    const calls = helm.calls();
    assert.deepEqual(calls.slice(0, 2).sort(), [
      ['show', 'chart', './webapp'],
      ['template', 'acme', './webapp', '--namespace', 'acme', '--include-crds'],
    ]);
    assert.deepEqual(calls.slice(2), [
      ['upgrade', '--install', 'acme', './webapp', '--namespace', 'acme', '--timeout', '300s', '--output', 'json'],
    ]);
    const dryRuns = api.made({ method: 'POST', path: '/api/v1/namespaces/acme/pods' });
    assert.equal(dryRuns.length, 1);
    assert.equal(dryRuns[0]?.query.dryRun, 'All');
    assert.deepEqual(api.all('Pod', 'acme'), []);
    assert.match(result.stderr, /^pre-flight: the API server admits the pods of all 1 pod templates$/m);
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
    // 8 for the install itself (the namespace read and created, lock, 3 policy applies, record, lock
    // release) and 1 dry-run pod create: the line it prints needs no more.
    assert.equal(api.requests.length, 9);
  });

  it('with -o json, reads the tenant back to print it as installed', async () => {
    const { result, api } = await run('install', ['acme', '--chart', './webapp', '-o', 'json'], []);
    assert.equal(result.exitCode, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as {
      kind: string;
      metadata: { name: string };
      spec: { namespace: string };
    };
    assert.equal(printed.kind, 'Tenant');
    assert.equal(printed.metadata.name, 'acme');
    assert.equal(printed.spec.namespace, 'acme');
    // The 9 of the install, then 2 to find the tenant and 7 lists in its namespace.
    assert.equal(api.requests.length, 18);
  });
});

describe('install: the pre-flight and the lock', () => {
  /** A chart whose pods set no securityContext: they run as root and may escalate privileges. */
  const rootChart: HelmAnswers = { template: { stdout: webappTemplate({ pod: {}, container: {} }) } };
  const REFUSAL =
    'pods of Deployment web would be rejected by Pod Security "restricted": ' +
    'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
    'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
    'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
    'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

  it('pods the new namespace would refuse fail the install before helm upgrade, and nothing is left', async () => {
    const { result, api, helm } = await run(
      'install',
      ['acme', '--chart', './webapp', '--profile', 'strict'],
      [],
      rootChart,
    );
    assert.equal(result.exitCode, 1);
    assert.equal(
      errorLine(result.stderr),
      `error: install of tenant "acme" failed: the chart's pods would not be admitted under profile strict: ${REFUSAL}`,
    );
    assert.match(result.stderr, /--profile standard/);
    assert.match(result.stderr, /everything this run created was removed\n$/);
    // The API server was asked (a dry run, refused) and helm never installed anything.
    const dryRuns = api.made({ method: 'POST', path: '/api/v1/namespaces/acme/pods' });
    assert.deepEqual(
      dryRuns.map((r) => r.query.dryRun),
      ['All'],
    );
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme']);
    assert.equal(api.get('Namespace', undefined, 'acme'), undefined);
    for (const kind of ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'Lease', 'Pod']) {
      assert.deepEqual(api.all(kind), [], kind);
    }
  });

  it('the same pods are admitted under profile standard (Pod Security baseline)', async () => {
    const { result, helm } = await run('install', ['acme', '--chart', './webapp'], [], rootChart);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme', 'upgrade --install']);
  });

  /** A chart shaped like a public operator's: a CRD, and cluster-wide read of Secrets for its ServiceAccount. */
  const operatorChart: HelmAnswers = {
    template: {
      stdout: [
        webappTemplate(),
        '---',
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: {name: gadgets.example.test}',
        'spec: {group: example.test, scope: Namespaced, names: {kind: Gadget, plural: gadgets}}',
        '---',
        'apiVersion: scheduling.k8s.io/v1',
        'kind: PriorityClass',
        'metadata: {name: acme-high}',
        'value: 1000',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRole',
        'metadata: {name: acme-operator}',
        'rules: [{apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}]',
        '---',
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        'metadata: {name: acme-operator}',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: acme-operator}',
        'subjects: [{kind: ServiceAccount, name: web, namespace: acme}]',
        '',
      ].join('\n'),
    },
  };
  const GRANT =
    'ClusterRoleBinding acme-operator gives ServiceAccount acme/web ClusterRole acme-operator in every namespace: ' +
    'get, list, watch secrets';

  it('refuses under strict, before any change, a chart that grants the tenant rights in every namespace', async () => {
    const { result, api, helm } = await run(
      'install',
      ['acme', '--chart', './webapp', '--profile', 'strict'],
      [],
      operatorChart,
    );
    assert.equal(result.exitCode, 1);
    assert.equal(
      errorLine(result.stderr),
      `error: install of tenant "acme" refused: the chart would give the tenant rights outside its namespace, ` +
        `which profile strict does not allow: ${GRANT}`,
    );
    assert.match(result.stderr, /--profile standard with --allow-cluster-access; nothing was changed\n$/);
    assert.match(
      result.stderr,
      /^pre-flight: cluster-scoped objects of the chart: CustomResourceDefinition gadgets.example.test, PriorityClass acme-high, ClusterRole acme-operator, ClusterRoleBinding acme-operator$/m,
    );
    assert.deepEqual(api.writes(), []);
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme']);
  });

  it('refuses the same chart under standard unless --allow-cluster-access, and with it says what it grants', async () => {
    const refused = await run('install', ['acme', '--chart', './webapp'], [], operatorChart);
    assert.equal(refused.result.exitCode, 1);
    assert.equal(
      errorLine(refused.result.stderr),
      `error: install of tenant "acme" refused: the chart would give the tenant rights outside its namespace, ` +
        `which profile standard does not allow without --allow-cluster-access: ${GRANT}`,
    );
    assert.deepEqual(refused.api.writes(), []);

    const allowed = await run('install', ['acme', '--chart', './webapp', '--allow-cluster-access'], [], operatorChart);
    assert.equal(allowed.result.exitCode, 0, allowed.result.stderr);
    assert.match(
      allowed.result.stderr,
      new RegExp(
        `^pre-flight: allowed by --allow-cluster-access, the tenant gets rights outside its namespace: ${GRANT}$`,
        'm',
      ),
    );
    assert.deepEqual(helmVerbs(allowed.helm), ['show chart', 'template acme', 'upgrade --install']);
  });

  it('names the rules of a ClusterRole the cluster already has, and a RoleBinding in another namespace', async () => {
    const chart: HelmAnswers = {
      template: {
        stdout: [
          webappTemplate(),
          '---',
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: RoleBinding',
          'metadata: {name: peek, namespace: billing}',
          'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
          'subjects: [{kind: Group, name: "system:serviceaccounts:acme"}]',
          '',
        ].join('\n'),
      },
    };
    const view: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'view' },
      rules: [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list'] }],
    };
    const { result, api } = await run('install', ['acme', '--chart', './webapp'], [view], chart);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^pre-flight: objects in other namespaces: RoleBinding billing\/peek$/m);
    assert.match(
      errorLine(result.stderr) ?? '',
      /: RoleBinding billing\/peek gives Group system:serviceaccounts:acme ClusterRole view in namespace billing: get, list pods, configmaps$/,
    );
    assert.deepEqual(api.writes(), []);
  });

  it('lists cluster-scoped objects that grant the tenant nothing, and installs', async () => {
    const chart: HelmAnswers = {
      template: {
        stdout: `${webappTemplate()}---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: acme-high}\nvalue: 1000\n`,
      },
    };
    const { result } = await run('install', ['acme', '--chart', './webapp', '--profile', 'strict'], [], chart);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /^pre-flight: cluster-scoped objects of the chart: PriorityClass acme-high$/m);
  });

  it('--allow-cluster-access goes with profile standard only, refused before any request', async () => {
    for (const profile of ['strict', 'none']) {
      const { result, api } = await run(
        'install',
        ['acme', '--chart', './webapp', '--profile', profile, '--allow-cluster-access'],
        [],
      );
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(errorLine(result.stderr) ?? '', /^error: --allow-cluster-access (does not go with|goes with)/);
      assert.equal(api.requests.length, 0);
    }
  });

  it('--dry-run of an existing tenant asks the API server about its pods there, and exits 1 on a refusal', async () => {
    const strictAcme = tenant('acme', {
      profile: 'strict',
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
    const { result, api, helm } = await run(
      'install',
      ['acme', '--chart', './webapp', '--profile', 'strict', '--dry-run'],
      strictAcme,
      rootChart,
    );
    assert.equal(result.exitCode, 1, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0] ?? '', /an install would be refused by its pre-flight \(below\); without that it would$/);
    assert.deepEqual(lines.slice(lines.indexOf('  pre-flight:')), [
      '  pre-flight:',
      "    pods of 1 of 1 pod templates refused by the namespace's policy (profile strict)",
      '  refused, before any change:',
      `    the chart's pods would not be admitted: ${REFUSAL}`,
      '',
    ]);
    // Only dry runs: the pod offered to the API server, nothing stored, helm only rendered.
    assert.deepEqual(
      api.writes().map((r) => `${r.method} ${r.path} ${r.query.dryRun}`),
      ['POST /api/v1/namespaces/acme/pods All'],
    );
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme']);
  });

  it('--dry-run says when it checks pods against the policy in force, not the one asked for', async () => {
    const { result } = await run(
      'install',
      ['acme', '--chart', './webapp', '--profile', 'strict', '--dry-run', '-o', 'json'],
      tenant('acme'),
    );
    assert.equal(result.exitCode, 0, result.stderr);
    const plan = JSON.parse(result.stdout) as { preflight: { found: string[]; refusals: string[] } };
    assert.deepEqual(plan.preflight, {
      found: [
        "the API server admits the pods of all 1 pod templates under the namespace's current policy (profile " +
          'standard), not yet the requested profile strict, which a dry run does not apply; the install checks again under it',
      ],
      refusals: [],
    });
  });

  it('--dry-run reports a chart the profile would refuse for its cluster-wide rights, exit 1, nothing changed', async () => {
    const { result, api } = await run('install', ['acme', '--chart', './webapp', '--dry-run'], [], operatorChart);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `\n  refused, before any change:\n    the chart would give the tenant rights outside its namespace, ` +
          `which profile standard does not allow without --allow-cluster-access: ${GRANT}\n$`,
      ),
    );
    assert.match(
      result.stdout,
      /^    cluster-scoped objects of the chart: CustomResourceDefinition gadgets.example.test, /m,
    );
    assert.deepEqual(api.writes(), []);
  });

  it('a refused upgrade of a tenant puts its record and policy back, and leaves its release alone', async () => {
    const api = await FakeApi.start(tenant('acme'));
    const state = () => ({
      namespace: api.get('Namespace', undefined, 'acme')?.metadata,
      policy: ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'Lease']
        .flatMap((kind) => api.all(kind, 'acme'))
        .map((o) => [`${o.kind}/${o.metadata.name}`, o.spec])
        .sort(),
    });
    const helm = fakeHelm(rootChart);
    try {
      const standard = await mimt('policy', ['apply', 'acme'], { kubeconfig: api.kubeconfig() });
      assert.equal(standard.exitCode, 0, standard.stderr);
      const before = state();
      assert.equal(before.namespace?.labels?.['pod-security.kubernetes.io/enforce'], 'baseline');
      const args = ['acme', '--chart', './webapp', '--profile', 'strict'];
      const result = await mimt('install', args, { kubeconfig: api.kubeconfig(), path: [helm.dir] });
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /^error: install of tenant "acme" failed: the chart's pods would not be admitted/m);
      assert.match(result.stderr, /what this run changed was put back as it was\n$/);
      assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme']);
      // The strict run had set Pod Security "restricted" and added an egress policy: both are gone again.
      const after = state();
      assert.deepEqual(after.namespace?.labels, before.namespace?.labels);
      assert.deepEqual(after.namespace?.annotations, before.namespace?.annotations);
      assert.deepEqual(after.policy, before.policy);
      assert.ok(api.made({ method: 'PATCH', path: /\/networkpolicies\/mimt-restrict-egress$/ }).length > 0);
    } finally {
      await api.close();
    }
  });

  it('a lock a live install holds is refused, naming its holder, before any change', async () => {
    const acquired = new Date(Date.now() - 30_000).toISOString().replace('Z', '000Z');
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'mimt-install', namespace: 'acme', labels: { 'app.kubernetes.io/managed-by': 'kubectl-mimt' } },
      spec: {
        holderIdentity: 'build-7/4242/0f8e0c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
        leaseDurationSeconds: 20,
        acquireTime: acquired,
        renewTime: new Date(Date.now() - 2_000).toISOString().replace('Z', '000Z'),
      },
    };
    const { result, api, helm } = await run('install', ['acme', '--chart', './webapp'], [...tenant('acme'), lease]);
    assert.equal(result.exitCode, 1);
    assert.equal(
      errorLine(result.stderr),
      `error: install of tenant "acme" failed: another install of tenant "acme" is running: pid 4242 on build-7, since ${acquired}`,
    );
    assert.match(result.stderr, /^wait for it to finish, then run again; .*; nothing was changed$/m);
    // The one write is the create that found the lock taken; helm only described and rendered the chart.
    assert.deepEqual(
      api.writes().map((r) => `${r.method} ${r.path}`),
      ['POST /apis/coordination.k8s.io/v1/namespaces/acme/leases'],
    );
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme']);
    // The holder's lease stays as it was.
    assert.deepEqual(api.get('Lease', 'acme', 'mimt-install')?.spec, lease.spec);
  });

  it('a lock whose holder on this machine no longer runs is taken over at once', async () => {
    // A process that has ended: its pid names no process any more.
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const acquired = new Date(Date.now() - 5_000).toISOString().replace('Z', '000Z');
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'mimt-install', namespace: 'acme', labels: { 'app.kubernetes.io/managed-by': 'kubectl-mimt' } },
      spec: {
        holderIdentity: `${hostname()}/${gone}/0f8e0c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6`,
        leaseDurationSeconds: 20,
        acquireTime: acquired,
        renewTime: new Date().toISOString().replace('Z', '000Z'),
      },
    };
    const { result, api, helm } = await run('install', ['acme', '--chart', './webapp'], [...tenant('acme'), lease]);
    assert.equal(result.exitCode, 0, result.stderr);
    const taking = result.stderr.split('\n').find((line) => line.startsWith('install lock: '));
    assert.equal(
      taking,
      `install lock: taking over from pid ${gone} on ${hostname()}, since ${acquired}, which no longer runs`,
    );
    assert.equal(
      api.made({ method: 'PUT', path: '/apis/coordination.k8s.io/v1/namespaces/acme/leases/mimt-install' }).length,
      1,
    );
    assert.deepEqual(helmVerbs(helm), ['show chart', 'template acme', 'version --short', 'upgrade --install']);
    assert.deepEqual(api.all('Lease', 'acme'), []);
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

describe('install --all waves: flags', () => {
  it('refuses --canary, --soak and --max-failures without --all, and bad values, before any request', async () => {
    for (const [args, message] of [
      [['acme', '--chart', './webapp', '--canary', '1'], /^error: --canary goes with --all/],
      [['acme', '--chart', './webapp', '--soak', '1m'], /^error: --soak goes with --all/],
      [['--all', '--chart', './webapp', '--canary', '-1'], /^error: invalid --canary "-1"/],
      [['--all', '--chart', './webapp', '--max-failures', '0'], /^error: invalid --max-failures "0"/],
      [['--all', '--chart', './webapp', '--soak', 'soon'], /^error: invalid duration "soon" for --soak/],
    ] as const) {
      const { result, api, helm } = await run('install', [...args], []);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(errorLine(result.stderr) ?? '', message);
      assert.deepEqual(api.writes(), []);
      assert.deepEqual(helm.calls(), []);
    }
  });
});
