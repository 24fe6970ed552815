import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { annotationsOf, labelsOf } from '../kube/objects.ts';
import {
  ANNOTATION_CHART,
  ANNOTATION_CHART_NAME,
  ANNOTATION_CHART_VERSION,
  ANNOTATION_PROFILE,
  ANNOTATION_RELEASE,
  HELM_RELEASE_ANNOTATION,
  KUBEPLUS_LABEL_MANAGED,
  KUBEPLUS_MANAGED_VALUE,
  LABEL_MANAGED_BY,
  LABEL_TENANT,
  MANAGED_BY_MIMT,
  type Tenant,
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

export function isMimtNamespace(namespace: KubeObject): boolean {
  const labels = labelsOf(namespace);
  return labels[LABEL_TENANT] !== undefined && labels[LABEL_MANAGED_BY] === MANAGED_BY_MIMT;
}

export function isKubePlusNamespace(namespace: KubeObject): boolean {
  return labelsOf(namespace)[KUBEPLUS_LABEL_MANAGED] === KUBEPLUS_MANAGED_VALUE;
}

function mimtTenant(namespace: KubeObject): Tenant {
  const labels = labelsOf(namespace);
  const annotations = annotationsOf(namespace);
  const name = labels[LABEL_TENANT] as string;
  const problems: string[] = [];
  if (name !== namespace.metadata.name) {
    problems.push(
      `namespace "${namespace.metadata.name}" carries ${LABEL_TENANT}=${name}; the contract wants them equal`,
    );
  }
  return {
    name,
    namespace: namespace.metadata.name,
    source: 'mimt',
    release: annotations[ANNOTATION_RELEASE] ?? name,
    chart: annotations[ANNOTATION_CHART_NAME] ?? annotations[ANNOTATION_CHART],
    chartRef: annotations[ANNOTATION_CHART],
    chartVersion: annotations[ANNOTATION_CHART_VERSION],
    profile: annotations[ANNOTATION_PROFILE],
    createdAt: namespace.metadata.creationTimestamp,
    labels,
    annotations,
    terminating: isTerminating(namespace),
    namespaceMissing: false,
    problems,
  };
}

/** KubePlus stores the release annotation with literal quotes around it at times. */
export function unquote(value: string | undefined): string | undefined {
  return value?.replace(/^"(.*)"$/s, '$1');
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
      problems.push(`namespace "${namespaceName}" lacks the label ${KUBEPLUS_LABEL_MANAGED}=${KUBEPLUS_MANAGED_VALUE}`);
    }
    const annotated = unquote(annotationsOf(namespace)[HELM_RELEASE_ANNOTATION]);
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
    release: unquote(annotationsOf(namespace)[HELM_RELEASE_ANNOTATION]),
    createdAt: namespace.metadata.creationTimestamp,
    labels: labelsOf(namespace),
    annotations: annotationsOf(namespace),
    terminating: isTerminating(namespace),
    namespaceMissing: false,
    problems: [
      `namespace is labelled ${KUBEPLUS_LABEL_MANAGED}=${KUBEPLUS_MANAGED_VALUE} but no KubePlus instance claims it`,
    ],
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
