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
  /** Pods, each ready unless given otherwise. */
  pods?: PodFixture[];
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

/**
 * Helm's release record `sh.helm.release.v1.<release>.v<revision>`: its labels say the state, its
 * payload (gzip, base64, twice as Helm stores it) the release, which mimt never needs to read.
 */
export function helmRelease(namespace: string, release: string, revision = 1, status = 'deployed'): KubeObject {
  const payload = gzipSync(JSON.stringify({ name: release, namespace, version: revision, info: { status } }));
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
}

export function pod(namespace: string, name: string, fixture: PodFixture = {}): KubeObject {
  const containers = fixture.containers ?? ['app'];
  const ready = fixture.ready !== false && fixture.waiting === undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: fixture.labels ?? { app: 'web' }, creationTimestamp: timeAgo(DAY) },
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

/** Everything one installed tenant has: its namespace, release record, pods and quota. */
export function tenant(name: string, fixture: TenantFixture = {}): KubeObject[] {
  const revision = fixture.revision ?? 1;
  const pods = fixture.pods ?? [{}, {}];
  return [
    tenantNamespace(name, fixture),
    ...(revision > 0 ? [helmRelease(name, name, revision, fixture.releaseStatus)] : []),
    ...pods.map((p, i) => pod(name, p.name ?? `${name}-web-${i}`, p)),
    ...(fixture.quota ? [quota(name, fixture.quota)] : []),
  ];
}

/** `n` healthy tenants t001…, each with two pods, a release and a quota, and their pods' metrics. */
export function manyTenants(n: number, prefix = 't'): KubeObject[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `${prefix}${String(i + 1).padStart(3, '0')}`;
    return [
      ...tenant(name, { quota: { 'requests.cpu': '2', 'requests.memory': '4Gi' } }),
      podMetrics(name, `${name}-web-0`, { app: ['5m', '20Mi'] }),
      podMetrics(name, `${name}-web-1`, { app: ['5m', '20Mi'] }),
    ];
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
