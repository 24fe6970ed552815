import type { KubeObject } from '../kube/objects.ts';
import { parseQuantity } from '../quantity.ts';

export type ResourceName = 'cpu' | 'memory';
type ResourceList = Record<string, string>;

interface Requirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface ContainerSpec {
  name: string;
  resources?: Requirements;
  /** `Always` on an init container makes it a sidecar that runs beside the app containers. */
  restartPolicy?: string;
}

interface ContainerStatus {
  name: string;
  restartCount?: number;
  ready?: boolean;
}

/** The fields of a Pod that metrics reads; the API server sends the full object. */
export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    containers?: ContainerSpec[];
    initContainers?: ContainerSpec[];
    overhead?: ResourceList;
    /** Pod-level resources (Kubernetes 1.32+): when set, they replace the sum of the containers. */
    resources?: Requirements;
  };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface PersistentVolumeClaim extends KubeObject {
  spec?: { resources?: { requests?: ResourceList } };
}

function amount(list: ResourceList | undefined, resource: string): number {
  const text = list?.[resource];
  return text === undefined ? 0 : (parseQuantity(text) ?? 0);
}

export function containerAmount(container: ContainerSpec, kind: keyof Requirements, resource: ResourceName): number {
  return amount(container.resources?.[kind], resource);
}

function isSidecar(container: ContainerSpec): boolean {
  return container.restartPolicy === 'Always';
}

/** The containers that run for the life of the pod: the app containers, then the sidecars. */
export function runningContainers(pod: Pod): ContainerSpec[] {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter(isSidecar)];
}

/**
 * What the pod reserves, computed as the scheduler and ResourceQuota do: the app containers and
 * sidecars add up; a plain init container runs alone (beside the sidecars started before it), so
 * only the largest such moment counts if it is bigger; the runtime overhead comes on top.
 * Containers without a value add nothing.
 */
export function podAmount(pod: Pod, kind: keyof Requirements, resource: ResourceName): number {
  const podLevel = pod.spec?.resources?.[kind]?.[resource];
  const overhead = amount(pod.spec?.overhead, resource);
  if (podLevel !== undefined) return (parseQuantity(podLevel) ?? 0) + overhead;
  let sidecars = 0;
  let initPeak = 0;
  for (const init of pod.spec?.initContainers ?? []) {
    const value = containerAmount(init, kind, resource);
    if (isSidecar(init)) sidecars += value;
    else initPeak = Math.max(initPeak, sidecars + value);
  }
  const steady = (pod.spec?.containers ?? []).reduce((sum, c) => sum + containerAmount(c, kind, resource), 0);
  return Math.max(steady + sidecars, initPeak) + overhead;
}

/** Completed pods are history: like kubectl's listings, metrics leaves them out. */
export function isCompleted(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded';
}

/** Failed and completed pods hold no resources and use none. */
export function isTerminated(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** kubectl's RESTARTS: the restarts of every container, init containers included. */
export function podRestarts(pod: Pod): number {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0);
}

export function containerStatus(pod: Pod, name: string): ContainerStatus | undefined {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
    (s) => s.name === name,
  );
}

export function claimedStorage(claim: PersistentVolumeClaim): number {
  return amount(claim.spec?.resources?.requests, 'storage');
}
