import { failure } from '../errors.ts';
import { deleteOptional, mergePatch, serverSideApply } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import { type KubeObject, annotationsOf } from '../kube/objects.ts';
import { getOptional, isConflict } from '../kube/read.ts';
import { apiVersionOf, collectionPath, objectPath } from '../kube/resources.ts';
import {
  beforeSuspendAnnotations,
  recordedBeforeSuspend,
  suspendedAt,
  suspensionLabels,
  suspensionMarkPatch,
} from '../tenant/contract.ts';
import { getNamespace } from '../tenant/namespace.ts';

/**
 * Suspend and resume. Suspend scales Deployments and StatefulSets to 0 (through their scale
 * subresource, as an autoscaler does, so that Helm keeps owning `spec.replicas` and later upgrades
 * do not conflict), suspends CronJobs, and records on each object what the field was; resume sets
 * exactly that again. HorizontalPodAutoscalers are left as they are: an autoscaler whose target
 * stands at 0 replicas, with minReplicas of 1 or more, stops scaling it (Kubernetes' own rule,
 * condition ScalingActive=False, ScalingDisabled). Only one whose minReplicas is 0 (the
 * HPAScaleToZero feature) would scale the target up again; its minReplicas is raised to 1, the
 * lowest value the API accepts otherwise, and recorded. A ResourceQuota of zero pods guards the
 * namespace while it is suspended, so that nothing else starts a pod: a Helm upgrade resetting the
 * chart's replica counts, a CronJob run by hand.
 */

/** The kinds suspend changes, in the order it changes them: autoscalers before their targets. */
export const SUSPENDED_KINDS = ['HorizontalPodAutoscaler', 'CronJob', 'Deployment', 'StatefulSet'] as const;
export type SuspendedKind = (typeof SUSPENDED_KINDS)[number];

/** The quota that holds a suspended namespace at zero pods. */
export const GUARD_NAME = 'mimt-suspended';

/** One field of one object, from what it is to what suspend or resume makes it (null: absent). */
export interface Change {
  kind: string;
  name: string;
  field: string;
  from: number | boolean | string | null;
  to: number | boolean | string | null;
}

interface FieldRule {
  field: 'replicas' | 'suspend' | 'minReplicas';
  /** The live value, with the API server's default where the field is unset. */
  live: (spec: Record<string, unknown>) => number | boolean;
  suspended: number | boolean;
  /** Whether the live value already keeps the tenant down. */
  holds: (value: number | boolean) => boolean;
  valid: (recorded: unknown) => boolean;
}

const replicasRule: FieldRule = {
  field: 'replicas',
  live: (spec) => (typeof spec.replicas === 'number' ? spec.replicas : 1),
  suspended: 0,
  holds: (value) => value === 0,
  valid: (v) => Number.isInteger(v) && (v as number) >= 0,
};

const RULES: Record<SuspendedKind, FieldRule> = {
  Deployment: replicasRule,
  StatefulSet: replicasRule,
  CronJob: {
    field: 'suspend',
    live: (spec) => spec.suspend === true,
    suspended: true,
    holds: (value) => value === true,
    valid: (v) => typeof v === 'boolean',
  },
  HorizontalPodAutoscaler: {
    field: 'minReplicas',
    live: (spec) => (typeof spec.minReplicas === 'number' ? spec.minReplicas : 1),
    suspended: 1,
    // With minReplicas 1 or more the autoscaler leaves a target at 0 replicas alone.
    holds: (value) => (value as number) >= 1,
    valid: (v) => Number.isInteger(v) && (v as number) >= 0,
  },
};

/** The field suspend holds on objects of `kind` (spec.replicas, …); undefined for kinds it leaves alone. */
export function heldField(kind: string): string | undefined {
  const rule = (RULES as Record<string, FieldRule | undefined>)[kind];
  return rule && `spec.${rule.field}`;
}

const specOf = (object: KubeObject): Record<string, unknown> => (object.spec as Record<string, unknown>) ?? {};
const objectName = (kind: string, object: KubeObject) => `${kind}/${object.metadata.name}`;

/**
 * What suspend changes on one object: nothing when the field already keeps the tenant down (a
 * workload someone had at 0 stays at 0 after resume, since nothing is recorded for it). When the
 * field is up again although a record exists (a Helm upgrade set the chart's replica count), the
 * live value is recorded anew: resume then starts what the upgrade asked for.
 */
export function suspendChange(kind: SuspendedKind, object: KubeObject): Change | undefined {
  const rule = RULES[kind];
  const value = rule.live(specOf(object));
  if (rule.holds(value)) return undefined;
  return { kind, name: object.metadata.name, field: rule.field, from: value, to: rule.suspended };
}

/** What resume changes on one object: the recorded field back, and the record dropped. */
export function resumeChange(kind: SuspendedKind, object: KubeObject): Change | undefined {
  const rule = RULES[kind];
  const record = recordOf(kind, object);
  if (record === undefined) return undefined;
  const before = record[rule.field];
  if (!rule.valid(before)) {
    throw failure(
      `${objectName(kind, object)} in "${object.metadata.namespace}": the suspend record has no valid ${rule.field} (${JSON.stringify(record)})`,
      { hint: `set ${rule.field} by hand and remove the record, or fix it and resume again` },
    );
  }
  return {
    kind,
    name: object.metadata.name,
    field: rule.field,
    from: rule.live(specOf(object)),
    to: before as number | boolean,
  };
}

function recordOf(kind: string, object: KubeObject): Record<string, unknown> | undefined {
  try {
    return recordedBeforeSuspend(annotationsOf(object));
  } catch (error) {
    throw failure(`${objectName(kind, object)} in "${object.metadata.namespace}": ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** The workloads of the namespaces, by namespace: one list per kind (cluster-wide when `namespaces` is undefined). */
export async function readWorkloads(
  client: KubeClient,
  namespaces: readonly string[] | undefined,
): Promise<Map<string, Map<SuspendedKind, KubeObject[]>>> {
  const where = namespaces ?? [undefined];
  const lists = await Promise.all(
    SUSPENDED_KINDS.flatMap((kind) =>
      where.map(async (namespace) => ({ kind, items: (await client.list(collectionPath(kind, namespace))).items })),
    ),
  );
  const byNamespace = new Map<string, Map<SuspendedKind, KubeObject[]>>();
  for (const { kind, items } of lists) {
    for (const item of items) {
      const ns = item.metadata.namespace ?? '';
      const kinds = byNamespace.get(ns) ?? new Map<SuspendedKind, KubeObject[]>();
      kinds.set(kind, [...(kinds.get(kind) ?? []), item]);
      byNamespace.set(ns, kinds);
    }
  }
  return byNamespace;
}

/** What suspend or resume did (or, with dry run, would do) in one namespace. */
export interface SuspensionOutcome {
  namespace: string;
  /** When the namespace was marked suspended (before, for resume). */
  since?: string;
  changes: Change[];
}

export interface SuspendOptions {
  dryRun: boolean;
  now: Date;
}

function guardQuota(namespace: string): KubeObject {
  return {
    apiVersion: apiVersionOf('ResourceQuota'),
    kind: 'ResourceQuota',
    metadata: { name: GUARD_NAME, namespace, labels: suspensionLabels() },
    spec: { hard: { pods: '0' } },
  };
}

const ATTEMPTS = 3;

/**
 * Applies the change `plan` works out for one object, and when the object changed meanwhile (409),
 * reads it again and works the change out anew. Returns the change made, or undefined.
 */
async function changeObject(
  client: KubeClient,
  kind: SuspendedKind,
  initial: KubeObject,
  plan: (object: KubeObject) => Change | undefined,
  write: (object: KubeObject, change: Change) => Promise<unknown>,
): Promise<Change | undefined> {
  let object: KubeObject | undefined = initial;
  for (let attempt = 1; ; attempt += 1) {
    const change = plan(object);
    if (!change) return undefined;
    try {
      await write(object, change);
      return change;
    } catch (error) {
      if (!isConflict(error) || attempt === ATTEMPTS) throw error;
    }
    object = await getOptional<KubeObject>(client, objectPath(kind, initial.metadata.namespace, initial.metadata.name));
    if (!object) return undefined;
  }
}

const at = (kind: SuspendedKind, object: KubeObject) => ({
  kind,
  namespace: object.metadata.namespace,
  name: object.metadata.name,
});

/** Records the field as it is, then sets the suspended value (replicas through the scale subresource). */
async function suspendWrite(client: KubeClient, kind: SuspendedKind, object: KubeObject, change: Change) {
  const target = at(kind, object);
  // The record is written only over the version read, so that it holds the value that was replaced.
  const record = {
    metadata: {
      resourceVersion: object.metadata.resourceVersion,
      annotations: beforeSuspendAnnotations({ [change.field]: change.from }),
    },
  };
  if (change.field === 'replicas') {
    await mergePatch(client, target, record);
    await mergePatch(client, { ...target, subresource: 'scale' }, { spec: { replicas: 0 } });
  } else {
    await mergePatch(client, target, { ...record, spec: { [change.field]: change.to } });
  }
}

/** Sets the recorded value again, then drops the record (an interrupted resume is simply run again). */
async function resumeWrite(client: KubeClient, kind: SuspendedKind, object: KubeObject, change: Change) {
  const target = at(kind, object);
  const drop = { metadata: { annotations: beforeSuspendAnnotations(null) } };
  if (change.field === 'replicas') {
    await mergePatch(client, { ...target, subresource: 'scale' }, { spec: { replicas: change.to } });
    await mergePatch(client, target, drop);
  } else {
    await mergePatch(client, target, { ...drop, spec: { [change.field]: change.to } });
  }
}

function planned(
  workloads: Map<SuspendedKind, KubeObject[]> | undefined,
  order: readonly SuspendedKind[],
  plan: (kind: SuspendedKind, object: KubeObject) => Change | undefined,
) {
  return order.flatMap((kind) =>
    (workloads?.get(kind) ?? []).flatMap((object) => {
      const change = plan(kind, object);
      return change ? [{ kind, object, change }] : [];
    }),
  );
}

/**
 * Suspends the tenant in `namespace`: marks the namespace (first, so that an interrupted suspend
 * already shows, and install already keeps it down), puts the zero-pod quota in place, then changes
 * and records each object. Run again, it changes nothing.
 */
export async function suspendNamespace(
  client: KubeClient,
  namespace: string,
  workloads: Map<SuspendedKind, KubeObject[]> | undefined,
  options: SuspendOptions,
): Promise<SuspensionOutcome> {
  const live = await getNamespace(client, namespace);
  if (!live) throw failure(`namespace "${namespace}" not found`);
  const marked = suspendedAt(annotationsOf(live));
  const since = marked ?? options.now.toISOString();
  const guard = await getOptional<KubeObject>(client, objectPath('ResourceQuota', namespace, GUARD_NAME));
  const changes: Change[] = [];
  if (!marked) changes.push({ kind: 'Namespace', name: namespace, field: 'suspended-at', from: null, to: since });
  if (!guard) changes.push({ kind: 'ResourceQuota', name: GUARD_NAME, field: 'pods', from: null, to: 0 });
  const steps = planned(workloads, SUSPENDED_KINDS, suspendChange);
  if (options.dryRun) return { namespace, since, changes: [...changes, ...steps.map((s) => s.change)] };

  if (!marked) await mergePatch(client, { kind: 'Namespace', name: namespace }, suspensionMarkPatch(since));
  if (!guard) await serverSideApply(client, guardQuota(namespace));
  for (const step of steps) {
    const made = await changeObject(
      client,
      step.kind,
      step.object,
      (object) => suspendChange(step.kind, object),
      (object, change) => suspendWrite(client, step.kind, object, change),
    );
    if (made) changes.push(made);
  }
  return { namespace, since, changes };
}

/**
 * Resumes the tenant in `namespace`: removes the zero-pod quota, sets every recorded field back and
 * drops its record, and unmarks the namespace last, so that it shows suspended until all is back.
 * Objects without a record are left alone; run again, it changes nothing.
 */
export async function resumeNamespace(
  client: KubeClient,
  namespace: string,
  workloads: Map<SuspendedKind, KubeObject[]> | undefined,
  options: { dryRun: boolean },
): Promise<SuspensionOutcome> {
  const live = await getNamespace(client, namespace);
  if (!live) throw failure(`namespace "${namespace}" not found`);
  const marked = suspendedAt(annotationsOf(live));
  const guard = await getOptional<KubeObject>(client, objectPath('ResourceQuota', namespace, GUARD_NAME));
  // Targets first, then their autoscalers' bounds, so that an autoscaler finds its target up.
  const order: SuspendedKind[] = ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'CronJob'];
  const steps = planned(workloads, order, resumeChange);
  const changes: Change[] = [];
  if (guard) changes.push({ kind: 'ResourceQuota', name: GUARD_NAME, field: 'pods', from: 0, to: null });
  const unmark: Change[] = marked
    ? [{ kind: 'Namespace', name: namespace, field: 'suspended-at', from: marked, to: null }]
    : [];
  if (options.dryRun)
    return { namespace, since: marked, changes: [...changes, ...steps.map((s) => s.change), ...unmark] };

  if (guard) await deleteOptional(client, objectPath('ResourceQuota', namespace, GUARD_NAME));
  for (const step of steps) {
    const made = await changeObject(
      client,
      step.kind,
      step.object,
      (object) => resumeChange(step.kind, object),
      (object, change) => resumeWrite(client, step.kind, object, change),
    );
    if (made) changes.push(made);
  }
  if (marked) await mergePatch(client, { kind: 'Namespace', name: namespace }, suspensionMarkPatch(null));
  return { namespace, since: marked, changes: [...changes, ...unmark] };
}
