import type { KubeObject } from '../kube/objects.ts';

/** The controllers whose wanted pods decide whether a tenant runs, in the order they are reported. */
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** One controller that wants more ready pods than it has, and why, when that is known. */
export interface Shortfall {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  desired: number;
  ready: number;
  /** Why pods are missing, in plain words; undefined while nothing says so. */
  cause?: string;
  /** A one-word name for the cause, for the STATUS column: FailedCreate, ProgressDeadlineExceeded, … */
  causeReason?: string;
  /** The cause does not pass by itself: pods are refused, a rollout gave up, a Job failed. */
  blocking: boolean;
  /** Which of the namespace's own policies refuses the pods, when one does. */
  refusedBy?: RefusingPolicy;
}

export type RefusingPolicy = 'Pod Security' | 'ResourceQuota' | 'LimitRange';

/** The namespace policy an admission refusal comes from, as opposed to other failures to create a pod. */
export function refusingPolicy(message: string): RefusingPolicy | undefined {
  if (/violates PodSecurity/.test(message)) return 'Pod Security';
  if (/exceeded quota/.test(message)) return 'ResourceQuota';
  if (/must be less than or equal to|(maximum|minimum) .* is/.test(message)) return 'LimitRange';
  return undefined;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Workload extends KubeObject {
  spec?: { replicas?: number; parallelism?: number; completions?: number; suspend?: boolean };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    desiredNumberScheduled?: number;
    numberReady?: number;
    active?: number;
    ready?: number;
    succeeded?: number;
    conditions?: Condition[];
  };
}

/** A Warning event as the API server stores it (core/v1), the fields read here. */
export interface WarningEventObject extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string; namespace?: string };
  lastTimestamp?: string;
  eventTime?: string;
}

const condition = (w: Workload, type: string): Condition | undefined =>
  w.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/** Desired and ready pods of one controller; undefined for a Job that has ended or is suspended. */
function counts(kind: WorkloadKind, w: Workload): { desired: number; ready: number } | undefined {
  const status = w.status ?? {};
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
      // An HPA keeps spec.replicas at the count it wants, so this is the autoscaler's figure too.
      return { desired: w.spec?.replicas ?? 1, ready: status.readyReplicas ?? 0 };
    case 'DaemonSet':
      return { desired: status.desiredNumberScheduled ?? 0, ready: status.numberReady ?? 0 };
    case 'Job': {
      if (w.spec?.suspend || condition(w, 'Complete') || condition(w, 'SuccessCriteriaMet')) return undefined;
      const left = (w.spec?.completions ?? 1) - (status.succeeded ?? 0);
      return { desired: Math.max(0, Math.min(w.spec?.parallelism ?? 1, left)), ready: status.active ?? 0 };
    }
  }
}

/**
 * What an admission refusal says, in a tenant's words: `pods "x-1" is forbidden: violates PodSecurity
 * "restricted:latest": …` becomes `rejected by Pod Security "restricted": …`.
 */
export function refusalText(message: string): string {
  const forbidden = /is forbidden: ([\s\S]*)$/.exec(message)?.[1]?.trim();
  if (forbidden === undefined) return `not created: ${message.replace(/^Error creating:\s*/, '').trim()}`;
  const podSecurity = /^violates PodSecurity "([^":]+)(?::[^"]*)?":\s*([\s\S]*)$/.exec(forbidden);
  if (podSecurity) return `rejected by Pod Security "${podSecurity[1]}": ${podSecurity[2]}`;
  const quota = /^exceeded quota: ([\s\S]*)$/.exec(forbidden);
  if (quota) return `refused by ResourceQuota ${quota[1]}`;
  return `forbidden: ${forbidden}`;
}

/** Whether an event is about `kind` `name`, or (for a Deployment) about one of its ReplicaSets. */
function concerns(event: WarningEventObject, kind: WorkloadKind, name: string): boolean {
  const about = event.involvedObject ?? {};
  if (about.kind === kind && about.name === name) return true;
  if (kind !== 'Deployment' || about.kind !== 'ReplicaSet' || !about.name?.startsWith(`${name}-`)) return false;
  // A ReplicaSet is named after its Deployment and the hash of its pod template.
  return /^[a-z0-9]+$/.test(about.name.slice(name.length + 1));
}

type Why = Pick<Shortfall, 'cause' | 'causeReason' | 'blocking' | 'refusedBy'>;

function why(kind: WorkloadKind, w: Workload, events: readonly WarningEventObject[]): Why {
  const failure = condition(w, 'ReplicaFailure');
  const refused = events.find((e) => e.reason === 'FailedCreate' && concerns(e, kind, w.metadata.name));
  const refusal = failure?.message ?? refused?.message;
  if (refusal) {
    const refusedBy = refusingPolicy(refusal);
    return {
      cause: `pods are ${refusalText(refusal)}`,
      causeReason: 'FailedCreate',
      blocking: true,
      ...(refusedBy ? { refusedBy } : {}),
    };
  }
  const failed = kind === 'Job' ? condition(w, 'Failed') : undefined;
  if (failed) {
    const text = [failed.reason, failed.message].filter(Boolean).join(': ');
    return { cause: `failed: ${text || 'no reason given'}`, causeReason: failed.reason ?? 'Failed', blocking: true };
  }
  const progressing = w.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    const text = progressing.message ?? 'the rollout made no progress';
    return { cause: `rollout stalled: ${text}`, causeReason: 'ProgressDeadlineExceeded', blocking: true };
  }
  return { blocking: false };
}

/**
 * The controllers among `workloads` (of one namespace or several) that want pods they do not have
 * ready, each with the reason from its conditions or, failing that, from its FailedCreate events.
 */
export function shortfalls(workloads: readonly KubeObject[], events: readonly WarningEventObject[] = []): Shortfall[] {
  return (workloads as Workload[]).flatMap((w): Shortfall[] => {
    const kind = w.kind as WorkloadKind;
    if (!WORKLOAD_KINDS.includes(kind) || w.metadata.deletionTimestamp) return [];
    // A Job's pods are short only while it runs; a Job that failed for good is short by its verdict.
    const failedJob = kind === 'Job' ? condition(w, 'Failed') : undefined;
    const count = failedJob ? { desired: 1, ready: 0 } : counts(kind, w);
    if (!count || count.ready >= count.desired) return [];
    const own = events.filter((e) => (e.involvedObject?.namespace ?? e.metadata.namespace) === w.metadata.namespace);
    return [{ kind, name: w.metadata.name, namespace: w.metadata.namespace ?? '', ...count, ...why(kind, w, own) }];
  });
}

/** When an event was last seen, in milliseconds since the epoch (0 when it carries no time). */
export const seenAt = (e: WarningEventObject): number =>
  Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '')) || 0;

/** Why pods stay Pending: the newest FailedScheduling message among `events`, if any. */
export function schedulingProblem(events: readonly WarningEventObject[]): string | undefined {
  const pending = events
    .filter((e) => e.reason === 'FailedScheduling' && e.involvedObject?.kind === 'Pod')
    .sort((a, b) => seenAt(b) - seenAt(a))[0];
  if (!pending) return undefined;
  return `pod ${pending.involvedObject?.name ?? '?'} cannot be scheduled: ${(pending.message ?? '').trim()}`;
}

/** One line for a shortfall: what it wants, what it has, and why when known. */
export function shortfallText(s: Shortfall): string {
  const counted = `${s.kind} ${s.name} ${s.ready}/${s.desired} ready`;
  return s.cause ? `${counted}: ${s.cause}` : counted;
}

/** The FailedCreate refusals among `events`, one line per object refused, newest message each. */
export function refusalsIn(events: readonly WarningEventObject[]): string[] {
  const newest = new Map<string, WarningEventObject>();
  for (const e of events) {
    if (e.reason !== 'FailedCreate' || !e.message) continue;
    const key = `${e.involvedObject?.kind ?? ''} ${e.involvedObject?.name ?? ''}`;
    const current = newest.get(key);
    if (!current || seenAt(e) > seenAt(current)) newest.set(key, e);
  }
  return [...newest].map(([object, e]) => `${object}: pods are ${refusalText(e.message as string)}`);
}
