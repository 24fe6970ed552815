import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import { measureTenant } from '../core/metrics/aggregate.ts';
import { type MetricsSnapshot, takeMetricsSnapshot } from '../core/metrics/fetch.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import type { Frames, Listing } from '../output/result.ts';
import { listing } from '../output/result.ts';
import { containerFamilies, podFamilies, tenantFamilies } from './metrics-prometheus.ts';
import {
  type ContainerEntry,
  type PodEntry,
  type TenantMetrics,
  containerColumns,
  podColumns,
  tenantColumns,
  tenantMetricsDocument,
} from './metrics-view.ts';
import { API_VERSION, quotaUse } from './tenant-view.ts';

export type MetricsSortKey = 'cpu' | 'memory' | 'name';
export type Breakdown = 'tenants' | 'pods' | 'containers';

export interface MetricsOptions {
  /** One tenant by exact name; undefined means every tenant (`-A` says so explicitly). */
  tenant?: string;
  selector?: string;
  source?: TenantSource;
  breakdown: Breakdown;
  sortBy: MetricsSortKey;
  /** Re-measure every so many milliseconds until interrupted; undefined measures once. */
  watchIntervalMs?: number;
}

export interface MetricsDeps {
  kube(): Promise<KubeClient>;
  signal: AbortSignal;
}

/** Usage descending, unknown usage last, then by name: the noisy tenants come first. */
function byUsage<T>(usageOf: (item: T) => number | null, byName: (a: T, b: T) => number) {
  return (a: T, b: T): number => {
    const x = usageOf(a);
    const y = usageOf(b);
    if (x === y) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x || byName(a, b);
  };
}

const tenantByName = (a: TenantMetrics, b: TenantMetrics) =>
  a.tenant.name.localeCompare(b.tenant.name) || a.tenant.source.localeCompare(b.tenant.source);
const podByName = (a: PodEntry, b: PodEntry) => tenantByName(a.owner, b.owner) || a.pod.name.localeCompare(b.pod.name);
const containerByName = (a: ContainerEntry, b: ContainerEntry) =>
  podByName(a, b) || a.container.name.localeCompare(b.container.name);

function sorted<T>(
  items: T[],
  sortBy: MetricsSortKey,
  byName: (a: T, b: T) => number,
  measureOf: (item: T, resource: 'cpu' | 'memory') => { usage: number | null },
): T[] {
  if (sortBy === 'name') return items.sort(byName);
  return items.sort(byUsage((item) => measureOf(item, sortBy).usage, byName));
}

/** The tenants that the options select, each measured from its namespace's objects. */
export function measureTenants(snapshot: MetricsSnapshot, options: MetricsOptions): TenantMetrics[] {
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  return snapshot.tenants
    .filter((t) => (options.source === undefined || t.source === options.source) && matches(t.labels))
    .map((tenant) => ({
      tenant,
      figures: measureTenant(
        snapshot.pods.get(tenant.namespace) ?? [],
        snapshot.claims.get(tenant.namespace) ?? [],
        snapshot.usage,
      ),
      quota: quotaUse(snapshot.quotas.get(tenant.namespace) ?? []),
    }));
}

/** Joins the snapshot into one listing: tenants, or their pods or containers. */
export function present(snapshot: MetricsSnapshot, options: MetricsOptions): Listing {
  const available = snapshot.usage !== undefined;
  const unknown = available ? '<pending>' : '<unavailable>';
  const tenants = sorted(measureTenants(snapshot, options), options.sortBy, tenantByName, (m, r) => m.figures[r]);
  const warnings = [
    ...snapshot.report.lines(),
    ...(snapshot.unavailable ? [`warning: CPU and memory usage unavailable: ${snapshot.unavailable}`] : []),
  ];
  const document = {
    apiVersion: API_VERSION,
    kind: 'TenantMetricsList',
    metricsAPI: available ? { available } : { available, reason: snapshot.unavailable },
    items: tenants.map((m) => tenantMetricsDocument(m, options.breakdown)),
  };
  const base = { document, warnings };
  if (options.breakdown === 'tenants') {
    return listing(tenants, tenantColumns(unknown), {
      ...base,
      metrics: tenantFamilies(tenants, available),
      name: (m) => `tenant/${m.tenant.name}`,
      emptyMessage: 'No tenants found',
    });
  }
  const pods = tenants.flatMap((owner) => owner.figures.podFigures.map((pod) => ({ owner, pod })));
  if (options.breakdown === 'pods') {
    const rows = sorted(pods, options.sortBy, podByName, (e, r) => e.pod[r]);
    return listing(rows, podColumns(unknown), {
      ...base,
      metrics: podFamilies(rows, available),
      name: (e) => `pod/${e.pod.name}`,
      emptyMessage: 'No pods found in the selected tenants',
    });
  }
  const containers = pods.flatMap((entry) => entry.pod.containers.map((container) => ({ ...entry, container })));
  const rows = sorted(containers, options.sortBy, containerByName, (e, r) => e.container[r]);
  return listing(rows, containerColumns(unknown), {
    ...base,
    metrics: containerFamilies(rows, available),
    name: (e) => `pod/${e.pod.name}`,
    emptyMessage: 'No containers found in the selected tenants',
  });
}

/**
 * metrics.k8s.io cannot be watched, so --watch measures again every interval. A warning is said
 * once while it holds, and again only after it went away and came back.
 */
export async function* everyInterval(take: () => Promise<Listing>, intervalMs: number, signal: AbortSignal) {
  let said = new Set<string>();
  while (!signal.aborted) {
    const frame = await take();
    if (signal.aborted) return;
    const warnings = frame.warnings ?? [];
    yield { ...frame, warnings: warnings.filter((w) => !said.has(w)) };
    said = new Set(warnings);
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return;
    }
  }
}

export async function metrics(options: MetricsOptions, deps: MetricsDeps): Promise<Listing | Frames> {
  const client = await deps.kube();
  const take = async (): Promise<Listing> => {
    const snapshot = await takeMetricsSnapshot(client, { tenant: options.tenant, source: options.source });
    return present(snapshot, options);
  };
  if (options.watchIntervalMs === undefined) return take();
  return { type: 'frames', frames: everyInterval(take, options.watchIntervalMs, deps.signal) };
}
