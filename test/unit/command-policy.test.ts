import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { FakeApi } from '../support/fake-api.ts';
import { manyTenants, tenant, viewerOf } from '../support/fixtures.ts';
import { mimt } from '../support/in-process.ts';

/** `kubectl mimt policy show|apply|diff|audit` from argv to what they print, against the fake API server. */

const PSA_REFUSAL =
  'pods "web-5d4f8b7c9-x2x9q" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false ' +
  '(container "app" must set securityContext.allowPrivilegeEscalation=false)';

const rows = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
const notes = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('note:'));
const MIMT = { 'app.kubernetes.io/managed-by': 'kubectl-mimt' };

describe('policy on a tenant installed without its policy', () => {
  let api: FakeApi;
  let kubeconfig: string;
  const policy = (...args: string[]) => mimt('policy', args, { kubeconfig });
  before(async () => {
    api = await FakeApi.start([
      ...tenant('acme'),
      // A user's own NetworkPolicy, and one of mimt's that the standard profile does not have.
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'users-own', namespace: 'acme' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'mimt-restrict-egress', namespace: 'acme', labels: { ...MIMT, 'mimt.io/policy': 'strict' } },
        spec: { podSelector: {}, policyTypes: ['Egress'] },
      },
    ]);
    kubeconfig = api.kubeconfig();
  });
  after(() => api.close());

  it('show lists what is in force, whoever made it, in seven requests', async () => {
    api.reset();
    const result = await policy('show', 'acme');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(
      rows(result.stdout).map((r) => r.slice(0, 3)),
      [
        ['KIND', 'NAME', 'MANAGED-BY'],
        ['Namespace', 'acme', 'mimt'],
        ['NetworkPolicy', 'mimt-restrict-egress', 'mimt'],
        ['NetworkPolicy', 'users-own', 'user'],
      ],
    );
    assert.match(result.stdout, /^Namespace\s+acme\s+mimt\s+Pod Security: not enforced/m);
    assert.equal(api.requests.length, 7);
  });

  it('audit finds what is missing, exit 3 on a high finding, in thirteen requests', async () => {
    api.reset();
    const result = await policy('audit', 'acme');
    assert.equal(result.exitCode, 3, result.stderr);
    const found = rows(result.stdout).map((r) => `${r[0]} ${r[2]} ${r[3]}`);
    assert.ok(found.includes('high missing-policy NetworkPolicy/mimt-same-namespace-ingress'), found.join('\n'));
    assert.ok(found.includes('high pod-security Namespace/acme'), found.join('\n'));
    // The tenant's own lists (its four workload kinds too), and the ClusterRoleBindings and ClusterRoles
    // its identities may hold rights through; no events, since every controller has its pods.
    assert.equal(api.requests.length, 13);
    for (const kind of ['clusterrolebindings', 'clusterroles']) {
      assert.equal(api.made(`GET /apis/rbac.authorization.k8s.io/v1/${kind}`).length, 1, kind);
    }
  });

  it('apply --dry-run says what would change and changes nothing', async () => {
    api.reset();
    const result = await policy('apply', 'acme', '--dry-run');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'tenant/acme policy standard applied (dry run: nothing was changed)',
        '  Namespace/acme configured',
        '  NetworkPolicy/mimt-same-namespace-ingress created',
        '  ResourceQuota/mimt-quota created',
        '  LimitRange/mimt-limits created',
        '  NetworkPolicy/mimt-restrict-egress deleted',
        '',
      ].join('\n'),
    );
    const writes = api.writes();
    assert.ok(writes.length > 0);
    assert.deepEqual(
      writes.filter((w) => w.query.dryRun !== 'All'),
      [],
    );
    assert.equal(api.get('NetworkPolicy', 'acme', 'mimt-same-namespace-ingress'), undefined);
    assert.ok(api.get('NetworkPolicy', 'acme', 'mimt-restrict-egress'));
  });

  it('diff shows the drift as a unified diff, exit 1, and writes nothing', async () => {
    api.reset();
    const result = await policy('diff', 'acme');
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^\+\+\+ desired\/NetworkPolicy\/mimt-same-namespace-ingress$/m);
    assert.match(result.stdout, /^--- live\/NetworkPolicy\/mimt-restrict-egress$/m);
    assert.match(result.stdout, /^\+ {4}pod-security\.kubernetes\.io\/enforce: baseline$/m);
    assert.doesNotMatch(result.stdout, /users-own/);
    assert.deepEqual(api.writes(), []);
    assert.equal(api.requests.length, 7);
  });

  it("apply makes the profile's objects, prunes mimt's stale one, and keeps the user's", async () => {
    api.reset();
    const result = await policy('apply', 'acme');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^tenant\/acme policy standard applied$/m);
    for (const [kind, name] of [
      ['NetworkPolicy', 'mimt-same-namespace-ingress'],
      ['ResourceQuota', 'mimt-quota'],
      ['LimitRange', 'mimt-limits'],
    ] as const) {
      const made = api.get(kind, 'acme', name);
      assert.equal(made?.metadata.labels?.['mimt.io/policy'], 'standard', `${kind}/${name}`);
    }
    assert.equal(api.get('NetworkPolicy', 'acme', 'mimt-restrict-egress'), undefined);
    assert.ok(api.get('NetworkPolicy', 'acme', 'users-own'));
    assert.equal(
      api.get('Namespace', undefined, 'acme')?.metadata.labels?.['pod-security.kubernetes.io/enforce'],
      'baseline',
    );
    // Every write is mimt's server-side apply, or the delete of the stale object.
    for (const write of api.writes()) {
      assert.ok(
        (write.method === 'PATCH' && write.query.fieldManager === 'kubectl-mimt') ||
          (write.method === 'DELETE' && write.path.endsWith('/mimt-restrict-egress')),
        `${write.method} ${write.path}`,
      );
    }
  });

  it('after apply, diff finds nothing (exit 0) and audit has no finding', async () => {
    const diff = await policy('diff', 'acme');
    assert.equal(diff.exitCode, 0, diff.stdout);
    assert.equal(diff.stdout, '');
    const audit = await policy('audit', 'acme');
    assert.equal(audit.exitCode, 0, audit.stdout);
    assert.equal(audit.stdout, '');
    assert.equal(audit.stderr, 'No findings in 1 tenant\n');
  });

  it('diff --profile shows what another profile would change, against the live objects', async () => {
    const result = await policy('diff', 'acme', '--profile', 'strict');
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, /^-\s+pod-security\.kubernetes\.io\/enforce: baseline$/m);
    assert.match(result.stdout, /^\+\s+pod-security\.kubernetes\.io\/enforce: restricted$/m);
    assert.match(result.stdout, /^\+\+\+ desired\/NetworkPolicy\/mimt-restrict-egress$/m);
  });

  it('an object changed by hand shows in diff', async () => {
    const quota = api.get('ResourceQuota', 'acme', 'mimt-quota') as KubeObject;
    api.add({ ...quota, spec: { hard: { ...(quota.spec as { hard: object }).hard, pods: '500' } } });
    const result = await policy('diff', 'acme');
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, /^-\s+pods: '500'$/m);
    assert.match(result.stdout, /^\+\s+pods: '50'$/m);
  });
});

describe('policy audit -A', () => {
  it('costs the same requests for 50 tenants as for one', async () => {
    const requests = async (objects: KubeObject[]) => {
      const api = await FakeApi.start(objects);
      try {
        const result = await mimt('policy', ['audit', '-A', '-o', 'name'], { kubeconfig: api.kubeconfig() });
        assert.equal(result.exitCode, 3, result.stderr);
        return api.requests.map((r) => `${r.method} ${r.path}`);
      } finally {
        await api.close();
      }
    };
    const one = await requests(manyTenants(1));
    assert.deepEqual(await requests(manyTenants(50)), one);
    assert.equal(one.length, 13);
    // With blocked tenants, one list of Warning events more, whatever their number.
    const blocked = (n: number) =>
      Array.from({ length: n }, (_, i) => tenant(`b${i}`, { pods: [], replicas: 1, refusal: PSA_REFUSAL }));
    const few = await requests([...manyTenants(1), ...blocked(1)].flat());
    assert.deepEqual(await requests([...manyTenants(50), ...blocked(20)].flat()), few);
    assert.equal(few.length, 14);
  });

  it("finds a workload the tenant's own policy keeps from running: Pod Security, quota", async () => {
    const quotaRefusal =
      'pods "web-5d4f8b7c9-x2x9q" is forbidden: exceeded quota: mimt-quota, requested: pods=1, used: pods=2, limited: pods=2';
    const api = await FakeApi.start([
      ...tenant('acme', { pods: [], replicas: 2, refusal: PSA_REFUSAL }),
      ...tenant('beta', { pods: [{}], replicas: 2, refusal: quotaRefusal }),
      ...tenant('gamma'),
    ]);
    try {
      const result = await mimt('policy', ['audit', '-A'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 3, result.stderr);
      assert.deepEqual(
        rows(result.stdout).filter((r) => r[2] === 'blocked-workload'),
        [
          [
            'high',
            'acme',
            'blocked-workload',
            'Deployment/web',
            '0/2 ready: pods are rejected by Pod Security "restricted": allowPrivilegeEscalation != false ' +
              '(container "app" must set securityContext.allowPrivilegeEscalation=false)',
          ],
          [
            'high',
            'beta',
            'blocked-workload',
            'Deployment/web',
            '1/2 ready: pods are refused by ResourceQuota mimt-quota, requested: pods=1, used: pods=2, limited: pods=2',
          ],
        ],
      );
    } finally {
      await api.close();
    }
  });

  it("finds the rights a tenant's ServiceAccount holds cluster-wide and in another namespace", async () => {
    const account = [{ kind: 'ServiceAccount', name: 'web', namespace: 'acme' }];
    const api = await FakeApi.start([
      ...tenant('acme'),
      ...tenant('beta'),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'secret-reader' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'acme-web-secrets' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
        subjects: account,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'acme-reads-beta', namespace: 'beta' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
        subjects: account,
      },
    ]);
    try {
      const result = await mimt('policy', ['audit', '-A'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 3, result.stderr);
      const found = rows(result.stdout).filter((r) => r[1] === 'acme' && r[0] === 'high');
      assert.deepEqual(
        found.filter((r) => r[2] !== 'pod-security' && r[2] !== 'missing-policy'),
        [
          [
            'high',
            'acme',
            'cluster-wide-access',
            'ClusterRoleBinding/acme-web-secrets',
            'gives ServiceAccount acme/web ClusterRole secret-reader in every namespace: get, list, watch secrets',
          ],
          [
            'high',
            'acme',
            'access-outside-namespace',
            'RoleBinding/beta/acme-reads-beta',
            'gives ServiceAccount acme/web ClusterRole secret-reader in namespace beta: get, list, watch secrets',
          ],
        ],
      );
      assert.equal(api.requests.length, 13);
    } finally {
      await api.close();
    }
  });
});

describe('policy as the view user of one tenant', () => {
  let api: FakeApi;
  let viewer: string;
  before(async () => {
    api = await FakeApi.start([...tenant('acme'), ...manyTenants(3)]);
    const admin = await mimt('policy', ['apply', 'acme'], { kubeconfig: api.kubeconfig() });
    assert.equal(admin.exitCode, 0, admin.stderr);
    api.limitUser('acme-viewer', viewerOf('acme'));
    viewer = api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' });
  });
  after(() => api.close());

  it('show lists the objects in force and notes, once, the RoleBindings it may not read', async () => {
    const result = await mimt('policy', ['show', 'acme'], { kubeconfig: viewer });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^NetworkPolicy\s+mimt-same-namespace-ingress\s+mimt/m);
    assert.match(result.stdout, /^ResourceQuota\s+mimt-quota\s+mimt/m);
    const said = notes(result.stderr);
    assert.equal(said.length, 1, result.stderr);
    assert.match(said[0] ?? '', /left out: RoleBindings in "acme"\.$/);
  });

  it('audit TENANT and audit -A answer for its tenant, exit 0, one note', async () => {
    for (const args of [['acme'], ['-A']]) {
      api.reset();
      const result = await mimt('policy', ['audit', ...args], { kubeconfig: viewer });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(notes(result.stderr).length, 1, result.stderr);
      assert.match(result.stderr, /^No findings in 1 tenant$/m);
      // In its namespace: the namespace itself, the four policy kinds, the running pods and the four
      // workload kinds, each once.
      const inAcme = api.made({ path: /\/namespaces\/acme(\/|$)/ }).map((r) => r.path);
      assert.equal(inAcme.length, 10, inAcme.join('\n'));
      assert.equal(new Set(inAcme).size, 10);
    }
    // audit TENANT asks no list across the cluster but the tenants' and the cluster roles' and bindings'.
    api.reset();
    await mimt('policy', ['audit', 'acme'], { kubeconfig: viewer });
    assert.equal(api.requests.length, 14);
  });

  it('apply fails before any write, since it may not read all it would change: exit 1, the permission named', async () => {
    api.reset();
    const result = await mimt('policy', ['apply', 'acme', '--profile', 'strict'], { kubeconfig: viewer });
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      /^error: forbidden: .*cannot list resource "rolebindings".* in the namespace "acme"\n$/,
    );
    assert.deepEqual(api.writes(), []);
  });
});
