import { HELM_RECORD_SELECTOR, type ReleaseRecord } from '../helm/records.ts';
import { type ReleaseObject, readReleaseObjects } from '../helm/release.ts';
import { ResourceFinder } from '../kube/discovery.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { type ReadReport, getOptional, readOptional } from '../kube/read.ts';
import { collectionPath, objectPath } from '../kube/resources.ts';
import { parseSelector } from '../kube/selector.ts';
import { type ServerTable, tableRows } from '../kube/table.ts';
import { POLICY_KINDS } from '../policy/apply.ts';
import { describePolicyObject } from '../policy/describe.ts';
import { type PolicySummary, policySummary } from '../policy/summary.ts';
import { type Tenant, helmReleaseOf, isKubePlusPolicy, isPolicyObject } from '../tenant/contract.ts';
import { type WarningEvent, recentWarnings } from '../tenant/events.ts';
import type { PodRow } from '../tenant/pods.ts';
import {
  type Ingress,
  type NodeAddresses,
  type Service,
  type TenantUrl,
  ingressUrls,
  serviceUrls,
} from '../tenant/urls.ts';

/** One object of the tenant (in its namespace, or cluster-scoped from its release), as the detail view lists it. */
export interface TenantResource {
  kind: string;
  name: string;
  /** Where it comes from: the tenant's Helm release, mimt's (or KubePlus's) policy, or neither. */
  origin: 'release' | 'policy' | 'other';
  status: string;
  /** Set for an object of the release outside the tenant's namespace: the cluster, or another namespace. */
  scope?: 'cluster' | string;
  /** Set for a release object that is a hook or one of the chart's CRDs rather than a template. */
  part?: 'hook' | 'crd';
}

/** Everything `ls TENANT` shows beyond the listing row. */
export interface TenantDetail {
  resources: TenantResource[];
  urls: TenantUrl[];
  events: WarningEvent[];
  policy: PolicySummary;
}

type Cells = Record<string, unknown>;

const count = (n: unknown, one: string): string => `${String(n)} ${one}${String(n) === '1' ? '' : 's'}`;
const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/**
 * The kinds a tenant namespace usually holds, read as the API server's tables (kubectl get's
 * columns), and how each row's columns read as one status.
 */
const TABLE_KINDS: { kind: string; status: (c: Cells) => string }[] = [
  { kind: 'Deployment', status: (c) => `${text(c.Ready)} ready, ${text(c.Available)} available` },
  { kind: 'StatefulSet', status: (c) => `${text(c.Ready)} ready` },
  { kind: 'DaemonSet', status: (c) => `${text(c.Ready)}/${text(c.Desired)} ready` },
  { kind: 'Job', status: (c) => `${text(c.Status)} (${text(c.Completions)} completions)` },
  {
    kind: 'PersistentVolumeClaim',
    status: (c) => [text(c.Status), text(c.Capacity)].filter(Boolean).join(' '),
  },
  { kind: 'ConfigMap', status: (c) => count(c.Data, 'key') },
  { kind: 'Secret', status: (c) => `${text(c.Type)}, ${count(c.Data, 'key')}` },
];

/** Workloads first, then how they are reached, their storage and configuration, then policy. */
const KIND_ORDER = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Service',
  'Ingress',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Secret',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
];

/** Kinds not in KIND_ORDER come after those that are, by name. */
const kindRank = (kind: string): number => {
  const rank = KIND_ORDER.indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
};

const EMPTY_TABLE: ServerTable = { columnDefinitions: [], rows: [] };
const isReleaseRecord = parseSelector(HELM_RECORD_SELECTOR);

function origin(tenant: Tenant, kind: string, metadata: KubeObject['metadata']): TenantResource['origin'] {
  const release = helmReleaseOf(metadata.annotations);
  if (release !== undefined && release === tenant.release) return 'release';
  if (isPolicyObject(metadata.labels ?? {})) return 'policy';
  if (tenant.source === 'kubeplus' && kind === 'NetworkPolicy' && isKubePlusPolicy(metadata.name)) {
    return 'policy';
  }
  return 'other';
}

function serviceStatus(service: Service): string {
  const spec = service.spec ?? {};
  const ports = (spec.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  const lb = service.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname).filter(Boolean) ?? [];
  const external = spec.type === 'LoadBalancer' ? ` ${lb.length ? lb.join(',') : '<pending>'}` : '';
  return `${spec.type ?? 'ClusterIP'} ${spec.clusterIP ?? ''}${external} ${ports}`.replace(/\s+/g, ' ').trim();
}

function ingressStatus(ingress: Ingress): string {
  const hosts = (ingress.spec?.rules ?? []).map((r) => r.host ?? '*');
  const address = ingress.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname).filter(Boolean) ?? [];
  const tls = ingress.spec?.tls?.length ? ', TLS' : '';
  return `hosts ${hosts.join(',') || '*'}${tls}, address ${address.join(',') || '<pending>'}`;
}

/** The nodes whose addresses NodePort URLs use: those running the tenant's pods, else the first. */
function nodesFor(table: ServerTable, pods: readonly PodRow[]): NodeAddresses[] {
  const address = (cell: unknown) => (cell && cell !== '<none>' ? String(cell) : undefined);
  const nodes = tableRows(table)
    .map((row) => ({
      name: row.metadata.name,
      internalIP: address(row.cells['Internal-IP']),
      externalIP: address(row.cells['External-IP']),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const used = new Set(pods.map((p) => String(p.cells.Node ?? '')));
  const running = nodes.filter((n) => used.has(n.name));
  return running.length ? running : nodes.slice(0, 1);
}

/**
 * Reads what lives in one tenant's namespace: the usual kinds as server-side tables, Services and
 * Ingresses whole (for URLs), Warning events, and the nodes when a NodePort needs their addresses.
 * A constant number of requests, all at once; what the user may not read is left out and reported.
 */
export async function tenantDetail(
  client: KubeClient,
  tenant: Tenant,
  pods: readonly PodRow[],
  report: ReadReport,
  release?: ReleaseRecord,
): Promise<TenantDetail> {
  const ns = tenant.namespace;
  const unreadablePolicy: string[] = [];
  const listIn = <T extends KubeObject>(what: string, kind: string, query: { fieldSelector?: string } = {}) =>
    readOptional(what, client.list<T>(collectionPath(kind, ns), query), { items: [] as T[] }, report, ns);
  // Listed kind by kind (not with policyObjects) so that one forbidden kind leaves the others shown.
  const policyKind = async (kind: string): Promise<KubeObject[]> => {
    const list = await readOptional(`${kind}s`, client.list(collectionPath(kind, ns)), undefined, report, ns);
    if (report.refused(`${kind}s`, ns)) unreadablePolicy.push(`${kind}s`);
    return (list?.items ?? []).map((item) => ({ ...item, apiVersion: list?.apiVersion, kind }));
  };
  const [tables, policyLists, services, ingresses, events, namespace, manifest] = await Promise.all([
    Promise.all(
      TABLE_KINDS.map(async (k) => ({
        ...k,
        table: await readOptional(`${k.kind}s`, client.table(collectionPath(k.kind, ns)), EMPTY_TABLE, report, ns),
      })),
    ),
    Promise.all(POLICY_KINDS.map(policyKind)),
    listIn<Service>('Services', 'Service'),
    listIn<Ingress>('Ingresses', 'Ingress'),
    listIn('Warning events', 'Event', { fieldSelector: 'type=Warning' }),
    tenant.namespaceMissing
      ? undefined
      : readOptional(
          'the namespace',
          getOptional<KubeObject>(client, objectPath('Namespace', undefined, ns)),
          undefined,
          report,
        ),
    release
      ? readOptional('the Helm release (Secret)', readReleaseObjects(client, release), undefined, report, ns)
      : undefined,
  ]);
  const nodeTable = services.items.some((s) => s.spec?.type === 'NodePort')
    ? await readOptional('nodes (for NodePort addresses)', client.table(collectionPath('Node')), EMPTY_TABLE, report)
    : EMPTY_TABLE;
  const policyObjects = policyLists.flat();

  const resource = (kind: string, metadata: KubeObject['metadata'], status: string): TenantResource => ({
    kind,
    name: metadata.name,
    origin: origin(tenant, kind, metadata),
    status,
  });
  const resources: TenantResource[] = [
    ...tables.flatMap((k) =>
      tableRows(k.table)
        // Helm's release records are the release itself, shown as such, not one of its objects.
        .filter((row) => !(k.kind === 'Secret' && isReleaseRecord(row.metadata.labels ?? {})))
        .map((row) => resource(k.kind, row.metadata, k.status(row.cells))),
    ),
    ...policyObjects.map((o) => resource(o.kind as string, o.metadata, describePolicyObject(o))),
    ...services.items.map((s) => resource('Service', s.metadata, serviceStatus(s))),
    ...ingresses.items.map((i) => resource('Ingress', i.metadata, ingressStatus(i))),
  ];
  // Hooks carry no release annotation: the release's own manifest says they are its.
  const inRelease = new Map((manifest ?? []).map((o) => [`${o.kind}/${o.namespace ?? ns}/${o.name}`, o]));
  for (const r of resources) {
    const object = inRelease.get(`${r.kind}/${ns}/${r.name}`);
    if (!object) continue;
    r.origin = 'release';
    if (object.part === 'hook') {
      r.part = 'hook';
      r.status = `${(object.hookEvents ?? []).join(',')} hook, ${r.status}`;
    }
  }
  const listed = new Set(resources.map((r) => `${r.kind}/${ns}/${r.name}`));
  const others = await releaseResources(client, tenant, manifest ?? [], listed, report);
  resources.push(...others);
  resources.sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      (a.scope ?? '').localeCompare(b.scope ?? '') ||
      a.name.localeCompare(b.name),
  );
  const nodes = nodesFor(nodeTable, pods);
  return {
    resources,
    urls: [...ingresses.items.flatMap(ingressUrls), ...services.items.flatMap((s) => serviceUrls(s, nodes))],
    events: recentWarnings(events.items),
    policy: policySummary(tenant, namespace, policyObjects, unreadablePolicy),
  };
}

type Fields = Record<string, unknown>;
const field = (o: KubeObject, key: string): Fields => (o[key] ?? {}) as Fields;
const num = (v: unknown): string => (typeof v === 'number' ? String(v) : '?');

/** A one-line status of an object the namespace's lists did not cover, read whole. */
function objectStatus(o: KubeObject): string {
  const spec = field(o, 'spec');
  const status = field(o, 'status');
  const conditions = (status.conditions ?? []) as { type?: string; status?: string }[];
  switch (o.kind) {
    case 'HorizontalPodAutoscaler':
      return `${num(status.currentReplicas)}/${num(status.desiredReplicas)} replicas (min ${num(spec.minReplicas ?? 1)}, max ${num(spec.maxReplicas)})`;
    case 'PodDisruptionBudget':
      return `${num(status.currentHealthy)}/${num(status.desiredHealthy)} healthy, ${num(status.disruptionsAllowed)} disruptions allowed`;
    case 'CronJob':
      return `schedule "${String(spec.schedule ?? '?')}"${spec.suspend ? ', suspended' : ''}, last run ${String(status.lastScheduleTime ?? 'never')}`;
    case 'CustomResourceDefinition':
      return conditions.some((c) => c.type === 'Established' && c.status === 'True')
        ? 'Established'
        : 'not established';
    case 'Role':
    case 'ClusterRole':
      return count(((o.rules ?? []) as unknown[]).length, 'rule');
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const role = (o.roleRef ?? {}) as { kind?: string; name?: string };
      const subjects = ((o.subjects ?? []) as { kind?: string; name?: string; namespace?: string }[]).map(
        (x) => `${x.kind ?? '?'} ${x.namespace ? `${x.namespace}/` : ''}${x.name ?? '?'}`,
      );
      return `${role.kind ?? '?'} ${role.name ?? '?'} to ${subjects.join(', ') || 'nobody'}`;
    }
    default:
      return 'present';
  }
}

/** A hook Helm deletes after it ran, or before it runs again, is gone by design, not missing. */
function absentStatus(object: ReleaseObject): string {
  if (object.part !== 'hook') return 'missing';
  const when = (object.hookEvents ?? []).join(',') || 'hook';
  return (object.hookDeletePolicies ?? []).some((p) => p === 'hook-succeeded' || p === 'hook-failed')
    ? `${when} hook, deleted after it ran`
    : `${when} hook, missing`;
}

/**
 * The release's objects that the namespace's lists did not cover (an HPA, a PodDisruptionBudget,
 * a CronJob, cluster-scoped RBAC and CRDs, a custom resource, …), each read by itself: one
 * request per object, plus one discovery request per API group version mimt does not know.
 */
async function releaseResources(
  client: KubeClient,
  tenant: Tenant,
  objects: readonly ReleaseObject[],
  listed: ReadonlySet<string>,
  report: ReadReport,
): Promise<TenantResource[]> {
  const finder = new ResourceFinder(client);
  const seen = new Set<string>();
  const found = await Promise.all(
    objects.map(async (object): Promise<TenantResource | undefined> => {
      const resource = await finder.find(object.apiVersion, object.kind).catch(() => undefined);
      const namespace = resource && !resource.namespaced ? undefined : (object.namespace ?? tenant.namespace);
      const key = `${object.kind}/${namespace ?? ''}/${object.name}`;
      if (listed.has(key) || seen.has(key)) return undefined;
      seen.add(key);
      const base = {
        kind: object.kind,
        name: object.name,
        origin: 'release' as const,
        ...(namespace === undefined
          ? { scope: 'cluster' }
          : namespace !== tenant.namespace
            ? { scope: namespace }
            : {}),
        ...(object.part !== 'template' ? { part: object.part } : {}),
      };
      if (!resource) return { ...base, status: `${object.apiVersion} not served by the API server` };
      const live = await readOptional(
        `${object.kind}s`,
        getOptional<KubeObject>(client, objectPath(resource, namespace, object.name)),
        null,
        report,
        namespace,
      );
      if (live === null) return { ...base, status: '<unknown>' };
      if (live === undefined) return { ...base, status: absentStatus(object) };
      const status = objectStatus({ ...live, kind: object.kind });
      return {
        ...base,
        status: object.part === 'hook' ? `${(object.hookEvents ?? []).join(',')} hook, ${status}` : status,
      };
    }),
  );
  return found.filter((r): r is TenantResource => r !== undefined);
}
