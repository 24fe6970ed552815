import {
  type PersistentVolumeClaim,
  type Pod,
  type ResourceName,
  claimedStorage,
  containerAmount,
  containerStatus,
  isCompleted,
  isReady,
  isTerminated,
  podAmount,
  podRestarts,
  runningContainers,
} from './pods.ts';
import { type Usage, type UsageIndex, podKey } from './usage.ts';

/**
 * One resource of one pod, container or tenant: CPU in cores, memory in bytes. `usage` is null when
 * it is not known: metrics.k8s.io is unavailable, or a running pod has not been scraped yet.
 */
export interface Measure {
  usage: number | null;
  requests: number;
  limits: number;
}

export interface ContainerFigures {
  name: string;
  cpu: Measure;
  memory: Measure;
  restarts: number;
  ready: boolean;
}

export interface PodFigures {
  name: string;
  namespace: string;
  node: string | null;
  phase: string;
  ready: boolean;
  restarts: number;
  cpu: Measure;
  memory: Measure;
  /** When metrics-server sampled the pod, and over how many seconds the CPU rate was taken. */
  timestamp: string | null;
  windowSeconds: number | null;
  containers: ContainerFigures[];
}

export interface PodCounts {
  total: number;
  ready: number;
  notReady: number;
  restarts: number;
  /** Pods whose usage is not known (not scraped yet, or metrics unavailable). */
  unmeasured: number;
}

export interface TenantFigures {
  cpu: Measure;
  memory: Measure;
  pods: PodCounts;
  containers: number;
  /** The nodes the tenant's pods run on, sorted. */
  nodes: string[];
  storage: { claims: number; requests: number };
  /** Per pod, sorted by name: the --pods and --containers breakdowns. */
  podFigures: PodFigures[];
}

const IDLE: Usage = { cpu: 0, memory: 0 };

export function measurePod(pod: Pod, usage: UsageIndex | undefined): PodFigures {
  const sample = usage?.get(podKey(pod.metadata.namespace, pod.metadata.name));
  // A pod that does not run (terminated, or not started yet) uses nothing; one that runs without a
  // sample has not been scraped yet, and what it uses is not known.
  const idle = isTerminated(pod) || pod.status?.phase === 'Pending';
  const known: Usage | null = usage === undefined ? null : (sample ?? (idle ? IDLE : null));
  const holds = !isTerminated(pod);
  const containers = runningContainers(pod).map((spec): ContainerFigures => {
    const used = sample ? (sample.containers.get(spec.name) ?? null) : known;
    const part = (kind: 'requests' | 'limits', resource: ResourceName) =>
      holds ? containerAmount(spec, kind, resource) : 0;
    const status = containerStatus(pod, spec.name);
    return {
      name: spec.name,
      cpu: { usage: used?.cpu ?? null, requests: part('requests', 'cpu'), limits: part('limits', 'cpu') },
      memory: { usage: used?.memory ?? null, requests: part('requests', 'memory'), limits: part('limits', 'memory') },
      restarts: status?.restartCount ?? 0,
      ready: status?.ready ?? false,
    };
  });
  const amount = (kind: 'requests' | 'limits', resource: ResourceName) => (holds ? podAmount(pod, kind, resource) : 0);
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace ?? '',
    node: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? 'Unknown',
    ready: isReady(pod),
    restarts: podRestarts(pod),
    cpu: { usage: known?.cpu ?? null, requests: amount('requests', 'cpu'), limits: amount('limits', 'cpu') },
    memory: {
      usage: known?.memory ?? null,
      requests: amount('requests', 'memory'),
      limits: amount('limits', 'memory'),
    },
    timestamp: sample?.timestamp ?? null,
    windowSeconds: sample?.windowSeconds ?? null,
    containers,
  };
}

/** Adds up measures; the total usage is known only when every part's is. */
export function sumMeasures(parts: readonly Measure[]): Measure {
  const unknown = parts.some((m) => m.usage === null);
  return {
    usage: unknown ? null : parts.reduce((sum, m) => sum + (m.usage as number), 0),
    requests: parts.reduce((sum, m) => sum + m.requests, 0),
    limits: parts.reduce((sum, m) => sum + m.limits, 0),
  };
}

/**
 * The figures of one tenant from its namespace's pods, claims and pod metrics (`usage` undefined
 * when metrics.k8s.io could not be read). Completed pods are left out, as kubectl's listings do.
 */
export function measureTenant(
  pods: readonly Pod[],
  claims: readonly PersistentVolumeClaim[],
  usage: UsageIndex | undefined,
): TenantFigures {
  const counted = pods.filter((pod) => !isCompleted(pod));
  const podFigures = counted.map((pod) => measurePod(pod, usage)).sort((a, b) => a.name.localeCompare(b.name));
  const ready = podFigures.filter((p) => p.ready).length;
  const running = counted.filter((pod) => !isTerminated(pod));
  const nodes = new Set(running.flatMap((pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : [])));
  return {
    cpu: sumMeasures(podFigures.map((p) => p.cpu)),
    memory: sumMeasures(podFigures.map((p) => p.memory)),
    pods: {
      total: podFigures.length,
      ready,
      notReady: podFigures.length - ready,
      restarts: podFigures.reduce((sum, p) => sum + p.restarts, 0),
      unmeasured: podFigures.filter((p) => p.cpu.usage === null).length,
    },
    containers: running.reduce((sum, pod) => sum + runningContainers(pod).length, 0),
    nodes: [...nodes].sort(),
    storage: { claims: claims.length, requests: claims.reduce((sum, c) => sum + claimedStorage(c), 0) },
    podFigures,
  };
}
