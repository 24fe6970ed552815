import { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import type { Tenant, TenantSource } from '../tenant/contract.ts';
import { PAGE_SIZE, groupByNamespace, listTenants, optional } from '../tenant/inventory.ts';
import { resolveTenant } from '../tenant/resolve.ts';
import type { PersistentVolumeClaim, Pod } from './pods.ts';
import { type PodMetrics, type UsageIndex, indexUsage } from './usage.ts';

export const METRICS_API = '/apis/metrics.k8s.io/v1beta1';

/** Everything `metrics` joins, fetched with a fixed number of requests whatever the tenant count. */
export interface MetricsSnapshot {
  tenants: Tenant[];
  pods: Map<string, Pod[]>;
  quotas: Map<string, KubeObject[]>;
  claims: Map<string, PersistentVolumeClaim[]>;
  /** Undefined when metrics.k8s.io could not be read; `unavailable` says why. */
  usage: UsageIndex | undefined;
  unavailable?: string;
  warnings: string[];
}

type UsageResult = { usage: UsageIndex } | { unavailable: string };

function whyUnavailable(error: MimtError): string {
  if (error.status === 404) return 'the cluster does not serve metrics.k8s.io (is metrics-server installed?)';
  if (error.status === 503) return 'metrics.k8s.io is unavailable (HTTP 503): is metrics-server running and ready?';
  return error.message;
}

/**
 * Pod metrics from metrics.k8s.io. Any answer of the API server other than success means "no usage"
 * rather than a failure: requests, limits, quota and pod health are still worth showing.
 */
async function readUsage(client: KubeClient, path: string): Promise<UsageResult> {
  try {
    return { usage: indexUsage((await client.list<PodMetrics>(path, { pageSize: PAGE_SIZE })).items) };
  } catch (error) {
    if (error instanceof MimtError && error.status !== undefined) return { unavailable: whyUnavailable(error) };
    throw error;
  }
}

/** Lists of one namespace when a tenant is named, of the whole cluster otherwise. */
function paths(namespace: string | undefined) {
  const scope = namespace === undefined ? '' : `/namespaces/${namespace}`;
  return {
    pods: `/api/v1${scope}/pods`,
    quotas: `/api/v1${scope}/resourcequotas`,
    claims: `/api/v1${scope}/persistentvolumeclaims`,
    usage: `${METRICS_API}${scope}/pods`,
  };
}

async function namespaceData(client: KubeClient, namespace: string | undefined, warnings: string[]) {
  const at = paths(namespace);
  const [pods, quotas, claims, usage] = await Promise.all([
    client.list<Pod>(at.pods, { pageSize: PAGE_SIZE }),
    optional('ResourceQuotas', client.list(at.quotas, { pageSize: PAGE_SIZE }), { items: [] }, warnings),
    optional(
      'PersistentVolumeClaims',
      client.list<PersistentVolumeClaim>(at.claims, { pageSize: PAGE_SIZE }),
      { items: [] },
      warnings,
    ),
    readUsage(client, at.usage),
  ]);
  return {
    pods: groupByNamespace(pods.items),
    quotas: groupByNamespace(quotas.items),
    claims: groupByNamespace(claims.items),
    usage: 'usage' in usage ? usage.usage : undefined,
    ...('unavailable' in usage ? { unavailable: usage.unavailable } : {}),
  };
}

/**
 * All tenants: namespaces, KubePlus instances, pods, quotas, claims and pod metrics across the
 * cluster, in parallel (six requests without KubePlus). One tenant: the tenant is resolved first,
 * then the four lists are scoped to its namespace.
 */
export async function takeMetricsSnapshot(
  client: KubeClient,
  scope: { tenant?: string; source?: TenantSource },
): Promise<MetricsSnapshot> {
  const warnings: string[] = [];
  if (scope.tenant === undefined) {
    const [found, data] = await Promise.all([listTenants(client), namespaceData(client, undefined, warnings)]);
    return { tenants: found.tenants, ...data, warnings: [...found.warnings, ...warnings] };
  }
  // Named, the tenant's namespace is read even by a user who may not list namespaces.
  const found = await listTenants(client, { names: [scope.tenant] });
  const tenant = resolveTenant(found.tenants, scope.tenant, scope.source);
  const data = await namespaceData(client, tenant.namespace, warnings);
  return { tenants: [tenant], ...data, warnings: [...found.warnings, ...warnings] };
}
