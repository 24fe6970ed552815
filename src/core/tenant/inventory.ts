import { MimtError } from '../errors.ts';
import { HELM_RECORD_SELECTOR, type ReleaseRecord, latestReleases } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { tableRows } from '../kube/table.ts';
import { KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION, type Tenant, type TenantSource } from './contract.ts';
import { discoverTenants } from './discover.ts';
import type { PodRow } from './pods.ts';
import { resolveTenant } from './resolve.ts';

export const KUBEPLUS_COMPOSITIONS = '/apis/workflows.kubeplus/v1alpha1/resourcecompositions';

/** Everything a listing joins, fetched with a fixed number of requests whatever the tenant count. */
export interface Inventory {
  tenants: Tenant[];
  releases: Map<string, ReleaseRecord[]>;
  pods: Map<string, PodRow[]>;
  quotas: Map<string, KubeObject[]>;
  /** KubePlus Kind → the chart its ResourceComposition installs. */
  kubePlusCharts: Map<string, string>;
  warnings: string[];
}

interface Composition extends KubeObject {
  spec?: { newResource?: { resource?: { kind?: string; plural?: string }; chartName?: string; chartURL?: string } };
}

export function groupByNamespace<T extends { metadata: { namespace?: string } }>(items: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const ns = item.metadata.namespace ?? '';
    map.set(ns, [...(map.get(ns) ?? []), item]);
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

async function kubePlusInstances(
  client: KubeClient,
  warnings: string[],
): Promise<{ instances: KubePlusInstance[]; charts: Map<string, string> }> {
  const compositions = await optional(
    'KubePlus ResourceCompositions',
    client.list<Composition>(KUBEPLUS_COMPOSITIONS),
    { items: [] },
    warnings,
  );
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

/** Every tenant from both sources: two requests, plus one per KubePlus Kind. */
export async function listTenants(client: KubeClient): Promise<{ tenants: Tenant[]; warnings: string[] }> {
  const warnings: string[] = [];
  const [namespaces, kubeplus] = await Promise.all([
    client.list('/api/v1/namespaces', { metadataOnly: true }),
    kubePlusInstances(client, warnings),
  ]);
  return { tenants: discoverTenants({ namespaces: namespaces.items, instances: kubeplus.instances }), warnings };
}

/** THE way a command turns a tenant name into a Tenant: exact name, either source, mismatches kept. */
export async function findTenant(client: KubeClient, name: string, source?: TenantSource): Promise<Tenant> {
  return resolveTenant((await listTenants(client)).tenants, name, source);
}

/**
 * Lists namespaces (metadata only), KubePlus instances, pods (as the server's table), Helm release
 * records (metadata only) and ResourceQuotas across the cluster, and joins them in memory.
 */
export async function takeInventory(client: KubeClient): Promise<Inventory> {
  const warnings: string[] = [];
  const [namespaces, kubeplus, podTable, records, quotas] = await Promise.all([
    client.list('/api/v1/namespaces', { metadataOnly: true }),
    kubePlusInstances(client, warnings),
    optional('pods', client.table('/api/v1/pods'), { columnDefinitions: [], rows: [] }, warnings),
    optional(
      'Helm release records (Secrets)',
      client.list('/api/v1/secrets', { metadataOnly: true, labelSelector: HELM_RECORD_SELECTOR }),
      { items: [] },
      warnings,
    ),
    optional('ResourceQuotas', client.list('/api/v1/resourcequotas'), { items: [] }, warnings),
  ]);
  return {
    tenants: discoverTenants({ namespaces: namespaces.items, instances: kubeplus.instances }),
    releases: latestReleases(records.items),
    pods: groupByNamespace(tableRows(podTable)),
    quotas: groupByNamespace(quotas.items),
    kubePlusCharts: kubeplus.charts,
    warnings,
  };
}

/** The inventory of one tenant: its namespace's pods, release records and quotas (three requests). */
export async function tenantInventory(client: KubeClient, tenant: Tenant): Promise<Inventory> {
  const warnings: string[] = [];
  const base = `/api/v1/namespaces/${tenant.namespace}`;
  const [podTable, records, quotas] = await Promise.all([
    optional('pods', client.table(`${base}/pods`), { columnDefinitions: [], rows: [] }, warnings),
    optional(
      'Helm release records (Secrets)',
      client.list(`${base}/secrets`, { metadataOnly: true, labelSelector: HELM_RECORD_SELECTOR }),
      { items: [] },
      warnings,
    ),
    optional('ResourceQuotas', client.list(`${base}/resourcequotas`), { items: [] }, warnings),
  ]);
  return {
    tenants: [tenant],
    releases: latestReleases(records.items),
    pods: groupByNamespace(tableRows(podTable)),
    quotas: groupByNamespace(quotas.items),
    kubePlusCharts: new Map(),
    warnings,
  };
}
