import { parseSelector } from '../core/kube/selector.ts';
import {
  type ContainerFigures,
  type Measure,
  type PodFigures,
  type TenantFigures,
  measureTenant,
} from '../core/metrics/aggregate.ts';
import type { MetricsSnapshot } from '../core/metrics/fetch.ts';
import { formatBytes, formatCpu, tidy } from '../core/quantity.ts';
import type { Tenant, TenantSource } from '../core/tenant/contract.ts';
import { type ColumnDef, type Listing, type SortKey, type Tone, compareSortKeys, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';
import { containerFamilies, podFamilies, tenantFamilies } from './metrics-prometheus.ts';
import { type QuotaUse, quotaUse } from './tenant.ts';

/** One tenant's figures joined with its ResourceQuota use. */
export interface TenantMetrics {
  tenant: Tenant;
  figures: TenantFigures;
  quota: Record<string, QuotaUse>;
}

export interface PodEntry {
  owner: TenantMetrics;
  pod: PodFigures;
}

export interface ContainerEntry extends PodEntry {
  container: ContainerFigures;
}

export type Resource = 'cpu' | 'memory';

/** What stands in a table for usage that is not known, and why. */
export type UnknownUsage = '<pending>' | '<unavailable>';

const FORMAT: Record<Resource, (n: number) => string> = { cpu: formatCpu, memory: formatBytes };
const HEADER: Record<Resource, string> = { cpu: 'CPU', memory: 'MEMORY' };

/** The quota that caps what a tenant reserves: `requests.cpu`, or its older synonym `cpu`. */
export function requestsQuota(quota: Record<string, QuotaUse>, resource: Resource): QuotaUse | undefined {
  return quota[`requests.${resource}`] ?? quota[resource];
}

/** part / whole, or null when either is unknown or there is nothing to divide by. */
export function share(part: number | null, whole: number | undefined): number | null {
  return part === null || whole === undefined || whole <= 0 ? null : part / whole;
}

function percent(fraction: number | null): string {
  return fraction === null ? '' : ` (${Math.round(fraction * 100)}%)`;
}

/** `80m/200m (40%)`; `80m` when there is nothing to compare with; `<pending>/200m` when unknown. */
function usageAgainst(usage: number | null, whole: number | undefined, resource: Resource, unknown: string): string {
  const format = FORMAT[resource];
  const shown = usage === null ? unknown : format(usage);
  if (whole === undefined || whole <= 0) return shown;
  return `${shown}/${format(whole)}${percent(share(usage, whole))}`;
}

function quotaTone(fraction: number | null): Tone | undefined {
  if (fraction === null) return undefined;
  return fraction >= 1 ? 'red' : fraction >= 0.8 ? 'yellow' : undefined;
}

/** Usage against requests: how well the tenant sized its pods. */
function usageColumn<T>(resource: Resource, measureOf: (item: T) => Measure, unknown: UnknownUsage): ColumnDef<T> {
  return {
    header: `${HEADER[resource]} USE/REQ`,
    value: (item) => usageAgainst(measureOf(item).usage, measureOf(item).requests, resource, unknown),
  };
}

function limitsColumn<T>(resource: Resource, measureOf: (item: T) => Measure): ColumnDef<T> {
  return {
    header: `${HEADER[resource]} LIMITS`,
    value: (item) => FORMAT[resource](measureOf(item).limits),
    wide: true,
  };
}

export function tenantColumns(unknown: UnknownUsage): ColumnDef<TenantMetrics>[] {
  const measureOf = (resource: Resource) => (m: TenantMetrics) => m.figures[resource];
  /** Usage against the requests quota: how close the tenant runs to what it may reserve. */
  const againstQuota = (resource: Resource): ColumnDef<TenantMetrics> => {
    const fraction = (m: TenantMetrics) => share(m.figures[resource].usage, requestsQuota(m.quota, resource)?.hard);
    return {
      header: `${HEADER[resource]} USE/QUOTA`,
      value: (m) => {
        const quota = requestsQuota(m.quota, resource);
        return quota ? usageAgainst(m.figures[resource].usage, quota.hard, resource, unknown) : '-';
      },
      tone: (m) => quotaTone(fraction(m)),
      bar: (m) => fraction(m) ?? undefined,
    };
  };
  /** ResourceQuota status as the API server keeps it: requests reserved against the hard limit. */
  const reserved = (resource: Resource): ColumnDef<TenantMetrics> => ({
    header: `${HEADER[resource]} REQ/QUOTA`,
    value: (m) => {
      const quota = requestsQuota(m.quota, resource);
      return quota
        ? `${FORMAT[resource](quota.used)}/${FORMAT[resource](quota.hard)}${percent(share(quota.used, quota.hard))}`
        : '-';
    },
    wide: true,
  });
  return [
    { header: 'TENANT', value: (m) => m.tenant.name },
    usageColumn('cpu', measureOf('cpu'), unknown),
    againstQuota('cpu'),
    usageColumn('memory', measureOf('memory'), unknown),
    againstQuota('memory'),
    {
      header: 'PODS',
      value: (m) => `${m.figures.pods.ready}/${m.figures.pods.total}`,
      tone: (m) => (m.figures.pods.notReady > 0 ? 'yellow' : undefined),
    },
    { header: 'RESTARTS', value: (m) => String(m.figures.pods.restarts) },
    { header: 'NAMESPACE', value: (m) => m.tenant.namespace, wide: true },
    { header: 'SOURCE', value: (m) => m.tenant.source, wide: true },
    limitsColumn('cpu', measureOf('cpu')),
    limitsColumn('memory', measureOf('memory')),
    reserved('cpu'),
    reserved('memory'),
    { header: 'CONTAINERS', value: (m) => String(m.figures.containers), wide: true },
    { header: 'NODES', value: (m) => String(m.figures.nodes.length), wide: true },
    {
      header: 'PVCS',
      value: (m) =>
        m.figures.storage.claims ? `${m.figures.storage.claims} (${formatBytes(m.figures.storage.requests)})` : '0',
      wide: true,
    },
  ];
}

export function podColumns(unknown: UnknownUsage): ColumnDef<PodEntry>[] {
  return [
    { header: 'TENANT', value: (e) => e.owner.tenant.name },
    { header: 'POD', value: (e) => e.pod.name },
    usageColumn('cpu', (e) => e.pod.cpu, unknown),
    usageColumn('memory', (e) => e.pod.memory, unknown),
    {
      header: 'READY',
      value: (e) => `${e.pod.containers.filter((c) => c.ready).length}/${e.pod.containers.length}`,
      tone: (e) => (e.pod.ready ? undefined : 'yellow'),
    },
    { header: 'PHASE', value: (e) => e.pod.phase },
    { header: 'RESTARTS', value: (e) => String(e.pod.restarts) },
    { header: 'NODE', value: (e) => e.pod.node ?? '<none>' },
    { header: 'NAMESPACE', value: (e) => e.pod.namespace, wide: true },
    limitsColumn('cpu', (e) => e.pod.cpu),
    limitsColumn('memory', (e) => e.pod.memory),
  ];
}

export function containerColumns(unknown: UnknownUsage): ColumnDef<ContainerEntry>[] {
  return [
    { header: 'TENANT', value: (e) => e.owner.tenant.name },
    { header: 'POD', value: (e) => e.pod.name },
    { header: 'CONTAINER', value: (e) => e.container.name },
    usageColumn('cpu', (e) => e.container.cpu, unknown),
    usageColumn('memory', (e) => e.container.memory, unknown),
    {
      header: 'READY',
      value: (e) => String(e.container.ready),
      tone: (e) => (e.container.ready ? undefined : 'yellow'),
    },
    { header: 'RESTARTS', value: (e) => String(e.container.restarts) },
    { header: 'NAMESPACE', value: (e) => e.pod.namespace, wide: true },
    limitsColumn('cpu', (e) => e.container.cpu),
    limitsColumn('memory', (e) => e.container.memory),
    { header: 'NODE', value: (e) => e.pod.node ?? '<none>', wide: true },
  ];
}

function measureDocument(measure: Measure): Record<string, unknown> {
  return {
    usage: tidy(measure.usage),
    requests: tidy(measure.requests),
    limits: tidy(measure.limits),
    usageOfRequests: tidy(share(measure.usage, measure.requests)),
  };
}

function containerDocument(container: ContainerFigures): Record<string, unknown> {
  return {
    name: container.name,
    ready: container.ready,
    restarts: container.restarts,
    cpu: measureDocument(container.cpu),
    memory: measureDocument(container.memory),
  };
}

function podDocument(pod: PodFigures, withContainers: boolean): Record<string, unknown> {
  return {
    name: pod.name,
    node: pod.node,
    phase: pod.phase,
    ready: pod.ready,
    restarts: pod.restarts,
    timestamp: pod.timestamp,
    windowSeconds: pod.windowSeconds,
    cpu: measureDocument(pod.cpu),
    memory: measureDocument(pod.memory),
    ...(withContainers ? { containers: pod.containers.map(containerDocument) } : {}),
  };
}

/** One TenantMetrics object; fields are documented in docs/metrics.md and stable. */
export function tenantMetricsDocument(
  metrics: TenantMetrics,
  breakdown: 'tenants' | 'pods' | 'containers',
): Record<string, unknown> {
  const { tenant, figures, quota } = metrics;
  const resource = (name: Resource) => {
    const hard = requestsQuota(quota, name)?.hard;
    return {
      ...measureDocument(figures[name]),
      quota: tidy(hard ?? null),
      usageOfQuota: tidy(share(figures[name].usage, hard)),
    };
  };
  return {
    apiVersion: API_VERSION,
    kind: 'TenantMetrics',
    metadata: { name: tenant.name },
    namespace: tenant.namespace,
    source: tenant.source,
    cpu: resource('cpu'),
    memory: resource('memory'),
    pods: figures.pods,
    containers: figures.containers,
    nodes: figures.nodes,
    storage: figures.storage,
    quota: Object.fromEntries(
      Object.entries(quota).map(([resource, use]) => [resource, { used: tidy(use.used), hard: tidy(use.hard) }]),
    ),
    ...(breakdown === 'tenants'
      ? {}
      : { podMetrics: figures.podFigures.map((pod) => podDocument(pod, breakdown === 'containers')) }),
  };
}

export type MetricsSortKey = 'cpu' | 'memory' | 'name';
export type Breakdown = 'tenants' | 'pods' | 'containers';

/** What of a metrics snapshot is shown, and how. */
export interface MetricsShown {
  selector?: string;
  source?: TenantSource;
  breakdown: Breakdown;
  sortBy: MetricsSortKey;
}

const tenantName = (m: TenantMetrics): SortKey => [m.tenant.name, m.tenant.source];
const podName = (e: PodEntry): SortKey => [...tenantName(e.owner), e.pod.name];
const containerName = (e: ContainerEntry): SortKey => [...podName(e), e.container.name];

/** By name, or usage descending with unknown usage last, then by name: the noisy ones come first. */
function orderBy<T>(
  sortBy: MetricsSortKey,
  name: (item: T) => SortKey,
  measureOf: (item: T, resource: Resource) => { usage: number | null },
): (item: T) => SortKey {
  if (sortBy === 'name') return name;
  return (item) => {
    const usage = measureOf(item, sortBy).usage;
    return [usage === null ? 1 : 0, usage === null ? 0 : -usage, ...name(item)];
  };
}

function sorted<T>(items: T[], order: (item: T) => SortKey): T[] {
  return items.sort((a, b) => compareSortKeys(order(a), order(b)));
}

/** The tenants that the options select, each measured from its namespace's objects. */
export function measureTenants(snapshot: MetricsSnapshot, options: MetricsShown): TenantMetrics[] {
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
export function present(snapshot: MetricsSnapshot, options: MetricsShown): Listing {
  const available = snapshot.usage !== undefined;
  const unknown = available ? '<pending>' : '<unavailable>';
  const tenantOrder = orderBy(options.sortBy, tenantName, (m: TenantMetrics, r) => m.figures[r]);
  const tenants = sorted(measureTenants(snapshot, options), tenantOrder);
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
      order: tenantOrder,
      metrics: tenantFamilies(tenants, available),
      name: (m) => `tenant/${m.tenant.name}`,
      emptyMessage: 'No tenants found',
    });
  }
  const pods = tenants.flatMap((owner) => owner.figures.podFigures.map((pod) => ({ owner, pod })));
  if (options.breakdown === 'pods') {
    const order = orderBy(options.sortBy, podName, (e: PodEntry, r) => e.pod[r]);
    const rows = sorted(pods, order);
    return listing(rows, podColumns(unknown), {
      ...base,
      order,
      metrics: podFamilies(rows, available),
      name: (e) => `pod/${e.pod.name}`,
      emptyMessage: 'No pods found in the selected tenants',
    });
  }
  const containers = pods.flatMap((entry) => entry.pod.containers.map((container) => ({ ...entry, container })));
  const order = orderBy(options.sortBy, containerName, (e: ContainerEntry, r) => e.container[r]);
  const rows = sorted(containers, order);
  return listing(rows, containerColumns(unknown), {
    ...base,
    order,
    metrics: containerFamilies(rows, available),
    name: (e) => `pod/${e.pod.name}`,
    emptyMessage: 'No containers found in the selected tenants',
  });
}
