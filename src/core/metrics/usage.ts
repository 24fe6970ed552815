import { parseDuration } from '../duration.ts';
import type { KubeObject } from '../kube/objects.ts';
import { parseQuantity } from '../quantity.ts';

/** One item of metrics.k8s.io/v1beta1 PodMetricsList, as metrics-server serves it. */
export interface PodMetrics extends KubeObject {
  timestamp?: string;
  window?: string;
  containers?: { name: string; usage?: { cpu?: string; memory?: string } }[];
}

/** CPU in cores (a rate over the sample window) and memory working set in bytes. */
export interface Usage {
  cpu: number;
  memory: number;
}

export interface PodUsage extends Usage {
  timestamp?: string;
  /** The span the CPU rate was taken over, in seconds. */
  windowSeconds?: number;
  containers: Map<string, Usage>;
}

/** Pod usage keyed by `namespace/name`; a pod that is missing has not been scraped yet. */
export type UsageIndex = Map<string, PodUsage>;

export function podKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** metrics-server writes the window as a Go duration ("14.992s", "1m0.5s"). */
function seconds(window: string | undefined): number | undefined {
  if (window === undefined) return undefined;
  try {
    return parseDuration('window', window) / 1000;
  } catch {
    return undefined;
  }
}

export function indexUsage(items: readonly PodMetrics[]): UsageIndex {
  const index: UsageIndex = new Map();
  for (const item of items) {
    const containers = new Map<string, Usage>();
    for (const container of item.containers ?? []) {
      containers.set(container.name, {
        cpu: parseQuantity(container.usage?.cpu ?? '0') ?? 0,
        memory: parseQuantity(container.usage?.memory ?? '0') ?? 0,
      });
    }
    const values = [...containers.values()];
    index.set(podKey(item.metadata.namespace, item.metadata.name), {
      cpu: values.reduce((sum, u) => sum + u.cpu, 0),
      memory: values.reduce((sum, u) => sum + u.memory, 0),
      timestamp: item.timestamp,
      windowSeconds: seconds(item.window),
      containers,
    });
  }
  return index;
}
