import { formatDuration } from '../core/duration.ts';
import type { ReleaseRecord } from '../core/helm/records.ts';
import type { KubeObject } from '../core/kube/objects.ts';
import { formatBytes, formatCpu, parseQuantity } from '../core/quantity.ts';
import type { Tenant } from '../core/tenant/contract.ts';
import type { Inventory } from '../core/tenant/inventory.ts';
import { type PodSummary, summarizePods } from '../core/tenant/pods.ts';
import type { PolicySummary } from '../core/policy/summary.ts';
import { unreadableIn } from '../core/kube/scope.ts';
import { statusIn } from '../core/tenant/health.ts';
import type { Phase, TenantStatus } from '../core/tenant/status.ts';
import type { Tone } from '../output/result.ts';
import { API_VERSION } from './document.ts';

export const PHASE_TONE: Record<Phase, Tone | undefined> = {
  Ready: 'green',
  Progressing: 'yellow',
  Degraded: 'red',
  Failed: 'red',
  Terminating: 'dim',
  Unknown: 'yellow',
  Suspended: 'dim',
};

export interface QuotaUse {
  used: number;
  hard: number;
}

/** One tenant joined with its release, pods and quota: what `ls` shows and prints as JSON. */
export interface TenantView {
  tenant: Tenant;
  release?: ReleaseRecord;
  /** Undefined when the pods could not be read (no permission). */
  pods?: PodSummary;
  status: TenantStatus;
  quota: Record<string, QuotaUse>;
  /** Only when the listing was asked for it (-o wide|json|yaml): it costs three more lists. */
  policy?: PolicySummary;
}

export function quotaUse(quotas: KubeObject[]): Record<string, QuotaUse> {
  const use: Record<string, QuotaUse> = {};
  for (const quota of quotas) {
    const status = quota.status as { hard?: Record<string, string>; used?: Record<string, string> } | undefined;
    for (const [resource, hardText] of Object.entries(status?.hard ?? {})) {
      const hard = parseQuantity(hardText);
      const used = parseQuantity(status?.used?.[resource] ?? '0');
      // With several quotas on one resource the tightest one is the one that bites.
      if (
        hard !== undefined &&
        used !== undefined &&
        (use[resource] === undefined || hard < (use[resource] as QuotaUse).hard)
      ) {
        use[resource] = { used, hard };
      }
    }
  }
  return use;
}

function releaseOf(tenant: Tenant, releases: ReleaseRecord[]): ReleaseRecord | undefined {
  return releases.find((r) => r.name === tenant.release);
}

export function viewTenants(inventory: Inventory, policies?: Map<Tenant, PolicySummary>): TenantView[] {
  return inventory.tenants.map((tenant) => {
    const release = releaseOf(tenant, inventory.releases.get(tenant.namespace) ?? []);
    const podsUnreadable = unreadableIn(inventory.unreadable.pods, tenant.namespace);
    const pods = summarizePods(inventory.pods.get(tenant.namespace) ?? []);
    // KubePlus records the chart only in Helm's release; its composition names what it would install.
    const running = inventory.releaseCharts.get(`${tenant.namespace}/${tenant.release}`);
    const chart =
      tenant.chart ?? running?.name ?? (tenant.kind ? inventory.kubePlusCharts.get(tenant.kind) : undefined);
    const chartVersion = tenant.chartVersion ?? running?.version;
    return {
      tenant: { ...tenant, chart, chartVersion },
      release,
      pods: podsUnreadable === undefined ? pods : undefined,
      status: statusIn(inventory, tenant),
      quota: quotaUse(inventory.quotas.get(tenant.namespace) ?? []),
      ...(policies ? { policy: policies.get(tenant) } : {}),
    };
  });
}

/** The POLICY column: `-` where no mimt profile is recorded, as the PROFILE column says. */
export function policyText(view: TenantView): string {
  if (!view.policy) return '-';
  return view.policy.state === 'none' && view.policy.profile === null ? '-' : view.policy.state;
}

/** The STATUS column: the phase, with the one-word cause when Degraded and how long when Suspended. */
export function statusText(view: TenantView, now: number): string {
  if (view.status.phase === 'Degraded' && view.status.cause) return `Degraded (${view.status.cause})`;
  const since = view.tenant.suspendedAt === undefined ? Number.NaN : Date.parse(view.tenant.suspendedAt);
  if (view.status.phase === 'Suspended' && Number.isFinite(since)) {
    return `Suspended (for ${formatDuration(now - since)})`;
  }
  return view.status.phase;
}

/** `1200m/4 (30%)`; `1200m` without a quota; `-` when nothing is known. */
export function formatQuotaUse(use: QuotaUse | undefined, format: (n: number) => string): string {
  if (!use) return '-';
  const share = use.hard > 0 ? ` (${Math.round((use.used / use.hard) * 100)}%)` : '';
  return `${format(use.used)}/${format(use.hard)}${share}`;
}

export const formatRequestsCpu = (view: TenantView): string => formatQuotaUse(view.quota['requests.cpu'], formatCpu);
export const formatRequestsMemory = (view: TenantView): string =>
  formatQuotaUse(view.quota['requests.memory'], formatBytes);

/** The Tenant object of docs/tenancy-contract.md. Field names are stable: scripts read them. */
export function tenantDocument(view: TenantView): Record<string, unknown> {
  const { tenant, release, pods, status } = view;
  const spec: Record<string, unknown> = {
    namespace: tenant.namespace,
    source: tenant.source,
    chart: tenant.chart ?? null,
    ...(tenant.chartRef ? { chartRef: tenant.chartRef } : {}),
    chartVersion: tenant.chartVersion ?? null,
    release: tenant.release ?? null,
    profile: tenant.profile ?? null,
  };
  if (tenant.kind) spec.kind = tenant.kind;
  const body: Record<string, unknown> = {
    phase: status.phase,
    ...(status.reason ? { reason: status.reason } : {}),
    ...(tenant.suspendedAt !== undefined ? { suspendedAt: tenant.suspendedAt } : {}),
    release: release ? { status: release.status, revision: release.revision } : null,
    pods: pods ? { ready: pods.ready, total: pods.total, restarts: pods.restarts } : null,
  };
  if (Object.keys(view.quota).length) body.quota = view.quota;
  if (view.policy) {
    const { profile, state, reason } = view.policy;
    body.policy = { profile, state, ...(reason ? { reason } : {}) };
  }
  if (tenant.problems.length) body.problems = tenant.problems;
  return {
    apiVersion: API_VERSION,
    kind: 'Tenant',
    metadata: { name: tenant.name, creationTimestamp: tenant.createdAt ?? null, labels: tenant.labels },
    spec,
    status: body,
  };
}
