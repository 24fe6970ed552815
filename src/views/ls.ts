import { formatDuration } from '../core/duration.ts';
import { PHASE_ORDER } from '../core/tenant/status.ts';
import { type ColumnDef, type Listing, type SortKey, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';
import {
  PHASE_TONE,
  type TenantView,
  formatRequestsCpu,
  formatRequestsMemory,
  policyText,
  statusText,
  tenantDocument,
} from './tenant.ts';

export type LsSortKey = 'name' | 'age' | 'status';

/** The order of `--sort-by`; ties go by name. */
export function tenantOrder(sortBy: LsSortKey): (view: TenantView) => SortKey {
  return (v) => {
    const name = [v.tenant.name, v.tenant.source];
    if (sortBy === 'age') return [v.tenant.createdAt ?? '', ...name];
    if (sortBy === 'status') return [PHASE_ORDER.indexOf(v.status.phase), ...name];
    return name;
  };
}

/**
 * The columns of `kubectl mimt ls`, in order; `wide` ones show with -o wide only. A new column is one
 * entry here (and, if it needs data the inventory does not have yet, a field of TenantView).
 */
function columns(now: number): ColumnDef<TenantView>[] {
  return [
    { header: 'TENANT', value: (v) => v.tenant.name },
    { header: 'NAMESPACE', value: (v) => v.tenant.namespace },
    { header: 'SOURCE', value: (v) => v.tenant.source },
    { header: 'CHART', value: (v) => v.tenant.chart ?? '-' },
    { header: 'VERSION', value: (v) => v.tenant.chartVersion ?? '-' },
    { header: 'STATUS', value: (v) => statusText(v, now), tone: (v) => PHASE_TONE[v.status.phase] },
    { header: 'PODS', value: (v) => (v.pods ? `${v.pods.ready}/${v.pods.total}` : '<unknown>') },
    {
      header: 'AGE',
      value: (v) => (v.tenant.createdAt ? formatDuration(now - Date.parse(v.tenant.createdAt)) : '<unknown>'),
    },
    { header: 'RELEASE', value: (v) => v.tenant.release ?? '-', wide: true },
    { header: 'REVISION', value: (v) => (v.release ? String(v.release.revision) : '-'), wide: true },
    { header: 'PROFILE', value: (v) => v.tenant.profile ?? '-', wide: true },
    {
      header: 'POLICY',
      value: policyText,
      tone: (v) => (v.policy?.state === 'ok' ? 'green' : v.policy?.state === 'none' ? undefined : 'yellow'),
      wide: true,
    },
    { header: 'CPU', value: formatRequestsCpu, wide: true },
    { header: 'MEMORY', value: formatRequestsMemory, wide: true },
    { header: 'REASON', value: (v) => v.status.reason ?? '', wide: true },
  ];
}

/** The listing of `ls`: a row per tenant, a TenantList for -o json|yaml, tenant/NAME for -o name. */
export function tenantListing(
  views: readonly TenantView[],
  sortBy: LsSortKey,
  now: number,
  warnings: string[],
): Listing {
  return listing(views, columns(now), {
    order: tenantOrder(sortBy),
    document: { apiVersion: API_VERSION, kind: 'TenantList', items: views.map(tenantDocument) },
    name: (v) => `tenant/${v.tenant.name}`,
    emptyMessage: 'No tenants found',
    warnings,
  });
}
