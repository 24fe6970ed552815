import { MimtError, failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { ReadReport, isForbidden } from '../kube/read.ts';
import { collectionPath } from '../kube/resources.ts';
import { collect, unreadableIn } from '../kube/scope.ts';
import type { Tenant, TenantSource } from '../tenant/contract.ts';
import { PAGE_SIZE, groupByNamespace, listNamedTenants, readAcrossTenants } from '../tenant/inventory.ts';
import { resolveTenant } from '../tenant/resolve.ts';
import type { PersistentVolumeClaim, Pod } from './pods.ts';
import { type PodMetrics, type UsageIndex, indexUsage } from './usage.ts';

/** Everything `metrics` joins, fetched with a fixed number of requests whatever the tenant count. */
export interface MetricsSnapshot {
  tenants: Tenant[];
  pods: Map<string, Pod[]>;
  quotas: Map<string, KubeObject[]>;
  claims: Map<string, PersistentVolumeClaim[]>;
  /** Undefined when metrics.k8s.io could not be read; `unavailable` says why. */
  usage: UsageIndex | undefined;
  unavailable?: string;
  /** What could not be read for lack of permission; tenants whose pods it hides are left out. */
  report: ReadReport;
}

type UsageResult = { items: PodMetrics[] } | { unavailable: string; forbidden: boolean; namespace?: string };

function whyUnavailable(error: MimtError): string {
  if (error.status === 404) return 'the cluster does not serve metrics.k8s.io (is metrics-server installed?)';
  if (error.status === 503) return 'metrics.k8s.io is unavailable (HTTP 503): is metrics-server running and ready?';
  return error.message;
}

/**
 * Pod metrics from metrics.k8s.io. Any answer of the API server other than success means "no usage"
 * rather than a failure: requests, limits, quota and pod health are still worth showing.
 */
async function readUsage(client: KubeClient, namespace: string | undefined): Promise<UsageResult> {
  try {
    return {
      items: (await client.list<PodMetrics>(collectionPath('PodMetrics', namespace), { pageSize: PAGE_SIZE })).items,
    };
  } catch (error) {
    if (!(error instanceof MimtError && error.status !== undefined)) throw error;
    return { unavailable: whyUnavailable(error), forbidden: isForbidden(error), namespace };
  }
}

const listing =
  <T extends KubeObject>(client: KubeClient) =>
  async (path: string) =>
    client.list<T>(path, { pageSize: PAGE_SIZE });

/** Pods, quotas, claims and usage, cluster-wide or in each namespace of `scope`. */
async function namespaceData(client: KubeClient, scope: readonly string[] | undefined, report: ReadReport) {
  const [pods, quotas, claims, usage] = await Promise.all([
    collect('pods', 'Pod', scope, listing<Pod>(client), report),
    collect('ResourceQuotas', 'ResourceQuota', scope, listing(client), report),
    collect('PersistentVolumeClaims', 'PersistentVolumeClaim', scope, listing<PersistentVolumeClaim>(client), report),
    Promise.all((scope ?? [undefined]).map((namespace) => readUsage(client, namespace))),
  ]);
  const read = usage.filter((u) => 'items' in u);
  const failed = usage.filter((u) => 'unavailable' in u);
  // Usage unavailable everywhere is said once, as such; refused in some namespaces only, it is a
  // permission like any other, in the report.
  if (read.length) for (const f of failed) if (f.forbidden) report.forbidden('pod metrics', f.namespace);
  return {
    pods: groupByNamespace(pods.items),
    podsUnreadable: pods.unreadable,
    quotas: groupByNamespace(quotas.items),
    claims: groupByNamespace(claims.items),
    usage: read.length ? indexUsage(read.flatMap((u) => u.items)) : undefined,
    ...(read.length === 0 && failed[0] ? { unavailable: failed[0].unavailable } : {}),
  };
}

/** A tenant whose pods may not be read has no figures to show: it is left out, and the report says why. */
function measurable(tenants: Tenant[], unreadable: Map<string, string>): Tenant[] {
  return tenants.filter((t) => unreadableIn(unreadable, t.namespace) === undefined);
}

/**
 * All tenants: namespaces, KubePlus instances, pods, quotas, claims and pod metrics across the
 * cluster, in parallel (six requests without KubePlus), or in the namespaces a user without the
 * right to list them may read. One tenant: the tenant is resolved first, then the four lists are
 * scoped to its namespace.
 */
export async function takeMetricsSnapshot(
  client: KubeClient,
  scope: { tenant?: string; source?: TenantSource },
): Promise<MetricsSnapshot> {
  const report = new ReadReport();
  if (scope.tenant === undefined) {
    const { tenants, data } = await readAcrossTenants(client, [], report, (namespaces, into) =>
      namespaceData(client, namespaces, into),
    );
    const { podsUnreadable, ...rest } = data;
    return { tenants: measurable(tenants.tenants, podsUnreadable), ...rest, report };
  }
  // Named, the tenant's namespace is read even by a user who may not list namespaces.
  const found = await listNamedTenants(client, [scope.tenant], report);
  const tenant = resolveTenant(found.tenants, scope.tenant, scope.source);
  const { podsUnreadable, ...rest } = await namespaceData(client, [tenant.namespace], report);
  const refused = unreadableIn(podsUnreadable, tenant.namespace);
  // What was asked for cannot be answered without the tenant's pods: that is a failure, not a note.
  if (refused) throw failure(`tenant "${tenant.name}": ${refused} in namespace "${tenant.namespace}"`);
  return { tenants: [tenant], ...rest, report };
}
