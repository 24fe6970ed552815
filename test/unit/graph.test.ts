import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { buildGraph, selects } from '../../src/core/graph/build.ts';
import type { TenantObjects } from '../../src/core/graph/read.ts';
import { decodeReleaseRecord, manifestObjects } from '../../src/core/helm/manifest.ts';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { ReadReport } from '../../src/core/kube/read.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import { renderDot } from '../../src/output/dot.ts';
import { render } from '../../src/output/render.ts';
import { graphDocument } from '../../src/views/graph.ts';

const tenant: Tenant = {
  name: 'acme',
  namespace: 'acme',
  source: 'mimt',
  release: 'acme',
  labels: {},
  annotations: {},
  terminating: false,
  namespaceMissing: false,
  problems: [],
};

let uid = 0;
function object(kind: string, name: string, rest: Record<string, unknown> = {}, owner?: KubeObject): KubeObject {
  const { labels, ...fields } = rest as { labels?: Record<string, string> };
  uid += 1;
  return {
    kind,
    metadata: {
      name,
      namespace: 'acme',
      uid: `uid-${uid}`,
      labels,
      ...(owner
        ? {
            ownerReferences: [
              {
                kind: owner.kind as string,
                name: owner.metadata.name,
                uid: owner.metadata.uid as string,
                controller: true,
              },
            ],
          }
        : {}),
    },
    ...fields,
  };
}

const web = { app: 'web' };
const deployment = object('Deployment', 'web', { spec: { replicas: 2 }, status: { readyReplicas: 1 } });
const replicaSet = object('ReplicaSet', 'web-5d9', { spec: { replicas: 2 }, status: { readyReplicas: 1 } }, deployment);
const podSpec = {
  serviceAccountName: 'web',
  volumes: [{ configMap: { name: 'config' } }, { secret: { secretName: 'tls-cert' } }],
  containers: [
    {
      envFrom: [{ secretRef: { name: 'db-credentials' } }],
      env: [{ valueFrom: { configMapKeyRef: { name: 'gone' } } }],
    },
  ],
  imagePullSecrets: [{ name: 'registry' }],
};
const ready = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
const crashing = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }],
};
const pod1 = object('Pod', 'web-5d9-a', { labels: web, spec: podSpec, status: ready }, replicaSet);
const pod2 = object('Pod', 'web-5d9-b', { labels: web, spec: podSpec, status: crashing }, replicaSet);
const db = object('StatefulSet', 'db', {
  spec: { replicas: 1, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
  status: { readyReplicas: 1 },
});
const dbPod = object(
  'Pod',
  'db-0',
  {
    labels: { app: 'db' },
    spec: { volumes: [{ persistentVolumeClaim: { claimName: 'data-db-0' } }], containers: [{}] },
    status: ready,
  },
  db,
);
const claim = object('PersistentVolumeClaim', 'data-db-0', { status: { phase: 'Bound' } });
const service = object('Service', 'web', { spec: { selector: web } });
const slice = object('EndpointSlice', 'web-x1', { endpoints: [{ conditions: { ready: true } }] }, service);
const ingress = object('Ingress', 'web', {
  spec: {
    rules: [{ http: { paths: [{ backend: { service: { name: 'web' } } }] } }],
    tls: [{ secretName: 'tls-cert' }],
  },
});
const hpa = object('HorizontalPodAutoscaler', 'web', {
  spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } },
  status: { conditions: [{ type: 'ScalingActive', status: 'True' }] },
});
const pdb = object('PodDisruptionBudget', 'web', {
  spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } },
  status: { currentHealthy: 1, desiredHealthy: 1 },
});
const netpol = object('NetworkPolicy', 'mimt-deny', {
  labels: { 'mimt.io/policy': 'standard', 'app.kubernetes.io/managed-by': 'kubectl-mimt' },
  spec: { podSelector: {} },
});
const binding = object('RoleBinding', 'mimt-owner', {
  labels: { 'mimt.io/policy': 'standard', 'app.kubernetes.io/managed-by': 'kubectl-mimt' },
  subjects: [
    { kind: 'User', name: 'alice' },
    { kind: 'ServiceAccount', name: 'web' },
  ],
  roleRef: { kind: 'ClusterRole', name: 'admin' },
});
const others = ['config', 'tls-cert', 'db-credentials'].map((n) => object(n === 'config' ? 'ConfigMap' : 'Secret', n));
const account = object('ServiceAccount', 'web');
const defaultAccount = object('ServiceAccount', 'default');

const MANIFEST = [
  ['apps/v1', 'Deployment', 'web'],
  ['apps/v1', 'StatefulSet', 'db'],
  ['v1', 'Service', 'web'],
  ['networking.k8s.io/v1', 'Ingress', 'web'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'web'],
  ['policy/v1', 'PodDisruptionBudget', 'web'],
  ['v1', 'ConfigMap', 'config'],
  ['v1', 'Secret', 'db-credentials'],
  ['v1', 'ServiceAccount', 'web'],
  ['v1', 'Service', 'declared-but-gone'],
]
  .map(
    ([apiVersion, kind, name]) =>
      `---\n# Source: chart/templates/x.yaml\napiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n`,
  )
  .join('');

const input = (extra: Partial<TenantObjects> = {}): TenantObjects => ({
  tenant,
  release: {
    name: 'acme',
    namespace: 'acme',
    revision: 3,
    status: 'deployed',
    objects: manifestObjects(MANIFEST),
  },
  releaseReadable: true,
  objects: [
    deployment,
    replicaSet,
    pod1,
    pod2,
    db,
    dbPod,
    claim,
    service,
    slice,
    ingress,
    hpa,
    pdb,
    netpol,
    binding,
    ...others,
    account,
    defaultAccount,
  ],
  unread: new Set(),
  report: new ReadReport(),
  ...extra,
});

const edgesOf = (graph: ReturnType<typeof buildGraph>, type: string) =>
  graph.edges
    .filter((e) => e.type === type)
    .map((e) => `${e.from} -> ${e.to}`)
    .sort();

describe('the graph of a tenant', () => {
  const graph = buildGraph(input());
  const node = (id: string) => graph.nodes.find((n) => n.id === id);

  it('is a tree from the tenant through its release to what the manifest declares and what that owns', () => {
    const parents = Object.fromEntries(graph.nodes.map((n) => [n.id, n.parent]));
    assert.equal(parents['Tenant/acme'], null);
    assert.equal(parents['HelmRelease/acme'], 'Tenant/acme');
    assert.equal(parents['Deployment/web'], 'HelmRelease/acme');
    assert.equal(parents['ReplicaSet/web-5d9'], 'Deployment/web');
    assert.equal(parents['Pod/web-5d9-b'], 'ReplicaSet/web-5d9');
    assert.equal(parents['Pod/db-0'], 'StatefulSet/db');
    assert.equal(parents['PersistentVolumeClaim/data-db-0'], 'StatefulSet/db', "a StatefulSet's claim, by name");
    assert.equal(parents['EndpointSlice/web-x1'], 'Service/web');
    assert.equal(parents['NetworkPolicy/mimt-deny'], 'Tenant/acme');
    assert.equal(node('Pod/web-5d9-b')?.level, 4);
    assert.equal(new Set(graph.nodes.map((n) => n.id)).size, graph.nodes.length, 'one node per object');
  });

  it('gives each node one word of state, and says what is missing or broken', () => {
    const states = (ids: string[]) => ids.map((id) => `${id}=${node(id)?.state}/${node(id)?.health}`);
    assert.deepEqual(
      states([
        'Tenant/acme',
        'HelmRelease/acme',
        'Deployment/web',
        'Pod/web-5d9-a',
        'Pod/web-5d9-b',
        'PersistentVolumeClaim/data-db-0',
        'Service/web',
        'Ingress/web',
        'Service/declared-but-gone',
        'ConfigMap/gone',
      ]),
      [
        'Tenant/acme=Degraded/failed',
        'HelmRelease/acme=deployed/ok',
        'Deployment/web=1/2/progressing',
        'Pod/web-5d9-a=Ready/ok',
        'Pod/web-5d9-b=CrashLoopBackOff/failed',
        'PersistentVolumeClaim/data-db-0=Bound/ok',
        'Service/web=1/2/progressing',
        'Ingress/web=Pending/progressing',
        'Service/declared-but-gone=Missing/failed',
        'ConfigMap/gone=Missing/failed',
      ],
    );
  });

  it('types the relations beyond ownership', () => {
    assert.deepEqual(edgesOf(graph, 'selects'), [
      'NetworkPolicy/mimt-deny -> Pod/db-0',
      'NetworkPolicy/mimt-deny -> Pod/web-5d9-a',
      'NetworkPolicy/mimt-deny -> Pod/web-5d9-b',
      'PodDisruptionBudget/web -> Pod/web-5d9-a',
      'PodDisruptionBudget/web -> Pod/web-5d9-b',
      'Service/web -> Pod/web-5d9-a',
      'Service/web -> Pod/web-5d9-b',
    ]);
    assert.deepEqual(edgesOf(graph, 'routes'), ['Ingress/web -> Service/web']);
    assert.deepEqual(edgesOf(graph, 'tls'), ['Ingress/web -> Secret/tls-cert']);
    assert.deepEqual(edgesOf(graph, 'scales'), ['HorizontalPodAutoscaler/web -> Deployment/web']);
    assert.deepEqual(
      edgesOf(graph, 'mounts').filter((e) => e.startsWith('Pod/web-5d9-a')),
      ['Pod/web-5d9-a -> ConfigMap/config', 'Pod/web-5d9-a -> Secret/tls-cert'],
    );
    assert.deepEqual(
      edgesOf(graph, 'mounts').filter((e) => e.startsWith('Pod/db-0')),
      ['Pod/db-0 -> PersistentVolumeClaim/data-db-0'],
    );
    assert.deepEqual(
      edgesOf(graph, 'env').filter((e) => e.startsWith('Pod/web-5d9-a')),
      ['Pod/web-5d9-a -> ConfigMap/gone', 'Pod/web-5d9-a -> Secret/db-credentials'],
    );
    assert.deepEqual(
      edgesOf(graph, 'pulls').filter((e) => e.startsWith('Pod/web-5d9-a')),
      ['Pod/web-5d9-a -> Secret/registry'],
    );
    assert.deepEqual(edgesOf(graph, 'runs-as'), [
      'Pod/db-0 -> ServiceAccount/default',
      'Pod/web-5d9-a -> ServiceAccount/web',
      'Pod/web-5d9-b -> ServiceAccount/web',
    ]);
    assert.deepEqual(edgesOf(graph, 'binds'), [
      'RoleBinding/mimt-owner -> ServiceAccount/web',
      'RoleBinding/mimt-owner -> User/alice',
    ]);
    assert.deepEqual(edgesOf(graph, 'grants'), ['RoleBinding/mimt-owner -> ClusterRole/admin']);
    assert.equal(node('ClusterRole/admin')?.state, 'Unknown', 'cluster-wide kinds are not read');
    assert.equal(node('Secret/registry')?.origin, 'referenced');
  });

  it('says Unknown, not Missing, for kinds it may not read, and for a release it may not read', () => {
    const blind = buildGraph(input({ unread: new Set(['ConfigMap']) }));
    assert.equal(blind.nodes.find((n) => n.id === 'ConfigMap/gone')?.state, 'Unknown');
    const unreadable = buildGraph(input({ release: undefined, releaseReadable: false }));
    assert.equal(unreadable.nodes.find((n) => n.id === 'HelmRelease/acme')?.state, 'Unknown');
    assert.equal(unreadable.nodes.find((n) => n.id === 'Tenant/acme')?.state, 'Unknown');
    const gone = buildGraph(input({ release: undefined }));
    assert.equal(gone.nodes.find((n) => n.id === 'HelmRelease/acme')?.state, 'Missing');
  });

  it('is rooted at the KubePlus instance for a KubePlus tenant', () => {
    const kp = buildGraph(
      input({ tenant: { ...tenant, source: 'kubeplus', kind: 'WebappService', instanceNamespace: 'default' } }),
    );
    assert.equal(kp.root, 'WebappService/default/acme');
    assert.equal(kp.nodes.find((n) => n.id === 'HelmRelease/acme')?.parent, 'WebappService/default/acme');
  });

  it('prints a tree, then the relations; a DOT graph with one node statement per object', () => {
    const shown = graphDocument(graph, tenant, false, []);
    const text = render(shown, { format: 'table', noHeaders: false, colour: false }).stdout;
    assert.match(
      text,
      /^Tenant\/acme\s+Degraded\n├── HelmRelease\/acme\s+deployed\n│   ├── Deployment\/web\s+1\/2\n│   │   └── ReplicaSet\/web-5d9\s+1\/2\n/,
    );
    assert.match(text, /\nRelations:\nFROM\s+TYPE\s+TO\n/);
    assert.match(text, /^Ingress\/web\s+routes\s+Service\/web$/m);
    const dot = renderDot(shown.picture as NonNullable<typeof shown.picture>);
    const statements = dot.split('\n').filter((l) => /^\s+"[^"]+" \[label=/.test(l));
    assert.equal(statements.length, graph.nodes.length);
    assert.match(dot, /"Pod\/web-5d9-b" \[label="web-5d9-b\\nCrashLoopBackOff", color="#c62828", penwidth=2.5/);
    assert.match(dot, /"Ingress\/web" -> "Service\/web" \[label="routes", style=dashed\];/);
  });
});

describe('Helm release records', () => {
  it('decodes the gzipped, twice base64-encoded release and lists the manifest objects', () => {
    const stored = {
      name: 'acme',
      namespace: 'acme',
      version: 3,
      info: { status: 'deployed' },
      chart: { metadata: { name: 'shop', version: '1.2.0' } },
      manifest: MANIFEST,
    };
    const helmPayload = gzipSync(Buffer.from(JSON.stringify(stored))).toString('base64');
    const secret = {
      metadata: {
        name: 'sh.helm.release.v1.acme.v3',
        namespace: 'acme',
        labels: { owner: 'helm', name: 'acme', version: '3' },
      },
      data: { release: Buffer.from(helmPayload).toString('base64') },
    };
    const release = decodeReleaseRecord(secret);
    assert.deepEqual(
      [release.name, release.revision, release.status, release.chart, release.chartVersion],
      ['acme', 3, 'deployed', 'shop', '1.2.0'],
    );
    assert.equal(release.objects.length, 10);
    assert.deepEqual(release.objects[0], { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    assert.throws(() => decodeReleaseRecord({ ...secret, data: { release: 'bm90IGd6aXA=' } }), /cannot be decoded/);
  });

  it('reads the items of a List in a manifest', () => {
    const list =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    namespace: other\n';
    assert.deepEqual(manifestObjects(list), [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'other' }]);
  });

  it('matches label selectors as the API server does', () => {
    assert.ok(selects({}, { a: '1' }), 'empty selects everything');
    assert.ok(!selects(undefined, { a: '1' }));
    assert.ok(selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['2'] }] }, { a: '1' }));
    assert.ok(!selects({ matchExpressions: [{ key: 'b', operator: 'Exists' }] }, { a: '1' }));
  });
});
