import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import type { RecordedRequest } from './fake-api.ts';

/**
 * Cluster objects as the API server would hold them after `kubectl mimt install`, Helm and the
 * kubelet did their part. The labels and annotations are written out as docs/tenancy-contract.md
 * names them, not taken from mimt's code, so that a change to the contract fails a test.
 */

/** A time `ago` milliseconds before now, as the API server writes it. */
export const timeAgo = (ms: number): string => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const DAY = 86_400_000;

export interface TenantFixture {
  chart?: string;
  chartVersion?: string;
  profile?: string;
  /** mimt.io/policy-settings as JSON. */
  settings?: object;
  labels?: Record<string, string>;
  createdAt?: string;
  /** Status of the newest Helm release record; none when `revision` is 0. */
  releaseStatus?: string;
  revision?: number;
  /** Pods, each ready unless given otherwise, each owned (through a ReplicaSet) by its Deployment. */
  pods?: PodFixture[];
  /** Pods the Deployment `web` wants: by default as many as it has. */
  replicas?: number;
  /**
   * Why the Deployment `web` cannot make the pods it lacks, as the API server refused them (`pods
   * "…" is forbidden: violates PodSecurity …`): its ReplicaFailure condition and the ReplicaSet's
   * FailedCreate event say so.
   */
  refusal?: string;
  quota?: Record<string, string>;
}

/** The namespace of a mimt tenant, as install leaves it. */
export function tenantNamespace(name: string, fixture: TenantFixture = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      creationTimestamp: fixture.createdAt ?? timeAgo(3 * DAY),
      labels: {
        'kubernetes.io/metadata.name': name,
        'mimt.io/tenant': name,
        'app.kubernetes.io/managed-by': 'kubectl-mimt',
        ...fixture.labels,
      },
      annotations: {
        'mimt.io/chart': fixture.chart ?? './charts/webapp',
        'mimt.io/chart-name': 'webapp',
        'mimt.io/chart-version': fixture.chartVersion ?? '1.2.0',
        'mimt.io/release': name,
        'mimt.io/profile': fixture.profile ?? 'standard',
        'mimt.io/policy-settings': JSON.stringify(fixture.settings ?? {}),
      },
    },
    status: { phase: 'Active' },
  };
}

/** A namespace that is no tenant: no mimt labels. */
export function plainNamespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    status: { phase: 'Active' },
  };
}

/** The objects the chart `webapp` renders for a release, as Helm stores them in its manifest. */
function webappManifest(deployments: readonly string[]): string {
  const helmMeta = (kind: string, name: string) =>
    [`apiVersion: ${kind === 'Deployment' ? 'apps/v1' : 'v1'}`, `kind: ${kind}`, 'metadata:', `  name: ${name}`].join(
      '\n',
    );
  return [
    `---\n# Source: webapp/templates/serviceaccount.yaml\n${helmMeta('ServiceAccount', 'web')}`,
    `---\n# Source: webapp/templates/service.yaml\n${helmMeta('Service', 'web')}\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80`,
    ...deployments.map(
      (d) =>
        `---\n# Source: webapp/templates/deployment.yaml\n${helmMeta('Deployment', d)}\nspec:\n  selector:\n    matchLabels:\n      app: ${d}`,
    ),
    '',
  ].join('\n');
}

/**
 * Helm's release record `sh.helm.release.v1.<release>.v<revision>`: its labels say the state, its
 * payload (gzip, base64, twice as Helm stores it) the release, whose manifest names its objects.
 */
export function helmRelease(
  namespace: string,
  release: string,
  revision = 1,
  status = 'deployed',
  manifest = webappManifest(['web']),
): KubeObject {
  const payload = gzipSync(
    JSON.stringify({
      name: release,
      namespace,
      version: revision,
      info: { status },
      chart: { metadata: { name: 'webapp', version: '1.2.0' }, files: [] },
      manifest,
      hooks: [],
    }),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${release}.v${revision}`,
      namespace,
      labels: { owner: 'helm', name: release, status, version: String(revision), modifiedAt: '1767225600' },
    },
    data: { release: Buffer.from(payload.toString('base64')).toString('base64') },
  };
}

export interface PodFixture {
  name?: string;
  ready?: boolean;
  /** A waiting reason such as CrashLoopBackOff; the pod is then not ready. */
  waiting?: string;
  restarts?: number;
  node?: string;
  labels?: Record<string, string>;
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
  containers?: string[];
  /** The Deployment that owns it through its ReplicaSet: `web` unless said. */
  workload?: string;
}

export function pod(namespace: string, name: string, fixture: PodFixture = {}, owner?: KubeObject): KubeObject {
  const containers = fixture.containers ?? ['app'];
  const ready = fixture.ready !== false && fixture.waiting === undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: randomUUID(),
      labels: fixture.labels ?? { app: fixture.workload ?? 'web' },
      creationTimestamp: timeAgo(DAY),
      ...(owner ? { ownerReferences: [controllerOf(owner)] } : {}),
    },
    spec: {
      nodeName: fixture.node ?? 'node-1',
      containers: containers.map((c) => ({
        name: c,
        image: 'example/web:1',
        resources: { requests: fixture.requests ?? { cpu: '100m', memory: '64Mi' }, limits: fixture.limits ?? {} },
      })),
    },
    status: {
      phase: 'Running',
      podIP: '10.0.0.1',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: containers.map((c) => ({
        name: c,
        ready,
        restartCount: fixture.restarts ?? 0,
        state: fixture.waiting ? { waiting: { reason: fixture.waiting } } : { running: { startedAt: timeAgo(DAY) } },
      })),
    },
  };
}

export function quota(namespace: string, hard: Record<string, string>, used: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: {
      name: 'mimt-quota',
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-mimt', 'mimt.io/policy': 'standard' },
    },
    spec: { hard },
    status: { hard, used },
  };
}

/** metrics-server's sample of a pod: per container, CPU and memory in use. */
export function podMetrics(
  namespace: string,
  name: string,
  usage: Record<string, [cpu: string, memory: string]>,
): KubeObject {
  return {
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: { name, namespace },
    timestamp: timeAgo(10_000),
    window: '15.002s',
    containers: Object.entries(usage).map(([c, [cpu, memory]]) => ({ name: c, usage: { cpu, memory } })),
  };
}

const controllerOf = (owner: KubeObject) => ({
  apiVersion: owner.apiVersion as string,
  kind: owner.kind as string,
  name: owner.metadata.name,
  uid: owner.metadata.uid as string,
  controller: true,
  blockOwnerDeletion: true,
});

/** What Helm puts on each object of a release. */
const releaseMeta = (namespace: string, release: string) => ({
  labels: { 'app.kubernetes.io/managed-by': 'Helm' },
  annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace },
});

/** The pod-template-hash of a Deployment's ReplicaSet: fixed, as the template never changes here. */
const TEMPLATE_HASH = '5d7c9f8b6d';
/** Pod name suffixes as a ReplicaSet generates them (five characters, no vowels). */
const SUFFIXES = ['k2x9p', 'm4q7z', 't8v2n', 'b6h3r', 'w9c5j', 'p7d4s', 'x5g8l', 'r2n6f'];
const suffix = (i: number): string => SUFFIXES[i] ?? `z${String(i).padStart(4, '0')}`;

/** The name the ReplicaSet of Deployment `workload` gives its `i`-th pod: `web-5d7c9f8b6d-k2x9p`. */
export const podName = (i: number, workload = 'web'): string => `${workload}-${TEMPLATE_HASH}-${suffix(i)}`;

export interface EventFixture {
  count?: number;
  /** When it was first and last seen; now unless said. */
  firstSeen?: string;
  lastSeen?: string;
  component?: string;
}

/** A Warning event about `about`, as a controller or the kubelet records it. */
export function warningEvent(
  about: KubeObject,
  reason: string,
  message: string,
  fixture: EventFixture = {},
): KubeObject {
  const last = fixture.lastSeen ?? timeAgo(0);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${about.metadata.name}.${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      namespace: about.metadata.namespace,
      creationTimestamp: last,
    },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      name: about.metadata.name,
      namespace: about.metadata.namespace,
      uid: about.metadata.uid,
    },
    type: 'Warning',
    reason,
    message,
    count: fixture.count ?? 1,
    firstTimestamp: fixture.firstSeen ?? last,
    lastTimestamp: last,
    source: { component: fixture.component ?? 'replicaset-controller' },
  };
}

/**
 * A Deployment and its current ReplicaSet, as the controllers leave them for `pods` (its own): as
 * many replicas wanted as pods unless `replicas` says more, ready counts from the pods, and, with a
 * `refusal`, the ReplicaFailure condition and the FailedCreate event of pods the API server refused.
 */
function deploymentOf(
  namespace: string,
  name: string,
  release: string,
  pods: readonly PodFixture[],
  replicas = pods.length,
  refusal?: string,
): { objects: KubeObject[]; replicaSet: KubeObject } {
  const ready = pods.filter((p) => p.ready !== false && p.waiting === undefined).length;
  const short = ready < replicas;
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      uid: randomUUID(),

      creationTimestamp: timeAgo(3 * DAY),
      ...releaseMeta(namespace, release),
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'example/web:1' }] },
      },
    },
    status: {
      replicas: pods.length,
      updatedReplicas: pods.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(short ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        short
          ? {
              type: 'Available',
              status: 'False',
              reason: 'MinimumReplicasUnavailable',
              message: 'Deployment does not have minimum availability.',
            }
          : {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'Deployment has minimum availability.',
            },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${name}-${TEMPLATE_HASH}" has successfully progressed.`,
        },
        ...(refusal ? [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: refusal }] : []),
      ],
    },
  };
  const replicaSet: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${TEMPLATE_HASH}`,
      namespace,
      uid: randomUUID(),
      labels: { app: name, 'pod-template-hash': TEMPLATE_HASH },
      ownerReferences: [controllerOf(deployment)],
      creationTimestamp: timeAgo(3 * DAY),
    },
    spec: { replicas, selector: { matchLabels: { app: name, 'pod-template-hash': TEMPLATE_HASH } } },
    status: { replicas: pods.length, readyReplicas: ready, availableReplicas: ready },
  };
  const events = refusal
    ? [
        warningEvent(replicaSet, 'FailedCreate', `Error creating: ${refusal}`, {
          count: 14,
          firstSeen: timeAgo(600_000),
        }),
      ]
    : [];
  return { objects: [deployment, replicaSet, ...events], replicaSet };
}

/**
 * Everything one installed tenant has: its namespace, release record, the chart's ServiceAccount,
 * Service and Deployments (each with its ReplicaSet owning its pods), the kubelet's BackOff events
 * of crash-looping pods, and its quota.
 */
export function tenant(name: string, fixture: TenantFixture = {}): KubeObject[] {
  const revision = fixture.revision ?? 1;
  const pods = fixture.pods ?? [{}, {}];
  const workloads = [...new Set(['web', ...pods.map((p) => p.workload ?? 'web')])];
  const meta = releaseMeta(name, name);
  const objects: KubeObject[] = [
    tenantNamespace(name, fixture),
    ...(revision > 0 ? [helmRelease(name, name, revision, fixture.releaseStatus, webappManifest(workloads))] : []),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: name, ...meta } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: name, ...meta },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP' }],
      },
    },
  ];
  for (const workload of workloads) {
    const own = pods.filter((p) => (p.workload ?? 'web') === workload);
    const wanted = workload === 'web' ? fixture.replicas : undefined;
    const refusal = workload === 'web' ? fixture.refusal : undefined;
    const { objects: made, replicaSet } = deploymentOf(name, workload, name, own, wanted, refusal);
    objects.push(...made);
    own.forEach((p, i) => {
      const made = pod(name, p.name ?? podName(i, workload), p, replicaSet);
      objects.push(made);
      if (p.waiting === 'CrashLoopBackOff') {
        const container = (p.containers ?? ['app'])[0];
        const message = `Back-off restarting failed container ${container} in pod ${made.metadata.name}_${name}(${made.metadata.uid})`;
        objects.push(
          warningEvent(made, 'BackOff', message, {
            count: p.restarts ?? 1,
            firstSeen: timeAgo(DAY - 60_000),
            component: 'kubelet',
          }),
        );
      }
    });
  }
  if (fixture.quota) objects.push(quota(name, fixture.quota));
  return objects;
}

/** `n` healthy tenants t001…, each with two pods, a release and a quota, and their pods' metrics. */
export function manyTenants(n: number, prefix = 't'): KubeObject[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `${prefix}${String(i + 1).padStart(3, '0')}`;
    const objects = tenant(name, { quota: { 'requests.cpu': '2', 'requests.memory': '4Gi' } });
    const pods = objects.filter((o) => o.kind === 'Pod');
    return [...objects, ...pods.map((p) => podMetrics(name, p.metadata.name, { app: ['5m', '20Mi'] }))];
  }).flat();
}

const RBAC_PATH = /^\/apis\/rbac\.authorization\.k8s\.io\//;

/**
 * What the `view` ClusterRole, bound in one namespace, lets its user do (as `policy kubeconfig
 * TENANT --role view` grants it): read that namespace and what is in it, except Secrets, RBAC
 * objects and metrics.k8s.io, which view does not cover; nothing cluster-wide; no writes.
 */
export function viewerOf(namespace: string): (request: RecordedRequest) => boolean {
  const inside = new RegExp(`^/(api/v1|apis/[^/]+/[^/]+)/namespaces/${namespace}/`);
  return (request) => {
    if (request.method !== 'GET') return false;
    if (request.path === `/api/v1/namespaces/${namespace}`) return true;
    if (!inside.test(request.path)) return false;
    if (RBAC_PATH.test(request.path) || request.path.startsWith('/apis/metrics.k8s.io/')) return false;
    return !/\/secrets(\/|$)/.test(request.path);
  };
}
