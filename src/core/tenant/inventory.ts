import { MimtError } from '../errors.ts';
import { HELM_RECORD_SELECTOR, type ReleaseRecord, latestReleases } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { tableRows } from '../kube/table.ts';
import type { WatchTarget } from '../kube/watch.ts';
import { KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION, type Tenant, type TenantSource } from './contract.ts';
import { discoverTenants } from './discover.ts';
import type { PodRow } from './pods.ts';
import { resolveTenant } from './resolve.ts';
import { type Collected, collect, readNamespaces } from './scope.ts';

export const KUBEPLUS_COMPOSITIONS = '/apis/workflows.kubeplus/v1alpha1/resourcecompositions';

/**
 * Items per list request. kubectl pages by 500; mimt takes bigger pages so that a listing of a
 * thousand tenants (a thousand namespaces, two thousand pods) still costs one request per list,
 * while a page stays a bounded answer on far bigger clusters.
 */
export const PAGE_SIZE = 5000;

/** Everything a listing joins, fetched with a fixed number of requests whatever the tenant count. */
export interface Inventory {
  tenants: Tenant[];
  releases: Map<string, ReleaseRecord[]>;
  pods: Map<string, PodRow[]>;
  quotas: Map<string, KubeObject[]>;
  /** The namespaces read (metadata only), by name; tenantInventory reads none. */
  namespaces: Map<string, KubeObject>;
  /** KubePlus Kind → the chart its ResourceComposition installs. */
  kubePlusCharts: Map<string, string>;
  /** Why pods, Helm release records or quotas could not be read, by namespace (see scope.ts). */
  unreadable: { pods: Map<string, string>; releases: Map<string, string>; quotas: Map<string, string> };
  /** The namespace, pod and release record lists taken, for a watch to follow from. */
  listedAt: WatchTarget[];
  /** Set when only some namespaces were looked at (namespaces could not be listed, or one tenant). */
  scope?: string[];
  warnings: string[];
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

/** A 403 on a secondary list becomes a warning and an empty answer; anything else still fails. */
export async function optional<T>(what: string, fetch: Promise<T>, empty: T, warnings: string[]): Promise<T> {
  try {
    return await fetch;
  } catch (error) {
    if (error instanceof MimtError && (error.status === 403 || error.status === 404)) {
      if (error.status === 403) warnings.push(`warning: cannot list ${what}: ${error.message}`);
      return empty;
    }
    throw error;
  }
}

interface KubePlusRead {
  instances: KubePlusInstance[];
  charts: Map<string, string>;
  /** Why the ResourceCompositions could not be listed (403); a missing CRD (404) is no KubePlus. */
  forbidden?: string;
}

async function kubePlusInstances(client: KubeClient, warnings: string[]): Promise<KubePlusRead> {
  let compositions: { items: Composition[] };
  try {
    compositions = await client.list<Composition>(KUBEPLUS_COMPOSITIONS);
  } catch (error) {
    if (!(error instanceof MimtError && (error.status === 403 || error.status === 404))) throw error;
    return { instances: [], charts: new Map(), ...(error.status === 403 ? { forbidden: error.message } : {}) };
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
      const path = `/apis/${KUBEPLUS_API_GROUP}/${KUBEPLUS_API_VERSION}/${plural}`;
      const list = await optional(`${kind} instances`, client.list<KubePlusInstance>(path), { items: [] }, warnings);
      return list.items.map((item) => ({ ...item, kind }));
    }),
  );
  return { instances: lists.flat(), charts };
}

/**
 * Says that KubePlus instances could not be listed: in full, unless the user may not list namespaces
 * either, when it is one more thing out of sight and the note about the namespaces already says why.
 */
function kubePlusWarning(kubeplus: KubePlusRead, scope: string[] | undefined): string[] {
  if (kubeplus.forbidden === undefined) return [];
  if (scope !== undefined)
    return ['note: KubePlus instances cannot be listed either (no permission on ResourceCompositions).'];
  return [`warning: cannot list KubePlus ResourceCompositions: ${kubeplus.forbidden}`];
}

/** Tenants from both sources, with what a listing needs to know about how they were read. */
interface TenantsRead {
  tenants: Tenant[];
  namespaces: KubeObject[];
  kubePlusCharts: Map<string, string>;
  scope?: string[];
  listedAt?: WatchTarget;
  warnings: string[];
}

async function readTenants(client: KubeClient, names: readonly string[]): Promise<TenantsRead> {
  const warnings: string[] = [];
  const [namespaces, kubeplus] = await Promise.all([
    readNamespaces(client, names, PAGE_SIZE, warnings),
    kubePlusInstances(client, warnings),
  ]);
  return {
    tenants: tenantsIn(namespaces.items, namespaces.scope, kubeplus.instances),
    namespaces: namespaces.items,
    kubePlusCharts: kubeplus.charts,
    scope: namespaces.scope,
    listedAt: namespaces.listedAt,
    warnings: [...warnings, ...kubePlusWarning(kubeplus, namespaces.scope)],
  };
}

/**
 * Every tenant from both sources: two requests, plus one per KubePlus Kind. Without the right to
 * list namespaces, the tenants of the context's namespace and of `names` (see scope.ts).
 */
export async function listTenants(
  client: KubeClient,
  options: { names?: readonly string[] } = {},
): Promise<{ tenants: Tenant[]; kubePlusCharts: Map<string, string>; warnings: string[] }> {
  const { tenants, kubePlusCharts, warnings } = await readTenants(client, options.names ?? []);
  return { tenants, kubePlusCharts, warnings };
}

/** THE way a command turns a tenant name into a Tenant: exact name, either source, mismatches kept. */
export async function findTenant(client: KubeClient, name: string, source?: TenantSource): Promise<Tenant> {
  return resolveTenant((await listTenants(client, { names: [name] })).tenants, name, source);
}

/**
 * The tenants the namespaces and instances describe. With a limited scope, a KubePlus instance whose
 * namespace lies outside it is left out: its namespace was not looked at, so nothing is known of it.
 */
function tenantsIn(namespaces: KubeObject[], scope: string[] | undefined, instances: KubePlusInstance[]): Tenant[] {
  const tenants = discoverTenants({ namespaces, instances });
  return scope === undefined ? tenants : tenants.filter((t) => scope.includes(t.namespace));
}

/** Pods (as the server's table), Helm release records and quotas, cluster-wide or in `scope`. */
async function namespaceData(client: KubeClient, scope: readonly string[] | undefined, warnings: string[]) {
  const [pods, records, quotas] = await Promise.all([
    collect(
      'pods',
      'pods',
      scope,
      async (path) => {
        const table = await client.table(path, { pageSize: PAGE_SIZE });
        return { items: tableRows(table), resourceVersion: table.metadata?.resourceVersion };
      },
      warnings,
      { metadataOnly: true },
    ),
    collect(
      'Helm release records (Secrets)',
      'secrets',
      scope,
      async (path) => {
        const list = await client.list(path, {
          metadataOnly: true,
          labelSelector: HELM_RECORD_SELECTOR,
          pageSize: PAGE_SIZE,
        });
        return { items: list.items, resourceVersion: list.metadata?.resourceVersion };
      },
      warnings,
      { metadataOnly: true, labelSelector: HELM_RECORD_SELECTOR },
    ),
    collect(
      'ResourceQuotas',
      'resourcequotas',
      scope,
      async (path) => client.list(path, { pageSize: PAGE_SIZE }),
      warnings,
    ),
  ]);
  return { pods, records, quotas };
}

function joined(
  tenants: Tenant[],
  data: { pods: Collected<PodRow>; records: Collected<KubeObject>; quotas: Collected<KubeObject> },
  rest: Pick<Inventory, 'namespaces' | 'kubePlusCharts' | 'scope' | 'warnings'> & { listedAt: WatchTarget[] },
): Inventory {
  return {
    tenants,
    releases: latestReleases(data.records.items),
    pods: groupByNamespace(data.pods.items),
    quotas: groupByNamespace(data.quotas.items),
    unreadable: { pods: data.pods.unreadable, releases: data.records.unreadable, quotas: data.quotas.unreadable },
    ...rest,
    listedAt: [...rest.listedAt, ...data.pods.listedAt, ...data.records.listedAt],
  };
}

/**
 * Lists namespaces (metadata only), KubePlus instances, pods (as the server's table), Helm release
 * records (metadata only) and ResourceQuotas across the cluster, in parallel, and joins them in
 * memory: five requests without KubePlus. Without the right to list namespaces, the namespaced lists
 * are taken again in the namespaces that can be named (`names` and the context's namespace).
 */
export async function takeInventory(
  client: KubeClient,
  options: { names?: readonly string[] } = {},
): Promise<Inventory> {
  const everywhereWarnings: string[] = [];
  const everywhere = namespaceData(client, undefined, everywhereWarnings);
  // Not awaited when the scope turns out limited; its failure must not go unhandled then.
  everywhere.catch(() => undefined);
  const read = await readTenants(client, options.names ?? []);
  const warnings = [...read.warnings];
  let data: Awaited<typeof everywhere>;
  if (read.scope === undefined) {
    data = await everywhere;
    warnings.push(...everywhereWarnings);
  } else {
    data = await namespaceData(client, read.scope, warnings);
  }
  return joined(read.tenants, data, {
    namespaces: new Map(read.namespaces.map((ns) => [ns.metadata.name, ns])),
    kubePlusCharts: read.kubePlusCharts,
    scope: read.scope,
    warnings,
    listedAt: read.listedAt ? [read.listedAt] : [],
  });
}

/** The inventory of one tenant: its namespace's pods, release records and quotas (three requests). */
export async function tenantInventory(client: KubeClient, tenant: Tenant): Promise<Inventory> {
  const warnings: string[] = [];
  const data = await namespaceData(client, [tenant.namespace], warnings);
  return joined([tenant], data, {
    namespaces: new Map(),
    kubePlusCharts: new Map(),
    scope: [tenant.namespace],
    warnings,
    listedAt: [],
  });
}
