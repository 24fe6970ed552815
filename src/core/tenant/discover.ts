import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { annotationsOf, labelsOf } from '../kube/objects.ts';
import {
  KUBEPLUS_NAMESPACE_LABEL,
  type Tenant,
  helmReleaseOf,
  isKubePlusNamespaceLabels,
  isMimtNamespaceLabels,
  mimtRecord,
  suspendedAt,
} from './contract.ts';

/** What the resolver reads: namespace metadata and KubePlus instances, already fetched. */
export interface TenantRecords {
  namespaces: KubeObject[];
  instances: KubePlusInstance[];
}

function isTerminating(namespace: KubeObject | undefined): boolean {
  if (!namespace) return false;
  const phase = (namespace.status as { phase?: string } | undefined)?.phase;
  return namespace.metadata.deletionTimestamp !== undefined || phase === 'Terminating';
}

/** The suspension mark of a namespace, as a field of Tenant (absent when not suspended). */
function suspension(namespaceAnnotations: Record<string, string>): Pick<Tenant, 'suspendedAt'> {
  const at = suspendedAt(namespaceAnnotations);
  return at === undefined ? {} : { suspendedAt: at };
}

export const isMimtNamespace = (namespace: KubeObject): boolean => isMimtNamespaceLabels(labelsOf(namespace));

export const isKubePlusNamespace = (namespace: KubeObject): boolean => isKubePlusNamespaceLabels(labelsOf(namespace));

function mimtTenant(namespace: KubeObject): Tenant {
  const labels = labelsOf(namespace);
  const annotations = annotationsOf(namespace);
  const record = mimtRecord(labels, annotations);
  const name = record.tenant;
  const problems: string[] = [];
  if (name !== namespace.metadata.name) {
    problems.push(
      `namespace "${namespace.metadata.name}" carries ${record.tenantLabel}; the contract wants them equal`,
    );
  }
  return {
    name,
    namespace: namespace.metadata.name,
    source: 'mimt',
    release: record.release,
    chart: record.chart,
    chartRef: record.chartRef,
    chartVersion: record.chartVersion,
    profile: record.profile,
    createdAt: namespace.metadata.creationTimestamp,
    labels,
    annotations,
    ...suspension(annotations),
    terminating: isTerminating(namespace),
    namespaceMissing: false,
    problems,
  };
}

/** `status.helmrelease` is "<namespace>:<release>" on its first line, the chart's NOTES after it. */
export function parseHelmRelease(value: string | undefined): { namespace: string; release: string } | undefined {
  const first = value?.split('\n', 1)[0]?.trim();
  const match = first ? /^([^:\s]+):([^:\s]+)$/.exec(first) : null;
  return match ? { namespace: match[1] as string, release: match[2] as string } : undefined;
}

export function kubePlusReleaseName(kind: string, instance: string): string {
  return `${kind.toLowerCase()}-${instance}`;
}

function kubePlusTenant(instance: KubePlusInstance, namespaces: Map<string, KubeObject>): Tenant {
  const name = instance.metadata.name;
  const problems: string[] = [];
  const linked = parseHelmRelease(instance.status?.helmrelease);
  const namespaceName = linked?.namespace ?? name;
  const namespace = namespaces.get(namespaceName);
  const expectedRelease = kubePlusReleaseName(instance.kind, name);
  if (linked && linked.namespace !== name) {
    problems.push(`status.helmrelease names namespace "${linked.namespace}", not the instance name "${name}"`);
  }
  if (namespace) {
    if (!isKubePlusNamespace(namespace)) {
      problems.push(`namespace "${namespaceName}" lacks the label ${KUBEPLUS_NAMESPACE_LABEL}`);
    }
    const annotated = helmReleaseOf(annotationsOf(namespace));
    const release = linked?.release ?? expectedRelease;
    if (annotated !== undefined && annotated !== release) {
      problems.push(
        `namespace "${namespaceName}" is annotated with release "${annotated}", the instance with "${release}"`,
      );
    }
  }
  const status = instance.status;
  if (status?.error) problems.push(`KubePlus reports: ${status.error.trim()}`);
  return {
    name,
    namespace: namespaceName,
    source: 'kubeplus',
    release: linked?.release ?? expectedRelease,
    kind: instance.kind,
    instanceNamespace: instance.metadata.namespace,
    createdAt: instance.metadata.creationTimestamp,
    labels: labelsOf(instance),
    annotations: annotationsOf(instance),
    ...(namespace ? suspension(annotationsOf(namespace)) : {}),
    terminating: isTerminating(namespace) || instance.metadata.deletionTimestamp !== undefined,
    namespaceMissing: namespace === undefined,
    problems,
  };
}

/** A namespace that KubePlus labelled but no instance claims any more. */
function orphanKubePlusTenant(namespace: KubeObject): Tenant {
  return {
    name: namespace.metadata.name,
    namespace: namespace.metadata.name,
    source: 'kubeplus',
    release: helmReleaseOf(annotationsOf(namespace)),
    createdAt: namespace.metadata.creationTimestamp,
    labels: labelsOf(namespace),
    annotations: annotationsOf(namespace),
    ...suspension(annotationsOf(namespace)),
    terminating: isTerminating(namespace),
    namespaceMissing: false,
    problems: [`namespace is labelled ${KUBEPLUS_NAMESPACE_LABEL} but no KubePlus instance claims it`],
  };
}

/** Every tenant that the records describe, from both sources, sorted by name then source. */
export function discoverTenants(records: TenantRecords): Tenant[] {
  const byName = new Map(records.namespaces.map((ns) => [ns.metadata.name, ns]));
  const tenants = records.namespaces.filter(isMimtNamespace).map(mimtTenant);
  const kubeplus = records.instances.map((instance) => kubePlusTenant(instance, byName));
  const claimed = new Set(kubeplus.map((tenant) => tenant.namespace));
  const orphans = records.namespaces
    .filter((ns) => isKubePlusNamespace(ns) && !isMimtNamespace(ns) && !claimed.has(ns.metadata.name))
    .map(orphanKubePlusTenant);
  return [...tenants, ...kubeplus, ...orphans].sort(
    (a, b) => a.name.localeCompare(b.name) || a.source.localeCompare(b.source),
  );
}
