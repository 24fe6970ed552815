import { formatDuration } from '../core/duration.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import { takeInventory } from '../core/tenant/inventory.ts';
import { resolveTenant } from '../core/tenant/resolve.ts';
import { PHASE_ORDER, type Phase } from '../core/tenant/status.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../output/result.ts';
import {
  API_VERSION,
  type TenantView,
  formatRequestsCpu,
  formatRequestsMemory,
  tenantDocument,
  viewTenants,
} from './tenant-view.ts';

export type SortKey = 'name' | 'age' | 'status';

export interface LsOptions {
  tenant?: string;
  selector?: string;
  source?: TenantSource;
  sortBy: SortKey;
}

export interface LsDeps {
  kube(): Promise<KubeClient>;
  now(): Date;
}

const TONE: Record<Phase, Tone | undefined> = {
  Ready: 'green',
  Progressing: 'yellow',
  Degraded: 'red',
  Failed: 'red',
  Terminating: 'dim',
  Unknown: 'yellow',
};

function compare(sortBy: SortKey): (a: TenantView, b: TenantView) => number {
  const byName = (a: TenantView, b: TenantView) =>
    a.tenant.name.localeCompare(b.tenant.name) || a.tenant.source.localeCompare(b.tenant.source);
  if (sortBy === 'age') {
    return (a, b) => (a.tenant.createdAt ?? '').localeCompare(b.tenant.createdAt ?? '') || byName(a, b);
  }
  if (sortBy === 'status') {
    return (a, b) => PHASE_ORDER.indexOf(a.status.phase) - PHASE_ORDER.indexOf(b.status.phase) || byName(a, b);
  }
  return byName;
}

export async function ls(options: LsOptions, deps: LsDeps): Promise<Listing> {
  const client = await deps.kube();
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  const inventory = await takeInventory(client);
  let views = viewTenants(inventory).filter(
    (v) => (options.source === undefined || v.tenant.source === options.source) && matches(v.tenant.labels),
  );
  if (options.tenant !== undefined) {
    const tenant = resolveTenant(
      views.map((v) => v.tenant),
      options.tenant,
      options.source,
    );
    views = views.filter((v) => v.tenant === tenant);
  }
  views.sort(compare(options.sortBy));
  const now = deps.now().getTime();
  const warnings = [
    ...inventory.warnings,
    ...views.flatMap((v) => v.tenant.problems.map((p) => `warning: tenant ${v.tenant.name}: ${p}`)),
  ];
  const columns: ColumnDef<TenantView>[] = [
    { header: 'TENANT', value: (v) => v.tenant.name },
    { header: 'NAMESPACE', value: (v) => v.tenant.namespace },
    { header: 'SOURCE', value: (v) => v.tenant.source },
    { header: 'CHART', value: (v) => v.tenant.chart ?? '-' },
    { header: 'VERSION', value: (v) => v.tenant.chartVersion ?? '-' },
    {
      header: 'STATUS',
      value: (v) =>
        v.status.phase === 'Degraded' && v.pods.worstReason ? `Degraded (${v.pods.worstReason})` : v.status.phase,
      tone: (v) => TONE[v.status.phase],
    },
    { header: 'PODS', value: (v) => `${v.pods.ready}/${v.pods.total}` },
    {
      header: 'AGE',
      value: (v) => (v.tenant.createdAt ? formatDuration(now - Date.parse(v.tenant.createdAt)) : '<unknown>'),
    },
    { header: 'RELEASE', value: (v) => v.tenant.release ?? '-', wide: true },
    { header: 'REVISION', value: (v) => (v.release ? String(v.release.revision) : '-'), wide: true },
    { header: 'PROFILE', value: (v) => v.tenant.profile ?? '-', wide: true },
    { header: 'CPU', value: formatRequestsCpu, wide: true },
    { header: 'MEMORY', value: formatRequestsMemory, wide: true },
    { header: 'REASON', value: (v) => v.status.reason ?? '', wide: true },
  ];
  return listing(views, columns, {
    document: { apiVersion: API_VERSION, kind: 'TenantList', items: views.map(tenantDocument) },
    name: (v) => `tenant/${v.tenant.name}`,
    emptyMessage: 'No tenants found',
    warnings,
  });
}
