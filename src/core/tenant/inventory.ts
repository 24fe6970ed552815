import {
  HELM_RECORD_SELECTOR,
  type ReleasePayload,
  type ReleaseRecord,
  decodeRelease,
  latestReleases,
  releaseRecordSelector,
} from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { ReadReport, getOptional, isForbidden, isNotFound, readOptional } from '../kube/read.ts';
import { collectionPath, customResource, objectPath } from '../kube/resources.ts';
import {
  type Collected,
  type NamespaceRead,
  collect,
  readInScope,
  readNamespaces,
  readSelectedNamespaces,
} from '../kube/scope.ts';
import { tableRows } from '../kube/table.ts';
import type { WatchTarget } from '../kube/watch.ts';
import {
  KUBEPLUS_API_GROUP,
  KUBEPLUS_API_VERSION,
  type Tenant,
  type TenantSource,
  tenantNamespaceSelector,
} from './contract.ts';
import { type KubePlusNamespaces, discoverTenants, kubePlusNamespaces, parseHelmRelease } from './discover.ts';
import { canNameNamespace } from './name.ts';
import { type PodRow, podReady, summarizePods } from './pods.ts';
import { resolveTenant } from './resolve.ts';
import {
  type Shortfall,
  WORKLOAD_KINDS,
  type WarningEventObject,
  refusalsIn,
  schedulingProblem,
  seenAt,
  shortfallText,
  shortfalls,
} from './workloads.ts';

/**
 * Items per list request. kubectl pages by 500; mimt takes pages big enough that a listing of ten
 * thousand tenants (twenty thousand pods) still costs one request per list, while a page stays a
 * bounded answer on far bigger clusters. A page costs no more memory than its items: they are
 * parsed one by one as they arrive (core/kube/list-items.ts). At 10,000 tenants, pages of 5000 made
 * `ls` send 17 requests, with the same peak memory and time.
 */
export const PAGE_SIZE = 50_000;

/** Everything a listing joins, fetched with a fixed number of requests whatever the tenant count. */
export interface Inventory {
  tenants: Tenant[];
  releases: Map<string, ReleaseRecord[]>;
  pods: Map<string, PodRow[]>;
  quotas: Map<string, KubeObject[]>;
  /** Deployments, StatefulSets, DaemonSets and Jobs (kind set), by namespace. */
  workloads: Map<string, KubeObject[]>;
  /** Warning events, by namespace: read only when some controller or pod lacks ready pods. */
  events: Map<string, WarningEventObject[]>;
  /** The namespaces read (metadata only), by name; tenantInventory reads none. */
  namespaces: Map<string, KubeObject>;
  /** KubePlus Kind → the chart its ResourceComposition installs. */
  kubePlusCharts: Map<string, string>;
  /** `<namespace>/<release>` → the chart of the deployed release, for KubePlus tenants. */
  releaseCharts: Map<string, ReleasePayload['chart']>;
  /** Namespaces labelled managedby=kubeplus that are not tenants. */
  kubePlusNamespaces: KubePlusNamespaces;
  /** Why pods, Helm release records or quotas could not be read, by namespace (see scope.ts). */
  unreadable: { pods: Map<string, string>; releases: Map<string, string>; quotas: Map<string, string> };
  /** The namespace, pod and release record lists taken, for a watch to follow from. */
  listedAt: WatchTarget[];
  /** Set when only some namespaces were looked at (namespaces could not be listed, or one tenant). */
  scope?: string[];
  /** What could not be read for lack of permission. */
  report: ReadReport;
}

interface Composition extends KubeObject {
  spec?: { newResource?: { resource?: { kind?: string; plural?: string }; chartName?: string; chartURL?: string } };
}

export function groupByNamespace<T extends { metadata: { namespace?: string } }>(items: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const ns = item.metadata.namespace ?? '';
    const group = map.get(ns);
    if (group) group.push(item);
    else map.set(ns, [item]);
  }
  return map;
}

interface KubePlusRead {
  instances: KubePlusInstance[];
  charts: Map<string, string>;
  /** Where the ResourceCompositions are: KubePlus's own namespace. */
  homes: string[];
  /** The ResourceCompositions could not be listed (403); a missing CRD (404) is no KubePlus. */
  forbidden?: boolean;
}

async function kubePlusInstances(client: KubeClient, report: ReadReport): Promise<KubePlusRead> {
  let compositions: { items: Composition[] };
  try {
    compositions = await client.list<Composition>(collectionPath('ResourceComposition'));
  } catch (error) {
    if (!(isForbidden(error) || isNotFound(error))) throw error;
    return { instances: [], charts: new Map(), homes: [], forbidden: isForbidden(error) };
  }
  const charts = new Map<string, string>();
  const lists = await Promise.all(
    compositions.items.map(async (composition) => {
      const resource = composition.spec?.newResource;
      const kind = resource?.resource?.kind;
      const plural = resource?.resource?.plural;
      if (!kind || !plural) return [];
      const chart = resource.chartName ?? resource.chartURL;
      if (chart) charts.set(kind, chart);
      const path = collectionPath(customResource(KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION, kind, plural));
      const list = await readOptional(`${kind} instances`, client.list<KubePlusInstance>(path), { items: [] }, report);
      return list.items.map((item) => ({ ...item, kind }));
    }),
  );
  const homes = [...new Set(compositions.items.map((c) => c.metadata.namespace ?? ''))];
  return { instances: lists.flat(), charts, homes };
}

/** Tenants from both sources, with what a listing needs to know about how they were read. */
export interface TenantsRead {
  tenants: Tenant[];
  namespaces: KubeObject[];
  kubePlusCharts: Map<string, string>;
  kubePlusNamespaces: KubePlusNamespaces;
  scope?: string[];
  listedAt?: WatchTarget;
}

async function readTenants(client: KubeClient, names: readonly string[], report: ReadReport): Promise<TenantsRead> {
  const [namespaces, kubeplus] = await Promise.all([
    readNamespaces(client, names, PAGE_SIZE, report),
    kubePlusInstances(client, report),
  ]);
  // Without the right to list namespaces, KubePlus instances out of sight are one more thing the
  // scope note explains; with it, a refused composition list is worth its own mention.
  if (kubeplus.forbidden && namespaces.scope === undefined) report.forbidden('KubePlus ResourceCompositions');
  return {
    tenants: tenantsIn(namespaces, kubeplus.instances),
    namespaces: namespaces.items,
    kubePlusCharts: kubeplus.charts,
    kubePlusNamespaces: kubePlusNamespaces(
      { namespaces: namespaces.items, instances: kubeplus.instances },
      kubeplus.homes,
    ),
    scope: namespaces.scope,
    listedAt: namespaces.listedAt,
  };
}

/**
 * Every tenant from both sources: two requests, plus one per KubePlus Kind. Without the right to
 * list namespaces, the tenants of the context's namespace and of `names` (see core/kube/scope.ts).
 */
export async function listTenants(
  client: KubeClient,
  options: { names?: readonly string[] } = {},
  report = new ReadReport(),
): Promise<TenantsRead & { report: ReadReport }> {
  return { ...(await readTenants(client, options.names ?? [], report)), report };
}

/** The named tenants, and the charts of KubePlus's Kinds, which their description shows. */
export type NamedTenants = Pick<TenantsRead, 'tenants' | 'kubePlusCharts'>;

/**
 * The tenants called `names`, without listing every namespace: the namespaces labelled as theirs (one
 * list) and the KubePlus instances, then the namespace of each KubePlus instance so named. A command
 * about one tenant costs the same among ten thousand tenants as among ten.
 */
export async function listNamedTenants(
  client: KubeClient,
  names: readonly string[],
  report = new ReadReport(),
): Promise<NamedTenants> {
  const selectable = names.filter(canNameNamespace);
  const [namespaces, kubeplus] = await Promise.all([
    selectable.length
      ? readSelectedNamespaces(client, names, tenantNamespaceSelector(selectable), report)
      : readNamespaces(client, names, PAGE_SIZE, report),
    kubePlusInstances(client, report),
  ]);
  if (kubeplus.forbidden && namespaces.scope === undefined) report.forbidden('KubePlus ResourceCompositions');
  const instances = kubeplus.instances.filter((i) => names.includes(i.metadata.name));
  const read = new Set(namespaces.items.map((ns) => ns.metadata.name));
  // With a limited scope, the instance's namespace was read already if it could be.
  const theirs =
    namespaces.scope === undefined
      ? [...new Set(instances.map((i) => parseHelmRelease(i.status?.helmrelease)?.namespace ?? i.metadata.name))]
      : [];
  const more = await Promise.all(
    theirs
      .filter((ns) => !read.has(ns))
      .map((ns) => getOptional<KubeObject>(client, objectPath('Namespace', undefined, ns))),
  );
  const items = [...namespaces.items, ...more.filter((ns): ns is KubeObject => ns !== undefined)];
  return {
    tenants: tenantsIn({ ...namespaces, items }, instances).filter((t) => names.includes(t.name)),
    kubePlusCharts: kubeplus.charts,
  };
}

/** THE way a command turns a tenant name into a Tenant: exact name, either source, mismatches kept. */
export async function findTenant(
  client: KubeClient,
  name: string,
  source?: TenantSource,
  report = new ReadReport(),
): Promise<Tenant> {
  return resolveTenant((await listNamedTenants(client, [name], report)).tenants, name, source);
}

/**
 * The tenants, and `read` of the namespaces they live in: cluster-wide, or, for a user who may not
 * list namespaces, in the namespaces that could be named. The one way every listing command reads
 * across tenants; its request count does not depend on the number of tenants.
 */
export async function readAcrossTenants<T>(
  client: KubeClient,
  names: readonly string[],
  report: ReadReport,
  read: (scope: string[] | undefined, report: ReadReport) => Promise<T>,
): Promise<{ tenants: TenantsRead; data: T }> {
  const { namespaces, data } = await readInScope(readTenants(client, names, report), read, report);
  return { tenants: namespaces, data };
}

/**
 * The tenants the namespaces and instances describe. With a limited scope, a KubePlus instance whose
 * namespace lies outside it is left out: its namespace was not looked at, so nothing is known of it.
 */
function tenantsIn(namespaces: NamespaceRead, instances: KubePlusInstance[]): Tenant[] {
  const { scope } = namespaces;
  const tenants = discoverTenants({ namespaces: namespaces.items, instances });
  return scope === undefined ? tenants : tenants.filter((t) => scope.includes(t.namespace));
}

/** The workloads of one kind, each item with its kind set (list items come without it). */
function workloadsOf(client: KubeClient, kind: string, scope: readonly string[] | undefined, report: ReadReport) {
  return collect(
    `${kind}s`,
    kind,
    scope,
    async (path) => {
      const list = await client.list(path, { pageSize: PAGE_SIZE });
      return { items: list.items.map((item) => ({ ...item, kind })), resourceVersion: list.metadata?.resourceVersion };
    },
    report,
  );
}

const warningEvents = (client: KubeClient, scope: readonly string[] | undefined, report: ReadReport) =>
  collect(
    'Warning events',
    'Event',
    scope,
    (path) => client.list<WarningEventObject>(path, { fieldSelector: 'type=Warning', pageSize: PAGE_SIZE }),
    report,
  );

/**
 * The controllers of `scope` (or the cluster) that want pods they lack, with why: one list per
 * workload kind, and the Warning events only when some controller is short.
 */
export async function readShortfalls(
  client: KubeClient,
  scope: readonly string[] | undefined,
  report: ReadReport,
): Promise<{ shortfalls: Shortfall[]; workloads: Collected<KubeObject>[] }> {
  const workloads = await Promise.all(WORKLOAD_KINDS.map((kind) => workloadsOf(client, kind, scope, report)));
  const items = workloads.flatMap((w) => w.items);
  if (!shortfalls(items).length) return { shortfalls: [], workloads };
  return { shortfalls: shortfalls(items, (await warningEvents(client, scope, report)).items), workloads };
}

/**
 * Pods (as the server's table), Helm release records, quotas and workloads, cluster-wide or in
 * `scope`; then, only when some controller or pod lacks ready pods, the Warning events that say why.
 */
async function namespaceData(
  client: KubeClient,
  scope: readonly string[] | undefined,
  report: ReadReport,
  alwaysEvents = false,
) {
  const [pods, records, quotas, workloads] = await Promise.all([
    collect(
      'pods',
      'Pod',
      scope,
      async (path) => {
        const table = await client.table(path, { pageSize: PAGE_SIZE });
        return { items: tableRows(table), resourceVersion: table.metadata?.resourceVersion };
      },
      report,
      { metadataOnly: true },
    ),
    collect(
      'Helm release records (Secrets)',
      'Secret',
      scope,
      async (path) => {
        const list = await client.list(path, {
          metadataOnly: true,
          labelSelector: HELM_RECORD_SELECTOR,
          pageSize: PAGE_SIZE,
        });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
      },
      report,
      { metadataOnly: true, labelSelector: HELM_RECORD_SELECTOR },
    ),
    collect(
      'ResourceQuotas',
      'ResourceQuota',
      scope,
      async (path) => client.list(path, { pageSize: PAGE_SIZE }),
      report,
    ),
    Promise.all(WORKLOAD_KINDS.map((kind) => workloadsOf(client, kind, scope, report))),
  ]);
  const workloadItems = workloads.flatMap((w) => w.items);
  const short = alwaysEvents || shortfalls(workloadItems).length > 0 || pods.items.some((p) => !podReady(p));
  const events = short
    ? await warningEvents(client, scope, report)
    : { items: [], unreadable: new Map(), listedAt: [] };
  return {
    pods,
    records,
    quotas,
    workloads: { items: workloadItems, listedAt: workloads.flatMap((w) => w.listedAt) },
    events: events.items,
  };
}

/**
 * The chart (name and version) each KubePlus tenant runs, which KubePlus records nowhere but in
 * Helm's release payload: one list of the deployed release records of those releases, whatever
 * their number, and none without KubePlus tenants. mimt tenants carry theirs in annotations.
 */
async function releaseCharts(
  client: KubeClient,
  tenants: readonly Tenant[],
  scope: readonly string[] | undefined,
  report: ReadReport,
): Promise<Map<string, ReleasePayload['chart']>> {
  const releases = tenants.filter((t) => t.source === 'kubeplus' && t.release && !t.namespaceMissing);
  const charts = new Map<string, ReleasePayload['chart']>();
  if (!releases.length) return charts;
  const selector = releaseRecordSelector(
    releases.map((t) => t.release as string),
    'deployed',
  );
  const records = await collect(
    'Helm release records (Secrets)',
    'Secret',
    scope,
    async (path) => client.list(path, { labelSelector: selector, pageSize: PAGE_SIZE }),
    report,
  );
  for (const record of records.items) {
    const payload = decodeRelease(record);
    if (payload) charts.set(`${payload.namespace}/${payload.name}`, payload.chart);
  }
  return charts;
}

function joined(
  tenants: Tenant[],
  data: Awaited<ReturnType<typeof namespaceData>>,
  rest: Pick<
    Inventory,
    'namespaces' | 'kubePlusCharts' | 'releaseCharts' | 'kubePlusNamespaces' | 'scope' | 'report'
  > & {
    listedAt: WatchTarget[];
  },
): Inventory {
  return {
    tenants,
    releases: latestReleases(data.records.items),
    pods: groupByNamespace(data.pods.items),
    quotas: groupByNamespace(data.quotas.items),
    workloads: groupByNamespace(data.workloads.items),
    events: groupByNamespace(data.events),
    unreadable: { pods: data.pods.unreadable, releases: data.records.unreadable, quotas: data.quotas.unreadable },
    ...rest,
    listedAt: [...rest.listedAt, ...data.pods.listedAt, ...data.records.listedAt, ...data.workloads.listedAt],
  };
}

/**
 * Lists namespaces (metadata only), KubePlus instances, pods (as the server's table), Helm release
 * records (metadata only), ResourceQuotas and the four workload kinds across the cluster, in
 * parallel, and joins them in memory: nine requests without KubePlus, ten when Warning events are
 * needed. Without the right to list namespaces, the namespaced lists are taken again in the namespaces that can be named (`names` and the context's namespace).
 */
export async function takeInventory(
  client: KubeClient,
  options: { names?: readonly string[] } = {},
  report = new ReadReport(),
): Promise<Inventory> {
  const { tenants, data } = await readAcrossTenants(client, options.names ?? [], report, (scope, into) =>
    namespaceData(client, scope, into),
  );
  return joined(tenants.tenants, data, {
    namespaces: new Map(tenants.namespaces.map((ns) => [ns.metadata.name, ns])),
    kubePlusCharts: tenants.kubePlusCharts,
    releaseCharts: await releaseCharts(client, tenants.tenants, tenants.scope, report),
    kubePlusNamespaces: tenants.kubePlusNamespaces,
    scope: tenants.scope,
    report,
    listedAt: tenants.listedAt ? [tenants.listedAt] : [],
  });
}

/** The inventory of one tenant: its namespace's pods, release records, quotas and workloads (seven or eight requests). */
export async function tenantInventory(
  client: KubeClient,
  tenant: Tenant,
  report = new ReadReport(),
): Promise<Inventory> {
  const [data, charts] = await Promise.all([
    namespaceData(client, [tenant.namespace], report),
    releaseCharts(client, [tenant], [tenant.namespace], report),
  ]);
  return joined([tenant], data, {
    namespaces: new Map(),
    kubePlusCharts: new Map(),
    releaseCharts: charts,
    kubePlusNamespaces: { home: [], unclaimed: [] },
    scope: [tenant.namespace],
    report,
    listedAt: [],
  });
}

/**
 * Why a namespace's workloads do not run, in plain words, for the error of an install that failed:
 * controllers that lack pods for a lasting reason, FailedCreate refusals since `since` (an upgrade
 * that was rolled back leaves no controller short, but its refusals stay), pods in a bad state, and
 * the scheduler's verdict. Empty when nothing says why.
 */
export async function workloadProblems(client: KubeClient, namespace: string, since: Date): Promise<string[]> {
  const data = await namespaceData(client, [namespace], new ReadReport(), true);
  const events = data.events.filter((e) => seenAt(e) >= since.getTime() - 1000);
  const short = shortfalls(data.workloads.items, events);
  const blocked = short.filter((s) => s.blocking).map(shortfallText);
  const refusals = blocked.length ? [] : refusalsIn(events);
  const pods = summarizePods(data.pods.items);
  const scheduling = schedulingProblem(events);
  return [
    ...blocked,
    ...refusals,
    ...(pods.worstReason ? [`${pods.total - pods.ready} of ${pods.total} pods not ready: ${pods.worstReason}`] : []),
    ...(scheduling ? [scheduling] : []),
  ];
}
