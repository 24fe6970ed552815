import { HELM_RECORD_SELECTOR } from '../helm/records.ts';
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

/** One object in the tenant's namespace, as the detail view lists it. */
export interface TenantResource {
  kind: string;
  name: string;
  /** Where it comes from: the tenant's Helm release, mimt's (or KubePlus's) policy, or neither. */
  origin: 'release' | 'policy' | 'other';
  status: string;
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
  'Service',
  'Ingress',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Secret',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'RoleBinding',
];

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
  const [tables, policyLists, services, ingresses, events, namespace] = await Promise.all([
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
  const resources = [
    ...tables.flatMap((k) =>
      tableRows(k.table)
        // Helm's release records are the release itself, shown as such, not one of its objects.
        .filter((row) => !(k.kind === 'Secret' && isReleaseRecord(row.metadata.labels ?? {})))
        .map((row) => resource(k.kind, row.metadata, k.status(row.cells))),
    ),
    ...policyObjects.map((o) => resource(o.kind as string, o.metadata, describePolicyObject(o))),
    ...services.items.map((s) => resource('Service', s.metadata, serviceStatus(s))),
    ...ingresses.items.map((i) => resource('Ingress', i.metadata, ingressStatus(i))),
  ].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  const nodes = nodesFor(nodeTable, pods);
  return {
    resources,
    urls: [...ingresses.items.flatMap(ingressUrls), ...services.items.flatMap((s) => serviceUrls(s, nodes))],
    events: recentWarnings(events.items),
    policy: policySummary(tenant, namespace, policyObjects, unreadablePolicy),
  };
}
