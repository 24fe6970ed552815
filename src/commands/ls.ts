import { formatDuration } from '../core/duration.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import { takeInventory } from '../core/tenant/inventory.ts';
import { listingPolicies } from '../core/policy/listing.ts';
import { PHASE_ORDER } from '../core/tenant/status.ts';
import { tenantRelevance } from '../core/tenant/watch.ts';
import { type ColumnDef, type Document, type Frames, type Listing, listing } from '../output/result.ts';
import { takeDetail } from './ls-detail.ts';
import { type Snapshot, watchFrames } from './ls-watch.ts';
import {
  API_VERSION,
  PHASE_TONE,
  type TenantView,
  formatRequestsCpu,
  formatRequestsMemory,
  policyText,
  statusText,
  tenantDocument,
  viewTenants,
} from './tenant-view.ts';

export type SortKey = 'name' | 'age' | 'status';

export interface LsOptions {
  tenant?: string;
  selector?: string;
  source?: TenantSource;
  sortBy: SortKey;
  watch: boolean;
  /** Audit each tenant's policy for the POLICY column and status.policy (-o wide|json|yaml). */
  policy: boolean;
}

export interface LsDeps {
  kube(): Promise<KubeClient>;
  now(): Date;
  signal: AbortSignal;
}

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

/**
 * Every tenant, one row each, from one inventory (nine requests without KubePlus, ten with Warning events), and three more
 * lists when the policy is asked for.
 */
async function takeListing(client: KubeClient, options: LsOptions, deps: LsDeps): Promise<Snapshot<Listing>> {
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  const inventory = await takeInventory(client);
  const policies = options.policy ? await listingPolicies(client, inventory, inventory.report) : undefined;
  const views = viewTenants(inventory, policies)
    .filter((v) => (options.source === undefined || v.tenant.source === options.source) && matches(v.tenant.labels))
    .sort(compare(options.sortBy));
  const now = deps.now().getTime();
  const warnings = [
    ...inventory.report.lines(),
    ...views.flatMap((v) => v.tenant.problems.map((p) => `warning: tenant ${v.tenant.name}: ${p}`)),
  ];
  const columns: ColumnDef<TenantView>[] = [
    { header: 'TENANT', value: (v) => v.tenant.name },
    { header: 'NAMESPACE', value: (v) => v.tenant.namespace },
    { header: 'SOURCE', value: (v) => v.tenant.source },
    { header: 'CHART', value: (v) => v.tenant.chart ?? '-' },
    { header: 'VERSION', value: (v) => v.tenant.chartVersion ?? '-' },
    { header: 'STATUS', value: statusText, tone: (v) => PHASE_TONE[v.status.phase] },
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
  return {
    frame: listing(views, columns, {
      document: { apiVersion: API_VERSION, kind: 'TenantList', items: views.map(tenantDocument) },
      name: (v) => `tenant/${v.tenant.name}`,
      emptyMessage: 'No tenants found',
      warnings,
    }),
    listedAt: inventory.listedAt,
    relevant: tenantRelevance(new Set(inventory.tenants.map((t) => t.namespace))),
  };
}

/**
 * `ls` lists every tenant; `ls TENANT` describes one; `--watch` turns either into frames taken
 * again whenever the cluster reports a change that concerns them.
 */
export async function ls(options: LsOptions, deps: LsDeps): Promise<Listing | Document | Frames> {
  const client = await deps.kube();
  const take =
    options.tenant === undefined
      ? () => takeListing(client, options, deps)
      : () => takeDetail(client, options.tenant as string, options, deps);
  if (!options.watch) return (await take()).frame;
  return { type: 'frames', frames: watchFrames<Listing | Document>(client, take, deps.signal) };
}
