import type { KubeObject } from '../kube/objects.ts';

/** How a node is doing: what the colour and the "failed" mark of a picture follow. */
export type Health = 'ok' | 'progressing' | 'failed' | 'unknown' | 'none';

export interface NodeState {
  /** One word, as kubectl would say it: Ready, 1/3, Pending, Bound, CrashLoopBackOff, … */
  state: string;
  health: Health;
}

type Loose = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const spec = (o: KubeObject): Loose => (o.spec as Loose | undefined) ?? {};
const status = (o: KubeObject): Loose => (o.status as Loose | undefined) ?? {};
const conditions = (o: KubeObject): { type?: string; status?: string; reason?: string }[] =>
  (status(o).conditions as { type?: string; status?: string; reason?: string }[] | undefined) ?? [];
const condition = (o: KubeObject, type: string) => conditions(o).find((c) => c.type === type)?.status;

const PRESENT: NodeState = { state: 'Present', health: 'ok' };

/** ready/desired, ok when all are ready, progressing otherwise. */
function ratio(ready: number, desired: number): NodeState {
  return { state: `${ready}/${desired}`, health: ready >= desired ? 'ok' : 'progressing' };
}

interface ContainerStatus {
  ready?: boolean;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
}

/** The waiting or failed reasons that mean a container will not come up by itself. */
const FAILING = /BackOff|Err|Invalid|Error|OOMKilled/;

function podState(pod: KubeObject): NodeState {
  const phase = String(status(pod).phase ?? 'Unknown');
  const containers = [
    ...((status(pod).initContainerStatuses as ContainerStatus[] | undefined) ?? []),
    ...((status(pod).containerStatuses as ContainerStatus[] | undefined) ?? []),
  ];
  for (const c of containers) {
    const reason = c.state?.waiting?.reason ?? (c.state?.terminated?.exitCode ? c.state.terminated.reason : undefined);
    if (reason && FAILING.test(reason)) return { state: reason, health: 'failed' };
  }
  if (phase === 'Succeeded') return { state: 'Completed', health: 'ok' };
  if (phase === 'Failed') return { state: 'Failed', health: 'failed' };
  if (phase === 'Running') {
    return condition(pod, 'Ready') === 'True'
      ? { state: 'Ready', health: 'ok' }
      : { state: 'NotReady', health: 'progressing' };
  }
  if (phase === 'Pending') return { state: 'Pending', health: 'progressing' };
  return { state: phase, health: 'unknown' };
}

function deploymentState(d: KubeObject): NodeState {
  const progressing = conditions(d).find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' || condition(d, 'ReplicaFailure') === 'True') {
    return { state: `${num(status(d).readyReplicas)}/${num(spec(d).replicas ?? 1)}`, health: 'failed' };
  }
  return ratio(num(status(d).readyReplicas), num(spec(d).replicas ?? 1));
}

function jobState(job: KubeObject): NodeState {
  if (condition(job, 'Complete') === 'True') return { state: 'Complete', health: 'ok' };
  if (condition(job, 'Failed') === 'True') return { state: 'Failed', health: 'failed' };
  if (spec(job).suspend === true) return { state: 'Suspended', health: 'ok' };
  return { state: 'Running', health: 'progressing' };
}

function autoscalerState(hpa: KubeObject): NodeState {
  const active = condition(hpa, 'ScalingActive');
  if (active === 'True') return { state: 'Active', health: 'ok' };
  if (active === 'False') return { state: 'Inactive', health: 'failed' };
  return { state: 'Pending', health: 'progressing' };
}

function endpointState(slice: KubeObject): NodeState {
  const endpoints = (slice.endpoints as { conditions?: { ready?: boolean } }[] | undefined) ?? [];
  return ratio(endpoints.filter((e) => e.conditions?.ready !== false).length, endpoints.length);
}

/**
 * The state of one object, from its own status. Services are judged by the pods they select
 * (`selected`), which only the graph knows; kinds without a status of their own are Present.
 */
export function stateOf(kind: string, object: KubeObject, selected?: { ready: number; total: number }): NodeState {
  if (object.metadata.deletionTimestamp) return { state: 'Terminating', health: 'progressing' };
  switch (kind) {
    case 'Pod':
      return podState(object);
    case 'Deployment':
      return deploymentState(object);
    case 'StatefulSet':
    case 'ReplicaSet':
      return ratio(num(status(object).readyReplicas), num(spec(object).replicas ?? 1));
    case 'DaemonSet':
      return ratio(num(status(object).numberReady), num(status(object).desiredNumberScheduled));
    case 'Job':
      return jobState(object);
    case 'CronJob':
      return spec(object).suspend === true
        ? { state: 'Suspended', health: 'ok' }
        : { state: ((status(object).active as unknown[]) ?? []).length ? 'Active' : 'Scheduled', health: 'ok' };
    case 'PersistentVolumeClaim': {
      const phase = String(status(object).phase ?? 'Pending');
      return { state: phase, health: phase === 'Bound' ? 'ok' : phase === 'Lost' ? 'failed' : 'progressing' };
    }
    case 'Service': {
      const lb = (status(object).loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
      if (spec(object).type === 'LoadBalancer' && lb.length === 0) return { state: 'Pending', health: 'progressing' };
      if (!selected) return { state: 'Active', health: 'ok' };
      if (selected.total === 0) return { state: 'NoPods', health: 'failed' };
      return ratio(selected.ready, selected.total);
    }
    case 'Ingress': {
      const lb = (status(object).loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? [];
      return lb.length ? { state: 'Ready', health: 'ok' } : { state: 'Pending', health: 'progressing' };
    }
    case 'HTTPRoute': {
      const parents = (status(object).parents as { conditions?: { type?: string; status?: string }[] }[]) ?? [];
      const accepted = parents.flatMap((p) => p.conditions ?? []).filter((c) => c.type === 'Accepted');
      if (accepted.length === 0) return { state: 'Pending', health: 'progressing' };
      return accepted.every((c) => c.status === 'True')
        ? { state: 'Accepted', health: 'ok' }
        : { state: 'NotAccepted', health: 'failed' };
    }
    case 'HorizontalPodAutoscaler':
      return autoscalerState(object);
    case 'PodDisruptionBudget':
      return num(status(object).currentHealthy) >= num(status(object).desiredHealthy)
        ? { state: 'Healthy', health: 'ok' }
        : { state: 'Unhealthy', health: 'progressing' };
    case 'EndpointSlice':
      return endpointState(object);
    default:
      return PRESENT;
  }
}

/** Whether a pod counts as ready for the Services that select it. */
export const podReady = (pod: KubeObject): boolean => podState(pod).state === 'Ready';
