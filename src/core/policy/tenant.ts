import { failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import type { ReadReport } from '../kube/read.ts';
import { type Tenant, type TenantSource, ownedNamespaceMetadata, policyAnnotationsOf } from '../tenant/contract.ts';
import { findTenant } from '../tenant/inventory.ts';
import { applyNamespace, getNamespace, namespacePath } from '../tenant/namespace.ts';
import { applyPolicyObjects, policyObjects } from './apply.ts';
import { isProfileObject } from './describe.ts';
import { type ObjectDiff, compareObjects, diffObjects } from './diff.ts';
import { POD_SECURITY_KEYS, policyNamespaceFields, renderPolicy } from './profiles.ts';
import { type PolicySettings, type SettingsLayer, mergeSettings, readRecorded } from './settings.ts';

/** A tenant as the policy commands see it: its namespace, as live, with the settings it records. */
export interface PolicyTarget {
  tenant: Tenant;
  namespace: KubeObject;
  recorded: SettingsLayer;
  /** Notes for stderr: recorded settings that could not be read, and default instead. */
  warnings: string[];
}

/** Resolves the tenant (THE resolver) and reads its namespace, which must exist. */
export async function policyTarget(
  client: KubeClient,
  name: string,
  source?: TenantSource,
  report?: ReadReport,
): Promise<PolicyTarget> {
  const tenant = await findTenant(client, name, source, report);
  const namespace = tenant.namespaceMissing ? undefined : await getNamespace(client, tenant.namespace);
  if (!namespace) throw failure(`namespace "${tenant.namespace}" of tenant "${tenant.name}" does not exist`);
  const recorded = readRecorded(namespace.metadata.annotations ?? {});
  const warnings = recorded.problem
    ? [`warning: tenant ${tenant.name}: ${recorded.problem}; what it held takes its default unless given`]
    : [];
  return { tenant, namespace, recorded: recorded.layer, warnings };
}

function pick(from: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k] as string]));
}

/**
 * The namespace as far as the policy goes: the Pod Security labels mimt sets and the settings
 * record. Both sides of a diff are cut the same way, so labels the profile drops show as removed.
 */
export function namespacePolicyView(
  name: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: pick(labels, POD_SECURITY_KEYS),
      annotations: policyAnnotationsOf(annotations),
    },
  };
}

/**
 * The namespace for server-side apply: everything mimt's field manager owns on it, since a field it
 * leaves out would be removed. That is the tenancy labels and mimt.io/ annotations install wrote,
 * with the profile's Pod Security labels and settings record replacing the old ones.
 */
export function namespaceApplyObject(live: KubeObject, settings: PolicySettings): KubeObject {
  const { labels: kept, annotations } = ownedNamespaceMetadata(
    live.metadata.labels ?? {},
    live.metadata.annotations ?? {},
  );
  const fields = policyNamespaceFields(settings);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: live.metadata.name,
      labels: { ...kept, ...fields.labels },
      annotations: { ...annotations, ...fields.annotations },
    },
  };
}

export interface PolicyPlan {
  target: PolicyTarget;
  settings: PolicySettings;
  desired: KubeObject[];
  /** The namespace's policy objects (all of them, users' too), as live. */
  live: KubeObject[];
  /** Differences between desired and live, the namespace's own fields included. */
  diffs: ObjectDiff[];
}

/** Desired against live for one tenant: four lists, whatever the profile. */
export async function planPolicy(client: KubeClient, target: PolicyTarget, given: SettingsLayer): Promise<PolicyPlan> {
  const settings = mergeSettings(given, target.recorded);
  const namespace = target.tenant.namespace;
  const desired = renderPolicy(namespace, settings);
  const live = await policyObjects(client, namespace);
  const fields = policyNamespaceFields(settings);
  const { labels = {}, annotations = {} } = target.namespace.metadata;
  const namespaceDiff = compareObjects(
    namespacePolicyView(namespace, fields.labels, fields.annotations),
    namespacePolicyView(namespace, labels, annotations),
  );
  const diffs = [
    ...(namespaceDiff ? [namespaceDiff] : []),
    ...diffObjects(desired, live, live.filter(isProfileObject)),
  ];
  return { target, settings, desired, live, diffs };
}

/** Applies a plan: the objects, the prune of mimt's objects the profile no longer has, then the namespace. */
export async function applyPlan(client: KubeClient, plan: PolicyPlan, dryRun: boolean): Promise<string[]> {
  const namespace = plan.target.tenant.namespace;
  const outcome = await applyPolicyObjects(client, namespace, plan.desired, {
    dryRun,
    owned: plan.live.filter(isProfileObject),
  });
  await applyNamespace(client, namespaceApplyObject(plan.target.namespace, plan.settings), dryRun);
  // Apply removes a label it leaves out only when no other field manager shares it, and the
  // namespace's creation shares them all: the labels a profile no longer has are removed here.
  const wanted = policyNamespaceFields(plan.settings).labels;
  const live = plan.target.namespace.metadata.labels ?? {};
  const unwanted = POD_SECURITY_KEYS.filter((key) => live[key] !== undefined && wanted[key] === undefined);
  if (unwanted.length) {
    await client.request({
      method: 'PATCH',
      path: namespacePath(namespace),
      query: { dryRun: dryRun ? 'All' : undefined },
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: Object.fromEntries(unwanted.map((key) => [key, null])) } },
    });
  }
  return outcome.removed;
}
