import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { FakeApi } from '../support/fake-api.ts';
import { manyTenants, plainNamespace, tenant, viewerOf } from '../support/fixtures.ts';
import { mimt } from '../support/in-process.ts';

/** `kubectl mimt ls` from argv to what it prints, against the fake API server. */

const METADATA_LIST = /as=PartialObjectMetadataList/;
const TABLE = /as=Table/;

const rows = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/\s{2,}/));
const notes = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('note:'));

async function cluster(...objects: (KubeObject | KubeObject[])[]): Promise<FakeApi> {
  return FakeApi.start(objects.flat());
}

function acme() {
  return tenant('acme', {
    chartVersion: '1.4.0',
    pods: [{}, { waiting: 'CrashLoopBackOff', restarts: 4 }],
    quota: { 'requests.cpu': '2', 'requests.memory': '4Gi' },
  });
}

describe('ls', () => {
  it('lists every tenant with chart, status and pods, in ten requests when a tenant lacks ready pods', async () => {
    const api = await cluster(
      acme(),
      tenant('beta', { releaseStatus: 'failed', revision: 3 }),
      plainNamespace('other'),
    );
    try {
      const result = await mimt('ls', [], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, '');
      const [header, ...body] = rows(result.stdout);
      assert.deepEqual(header, ['TENANT', 'NAMESPACE', 'SOURCE', 'CHART', 'VERSION', 'STATUS', 'PODS', 'AGE']);
      assert.deepEqual(body, [
        ['acme', 'acme', 'mimt', 'webapp', '1.4.0', 'Degraded (CrashLoopBackOff)', '1/2', '3d'],
        ['beta', 'beta', 'mimt', 'webapp', '1.2.0', 'Failed', '2/2', '3d'],
      ]);
      // Nine lists whatever the tenants; then, since acme lacks a ready pod, the Warning events that may say why.
      assert.equal(api.requests.length, 10);
      assert.deepEqual(api.writes(), []);
      const events = api.made('GET /api/v1/events');
      assert.equal(events.length, 1);
      assert.equal(events[0]?.query.fieldSelector, 'type=Warning');
      for (const kind of ['apps/v1/deployments', 'apps/v1/statefulsets', 'apps/v1/daemonsets', 'batch/v1/jobs']) {
        assert.equal(api.made(`GET /apis/${kind}`).length, 1, kind);
      }
      // Namespaces and Helm's release records as metadata only, never the release payload; pods as the server's table.
      assert.match(api.made('GET /api/v1/namespaces')[0]?.accept ?? '', METADATA_LIST);
      const records = api.made('GET /api/v1/secrets');
      assert.equal(records.length, 1);
      assert.equal(records[0]?.query.labelSelector, 'owner=helm');
      assert.match(records[0]?.accept ?? '', METADATA_LIST);
      assert.match(api.made('GET /api/v1/pods')[0]?.accept ?? '', TABLE);
    } finally {
      await api.close();
    }
  });

  it('costs the same requests for 50 tenants as for one', async () => {
    const paths = async (objects: ReturnType<typeof manyTenants>, args: string[]) => {
      const api = await cluster(objects);
      try {
        const result = await mimt('ls', args, { kubeconfig: api.kubeconfig() });
        assert.equal(result.exitCode, 0, result.stderr);
        return { lines: rows(result.stdout).length - 1, requests: api.requests.map((r) => `${r.method} ${r.path}`) };
      } finally {
        await api.close();
      }
    };
    for (const args of [[], ['-o', 'wide']]) {
      const one = await paths(manyTenants(1), args);
      const fifty = await paths(manyTenants(50), args);
      assert.equal(one.lines, 1);
      assert.equal(fifty.lines, 50);
      assert.deepEqual(fifty.requests, one.requests, `ls ${args.join(' ')}`);
      // Every pod ready and every Deployment at its count: no Warning events are read.
      assert.equal(one.requests.length, args.length ? 12 : 9);
      assert.ok(!one.requests.includes('GET /api/v1/events'));
    }
  });

  it('-o wide adds release, revision, profile, policy, quota use and reason', async () => {
    const api = await cluster(acme());
    try {
      const result = await mimt('ls', ['-o', 'wide'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 0, result.stderr);
      const [header, row] = rows(result.stdout);
      assert.deepEqual(header?.slice(8), ['RELEASE', 'REVISION', 'PROFILE', 'POLICY', 'CPU', 'MEMORY', 'REASON']);
      assert.deepEqual(row?.slice(8, 11), ['acme', '1', 'standard']);
      assert.equal(row?.at(-1), '1 of 2 pods not ready: CrashLoopBackOff');
      // The three policy kinds the inventory does not hold, each listed once across the cluster.
      for (const path of [
        '/apis/networking.k8s.io/v1/networkpolicies',
        '/api/v1/limitranges',
        '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      ]) {
        assert.equal(api.made(`GET ${path}`).length, 1, path);
      }
    } finally {
      await api.close();
    }
  });

  it('a tenant whose pods the API server refuses is Degraded (FailedCreate), and -o wide says why', async () => {
    const refusal =
      'pods "web-5d7c9f8b6d-q8v4x" is forbidden: violates PodSecurity "restricted:latest": ' +
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)';
    const api = await cluster(
      tenant('shop', { pods: [], replicas: 2, refusal }),
      // Pods not made yet, for no reason known: starting, not broken.
      tenant('slow', { pods: [{}], replicas: 2 }),
    );
    try {
      const result = await mimt('ls', ['-o', 'wide'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 0, result.stderr);
      const [header, ...body] = rows(result.stdout);
      const column = (row: string[] | undefined, name: string) => row?.[header?.indexOf(name) ?? -1];
      const [shop, slow] = body;
      assert.equal(column(shop, 'STATUS'), 'Degraded (FailedCreate)');
      assert.equal(column(shop, 'PODS'), '0/0');
      assert.equal(
        column(shop, 'REASON'),
        'Deployment web 0/2 ready: pods are rejected by Pod Security "restricted": ' +
          'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
      );
      assert.equal(column(slow, 'STATUS'), 'Progressing');
      assert.equal(column(slow, 'REASON'), 'Deployment web 1/2 ready');
      // The twelve lists of -o wide, and the Warning events once for both tenants.
      assert.equal(api.requests.length, 13);
      assert.equal(api.made('GET /api/v1/events').length, 1);
    } finally {
      await api.close();
    }
  });

  it('-o json is a TenantList, -o name one tenant/NAME a line', async () => {
    const api = await cluster(acme(), tenant('beta'));
    try {
      const json = await mimt('ls', ['-o', 'json'], { kubeconfig: api.kubeconfig() });
      assert.equal(json.exitCode, 0, json.stderr);
      const list = JSON.parse(json.stdout) as {
        kind: string;
        items: { metadata: { name: string }; status: { phase: string } }[];
      };
      assert.equal(list.kind, 'TenantList');
      assert.deepEqual(
        list.items.map((t) => [t.metadata.name, t.status.phase]),
        [
          ['acme', 'Degraded'],
          ['beta', 'Ready'],
        ],
      );
      const names = await mimt('ls', ['-o', 'name'], { kubeconfig: api.kubeconfig() });
      assert.equal(names.stdout, 'tenant/acme\ntenant/beta\n');
    } finally {
      await api.close();
    }
  });

  it('-l filters tenants by their labels', async () => {
    const api = await cluster(tenant('gold1', { labels: { tier: 'gold' } }), tenant('plain'));
    try {
      const result = await mimt('ls', ['-l', 'tier=gold', '-o', 'name'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.stdout, 'tenant/gold1\n');
    } finally {
      await api.close();
    }
  });

  it('follows continue tokens when the server answers in smaller pages than asked', async () => {
    const api = await cluster(manyTenants(7));
    api.pageCap = 3;
    try {
      const result = await mimt('ls', ['-o', 'name'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.split('\n').filter(Boolean).length, 7);
      assert.ok(api.made('GET /api/v1/namespaces').some((r) => r.query.continue !== undefined));
    } finally {
      await api.close();
    }
  });

  it('ls TENANT describes one tenant, reading only its namespace beyond the tenant lists', async () => {
    const api = await cluster(acme(), tenant('beta'));
    try {
      const result = await mimt('ls', ['acme'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^Name:\s+acme$/m);
      assert.match(result.stdout, /^Release:\s+acme \(revision 1, deployed\)$/m);
      assert.match(result.stdout, /^ {2}web-5d7c9f8b6d-m4q7z\s+0\/1\s+CrashLoopBackOff\s+4\s/m);
      const elsewhere = api.requests.filter(
        (r) => !r.path.includes('/namespaces/acme') && !['/api/v1/namespaces'].includes(r.path),
      );
      // Cluster-wide: the namespaces and KubePlus's compositions, to resolve the name; nothing of beta.
      assert.deepEqual(
        elsewhere.map((r) => r.path),
        ['/apis/workflows.kubeplus/v1alpha1/resourcecompositions'],
      );
      assert.ok(!api.requests.some((r) => r.path.includes('beta')));
      // The release's objects, from its record: what the namespace's lists cover, and the one they do not.
      assert.match(result.stdout, /^ {2}Deployment\s+web\s+release\s+1\/2 ready, 1 available$/m);
      assert.match(result.stdout, /^ {2}Service\s+web\s+release\s+ClusterIP 10\.96\.0\.10 80\/TCP$/m);
      assert.match(result.stdout, /^ {2}ServiceAccount\s+web\s+release\s+present$/m);
      assert.equal(api.made('GET /api/v1/namespaces/acme/secrets/sh.helm.release.v1.acme.v1').length, 1);
      assert.equal(api.made('GET /api/v1/namespaces/acme/serviceaccounts/web').length, 1);
      assert.match(
        result.stdout,
        /^ {2}\S+ \(x4 over 2\dh\)\s+Warning\s+BackOff\s+pod\/web-5d7c9f8b6d-m4q7z\s+Back-off restarting/m,
      );
      // 2 to find the tenant, 8 for its status (7 lists and the Warning events), 14 lists and 2 gets
      // for the detail (the namespace, the release record), 1 get for the release's ServiceAccount.
      assert.equal(api.requests.length, 27);
    } finally {
      await api.close();
    }
  });

  it('ls of a tenant that does not exist fails with one line and no stack', async () => {
    const api = await cluster(acme());
    try {
      const result = await mimt('ls', ['nosuch'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /^error: tenant "nosuch" not found/);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    } finally {
      await api.close();
    }
  });

  it('an invalid tenant name is refused before any request', async () => {
    const api = await cluster(acme());
    try {
      const result = await mimt('ls', ['Not_A_Name'], { kubeconfig: api.kubeconfig() });
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, /^error: .*Not_A_Name/);
      assert.equal(api.requests.length, 0);
    } finally {
      await api.close();
    }
  });

  it('a failing API server is one error line naming it, exit 1', async () => {
    const api = await cluster(acme());
    api.fail('GET /api/v1/pods', 500, 'etcdserver: request timed out');
    try {
      const result = await mimt('ls', [], { kubeconfig: api.kubeconfig(), env: {} });
      assert.equal(result.exitCode, 1);
      assert.match(result.stderr, /^error: the API server at http:\/\/127\.0\.0\.1:\d+ .* answered 500/);
      assert.match(result.stderr, /etcdserver: request timed out/);
      assert.equal(result.stdout, '');
      // A 5xx on a read is tried again a bounded number of times before it counts.
      assert.equal(api.made('GET /api/v1/pods').length, 4);
    } finally {
      await api.close();
    }
  });
});

describe('ls as the view user of one tenant', () => {
  async function asViewer(objects: ReturnType<typeof tenant>, args: string[]) {
    const api = await cluster(objects);
    api.limitUser('acme-viewer', viewerOf('acme'));
    try {
      const result = await mimt('ls', args, { kubeconfig: api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' }) });
      return { result, requests: api.requests.map((r) => `${r.method} ${r.path}`), api };
    } finally {
      await api.close();
    }
  }

  it('lists its own tenant, exit 0, and says in one note what it left out', async () => {
    const { result } = await asViewer([...acme(), ...manyTenants(3)], []);
    assert.equal(result.exitCode, 0, result.stderr);
    const [, ...body] = rows(result.stdout);
    // The release records are Secrets, which view may not read: the state is unknown, not Ready.
    assert.deepEqual(body, [['acme', 'acme', 'mimt', 'webapp', '1.4.0', 'Unknown', '1/2', '3d']]);
    const said = notes(result.stderr);
    assert.equal(said.length, 1, result.stderr);
    assert.match(said[0] ?? '', /may not list namespaces cluster-wide.*"acme"/);
    assert.match(said[0] ?? '', /left out: Helm release records \(Secrets\) in "acme"/);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
  });

  it('costs the same requests whatever the number of tenants in the cluster', async () => {
    const one = await asViewer(acme(), []);
    const many = await asViewer([...acme(), ...manyTenants(50)], []);
    assert.equal(one.result.exitCode, 0);
    assert.deepEqual(many.requests, one.requests);
    // The nine cluster-wide attempts (namespaces, compositions, pods, release records, quotas, four
    // workload kinds), the context's namespace, its seven lists, and its Warning events (acme lacks a ready pod).
    assert.equal(one.requests.length, 18);
    assert.equal(one.requests.filter((r) => r === 'GET /api/v1/namespaces/acme/events').length, 1);
  });

  it('-o wide shows the policy it cannot fully read as unknown, not missing, whatever the tenant count', async () => {
    const wide = async (others: number) => {
      const api = await cluster(acme(), manyTenants(others));
      try {
        const admin = await mimt('policy', ['apply', 'acme'], { kubeconfig: api.kubeconfig() });
        assert.equal(admin.exitCode, 0, admin.stderr);
        api.limitUser('acme-viewer', viewerOf('acme'));
        api.reset();
        const kubeconfig = api.kubeconfig({ user: 'acme-viewer', namespace: 'acme' });
        return { result: await mimt('ls', ['-o', 'wide'], { kubeconfig }), requests: api.made().map((r) => r.path) };
      } finally {
        await api.close();
      }
    };
    const one = await wide(1);
    assert.equal(one.result.exitCode, 0, one.result.stderr);
    const [header, row] = rows(one.result.stdout);
    assert.equal(row?.[header?.indexOf('POLICY') ?? -1], 'unknown');
    assert.equal(notes(one.result.stderr).length, 1);
    assert.match(notes(one.result.stderr)[0] ?? '', /RoleBindings in "acme"/);
    // As ls, and the three policy kinds -o wide adds, listed in acme once its namespace is known.
    assert.equal(one.requests.length, 21);
    assert.deepEqual((await wide(50)).requests, one.requests);
  });

  it('ls TENANT describes its tenant, exit 0, with one note', async () => {
    const { result } = await asViewer(acme(), ['acme']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^Name:\s+acme$/m);
    assert.match(result.stdout, /^ {2}web-5d7c9f8b6d-k2x9p\s+1\/1\s+Running/m);
    assert.equal(notes(result.stderr).length, 1, result.stderr);
  });

  it('ls of another tenant fails and names why', async () => {
    const { result } = await asViewer([...acme(), ...tenant('beta')], ['beta']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: tenant "beta" not found/m);
  });
});
