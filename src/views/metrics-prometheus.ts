import type { Measure } from '../core/metrics/aggregate.ts';
import type { MetricFamily } from '../output/prometheus.ts';
import { tidy } from '../core/quantity.ts';
import type { ContainerEntry, PodEntry, TenantMetrics } from './metrics.ts';

type Labels = Record<string, string>;

/** A gauge family over `items`; an item whose value is null (usage not known) has no sample. */
function gauge<T>(
  name: string,
  help: string,
  items: readonly T[],
  labels: (item: T) => Labels,
  value: (item: T) => number | null,
): MetricFamily {
  const samples = items.flatMap((item) => {
    const v = value(item);
    return v === null ? [] : [{ labels: labels(item), value: tidy(v) }];
  });
  return { name, help, type: 'gauge', samples };
}

function tenantLabels(metrics: TenantMetrics): Labels {
  return { tenant: metrics.tenant.name, namespace: metrics.tenant.namespace, source: metrics.tenant.source };
}

/** The six families of CPU and memory usage, requests and limits, for tenants, pods or containers. */
function resourceFamilies<T>(
  prefix: string,
  what: string,
  items: readonly T[],
  labels: (item: T) => Labels,
  measureOf: (item: T, resource: 'cpu' | 'memory') => Measure,
): MetricFamily[] {
  return [
    gauge(
      `${prefix}_cpu_usage_cores`,
      `CPU used by ${what}, in cores, from metrics.k8s.io (absent while not yet measured).`,
      items,
      labels,
      (i) => measureOf(i, 'cpu').usage,
    ),
    gauge(
      `${prefix}_cpu_requests_cores`,
      `CPU requested by ${what}, in cores.`,
      items,
      labels,
      (i) => measureOf(i, 'cpu').requests,
    ),
    gauge(
      `${prefix}_cpu_limits_cores`,
      `CPU limits of ${what}, in cores; containers without a limit add nothing.`,
      items,
      labels,
      (i) => measureOf(i, 'cpu').limits,
    ),
    gauge(
      `${prefix}_memory_working_set_bytes`,
      `Memory working set of ${what}, in bytes, from metrics.k8s.io (absent while not yet measured).`,
      items,
      labels,
      (i) => measureOf(i, 'memory').usage,
    ),
    gauge(
      `${prefix}_memory_requests_bytes`,
      `Memory requested by ${what}, in bytes.`,
      items,
      labels,
      (i) => measureOf(i, 'memory').requests,
    ),
    gauge(
      `${prefix}_memory_limits_bytes`,
      `Memory limits of ${what}, in bytes; containers without a limit add nothing.`,
      items,
      labels,
      (i) => measureOf(i, 'memory').limits,
    ),
  ];
}

function availability(available: boolean): MetricFamily {
  return {
    name: 'mimt_metrics_api_available',
    help: 'Whether metrics.k8s.io answered (1) or not (0); without it there are no usage samples.',
    type: 'gauge',
    samples: [{ labels: {}, value: available ? 1 : 0 }],
  };
}

export function tenantFamilies(tenants: readonly TenantMetrics[], available: boolean): MetricFamily[] {
  const quotaSamples = (pick: 'used' | 'hard') =>
    tenants.flatMap((m) =>
      Object.entries(m.quota).map(([resource, use]) => ({
        labels: { ...tenantLabels(m), resource },
        value: tidy(use[pick]),
      })),
    );
  const podStates = tenants.flatMap((m) => [
    { labels: { ...tenantLabels(m), state: 'ready' }, value: m.figures.pods.ready },
    { labels: { ...tenantLabels(m), state: 'not_ready' }, value: m.figures.pods.notReady },
  ]);
  return [
    availability(available),
    ...resourceFamilies('mimt_tenant', "the tenant's pods", tenants, tenantLabels, (m, r) => m.figures[r]),
    {
      name: 'mimt_tenant_quota_hard',
      help: 'ResourceQuota hard limit per resource, in base units (cores, bytes, counts); the tightest quota wins.',
      type: 'gauge',
      samples: quotaSamples('hard'),
    },
    {
      name: 'mimt_tenant_quota_used',
      help: 'ResourceQuota use per resource as the API server counts it, in base units (cores, bytes, counts).',
      type: 'gauge',
      samples: quotaSamples('used'),
    },
    {
      name: 'mimt_tenant_pods',
      help: 'Pods of the tenant by readiness (completed pods left out).',
      type: 'gauge',
      samples: podStates,
    },
    gauge(
      'mimt_tenant_pods_unmeasured',
      'Running pods of the tenant that metrics.k8s.io has not measured yet.',
      tenants,
      tenantLabels,
      (m) => m.figures.pods.unmeasured,
    ),
    gauge(
      'mimt_tenant_container_restarts',
      "Container restarts summed over the tenant's current pods.",
      tenants,
      tenantLabels,
      (m) => m.figures.pods.restarts,
    ),
    gauge(
      'mimt_tenant_containers',
      "Containers in the tenant's running pods.",
      tenants,
      tenantLabels,
      (m) => m.figures.containers,
    ),
    gauge('mimt_tenant_nodes', "Nodes the tenant's pods run on.", tenants, tenantLabels, (m) => m.figures.nodes.length),
    gauge(
      'mimt_tenant_persistentvolumeclaims',
      'PersistentVolumeClaims in the tenant namespace.',
      tenants,
      tenantLabels,
      (m) => m.figures.storage.claims,
    ),
    gauge(
      'mimt_tenant_storage_requests_bytes',
      "Storage requested by the tenant's PersistentVolumeClaims, in bytes.",
      tenants,
      tenantLabels,
      (m) => m.figures.storage.requests,
    ),
  ];
}

function podLabels(entry: PodEntry): Labels {
  return { ...tenantLabels(entry.owner), pod: entry.pod.name };
}

export function podFamilies(entries: readonly PodEntry[], available: boolean): MetricFamily[] {
  return [
    availability(available),
    ...resourceFamilies('mimt_pod', 'the pod', entries, podLabels, (e, r) => e.pod[r]),
    gauge('mimt_pod_ready', 'Whether the pod is ready (1) or not (0).', entries, podLabels, (e) =>
      e.pod.ready ? 1 : 0,
    ),
    gauge(
      'mimt_pod_container_restarts',
      "Restarts of the pod's containers.",
      entries,
      podLabels,
      (e) => e.pod.restarts,
    ),
  ];
}

function containerLabels(entry: ContainerEntry): Labels {
  return { ...podLabels(entry), container: entry.container.name };
}

export function containerFamilies(entries: readonly ContainerEntry[], available: boolean): MetricFamily[] {
  return [
    availability(available),
    ...resourceFamilies('mimt_container', 'the container', entries, containerLabels, (e, r) => e.container[r]),
    gauge('mimt_container_ready', 'Whether the container is ready (1) or not (0).', entries, containerLabels, (e) =>
      e.container.ready ? 1 : 0,
    ),
    gauge(
      'mimt_container_restarts',
      'Restarts of the container.',
      entries,
      containerLabels,
      (e) => e.container.restarts,
    ),
  ];
}
