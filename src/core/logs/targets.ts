import type { KubeObject } from '../kube/objects.ts';

interface ContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string };
  terminated?: { exitCode?: number; reason?: string };
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** The fields of a pod that decide which log streams it has. */
export interface Pod extends KubeObject {
  spec?: {
    containers?: { name: string }[];
    initContainers?: { name: string }[];
    ephemeralContainers?: { name: string }[];
  };
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    ephemeralContainerStatuses?: ContainerStatus[];
  };
}

/** Which containers' logs the user asked for. */
export interface TargetFilter {
  /** Only containers whose name matches. */
  containers?: RegExp;
  /** No container whose name matches. */
  exclude?: RegExp;
  pods?: RegExp;
  includeInit: boolean;
  /** The previous instance's logs: only containers that have one. */
  previous: boolean;
}

/** One container of one pod: one log stream. */
export interface Target {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  init: boolean;
  /** Counts the container's instances; a restart makes a new instance with a new log. */
  instance: number;
  /** `running`: its log grows; `finished`: it has a log that no longer grows; `waiting`: none yet. */
  state: 'running' | 'finished' | 'waiting';
  /** Why a waiting container has no log yet, e.g. ContainerCreating. */
  reason?: string;
}

/** `pod/container`, how the output names a stream. */
export function targetName(target: Pick<Target, 'pod' | 'container'>): string {
  return `${target.pod}/${target.container}`;
}

/** Names a few targets (with why, when given) and counts the rest: `a/app, b/app and 3 more`. */
export function describeTargets(targets: readonly Target[], why?: (t: Target) => string | undefined): string {
  const shown = targets.slice(0, 5).map((t) => `${targetName(t)}${why?.(t) ? ` (${why(t)})` : ''}`);
  return `${shown.join(', ')}${targets.length > 5 ? ` and ${targets.length - 5} more` : ''}`;
}

/** Identifies a container across the pod's updates; a pod recreated under the same name is another. */
export function targetKey(target: Target): string {
  return `${target.podUid}/${target.init ? 'init:' : ''}${target.container}`;
}

function stateOf(status: ContainerStatus | undefined, previous: boolean): Pick<Target, 'state' | 'reason'> {
  if (previous) {
    return status?.lastState?.terminated || (status?.restartCount ?? 0) > 0
      ? { state: 'finished' }
      : { state: 'waiting', reason: 'no previous instance' };
  }
  if (status?.state?.running) return { state: 'running' };
  if (status?.state?.terminated || status?.lastState?.terminated) return { state: 'finished' };
  return { state: 'waiting', reason: status?.state?.waiting?.reason ?? 'not started' };
}

/**
 * The pod's containers that the filter selects, in the pod's order: init containers first, then
 * its containers, then ephemeral ones (those `kubectl debug` adds), as stern shows them too.
 */
export function targetsOf(pod: Pod, filter: TargetFilter): Target[] {
  if (filter.pods && !filter.pods.test(pod.metadata.name)) return [];
  const groups: [boolean, { name: string }[] | undefined, ContainerStatus[] | undefined][] = [
    [true, filter.includeInit ? pod.spec?.initContainers : [], pod.status?.initContainerStatuses],
    [false, pod.spec?.containers, pod.status?.containerStatuses],
    [false, pod.spec?.ephemeralContainers, pod.status?.ephemeralContainerStatuses],
  ];
  return groups.flatMap(([init, containers, statuses]) =>
    (containers ?? [])
      .filter((c) => (!filter.containers || filter.containers.test(c.name)) && !filter.exclude?.test(c.name))
      .map((c) => {
        const status = statuses?.find((s) => s.name === c.name);
        return {
          namespace: pod.metadata.namespace ?? '',
          pod: pod.metadata.name,
          podUid: pod.metadata.uid ?? pod.metadata.name,
          container: c.name,
          init,
          instance: status?.restartCount ?? 0,
          ...stateOf(status, filter.previous),
        };
      }),
  );
}

/** Every target of the pods, pods by name. */
export function targetsOfPods(pods: readonly Pod[], filter: TargetFilter): Target[] {
  return [...pods]
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .flatMap((pod) => targetsOf(pod, filter));
}
