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

/**
 * `status.helmrelease` is "<namespace>:<release>" on its first line; what follows is the chart's
 * NOTES after a successful Helm run, or Helm's error output after a failed one (see kubePlusVerdict).
 */
export function parseHelmRelease(
  value: string | undefined,
): { namespace: string; release: string; rest: string } | undefined {
  const [first = '', ...rest] = (value ?? '').split('\n');
  const match = /^([^:\s]+):([^:\s]+)$/.exec(first.trim());
  return match ? { namespace: match[1] as string, release: match[2] as string, rest: rest.join('\n') } : undefined;
}

/** Helm writes its failures as lines starting with "Error:" (e.g. "Error: INSTALLATION FAILED: …"). */
const HELM_ERROR_LINE = /^Error:.*$/ms;
/** status.error holds Helm's output with its line breaks removed, after "<chartURL> upgrade output:". */
const HELM_ERROR_ANYWHERE = /Error:.*/s;
/** What Helm prints after a successful upgrade, which KubePlus stores in status.error all the same. */
const HELM_UPGRADED = /has been upgraded\. Happy Helming!/;

/** KubePlus's word on its last Helm run on an instance, read from the places it writes it. */
export interface KubePlusVerdict {
  /** Helm's error, when the last run failed. */
  error?: string;
  /** Helm's output of a successful chart upgrade, which KubePlus writes into status.error. */
  upgraded?: string;
}

/**
 * Reads both places KubePlus writes to: a failed install or update leaves Helm's error after the
 * first line of status.helmrelease (and no status.error); a chart upgrade of every instance writes
 * Helm's output, success or not, into status.error. Text in status.error that is neither Helm's
 * error nor its success message is taken as an error, since nothing says it is not.
 */
export function kubePlusVerdict(status: KubePlusInstance['status']): KubePlusVerdict {
  const failedRun = HELM_ERROR_LINE.exec(parseHelmRelease(status?.helmrelease)?.rest ?? '')?.[0].trim();
  if (failedRun) return { error: failedRun };
  const written = status?.error?.trim();
  if (!written) return {};
  const helmError = HELM_ERROR_ANYWHERE.exec(written)?.[0].trim();
  if (helmError) return { error: helmError };
  return HELM_UPGRADED.test(written) ? { upgraded: written } : { error: written };
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
  const { error } = kubePlusVerdict(instance.status);
  if (error) problems.push(`KubePlus reports: ${error}`);
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
    ...(error ? { kubePlusError: error } : {}),
    problems,
  };
}

/**
 * Every tenant that the records describe, from both sources, sorted by name then source. A
 * namespace labelled managedby=kubeplus is a tenant only when an instance claims it: KubePlus's own
 * namespace carries the label too (its webhook acts only in namespaces labelled so).
 */
export function discoverTenants(records: TenantRecords): Tenant[] {
  const byName = new Map(records.namespaces.map((ns) => [ns.metadata.name, ns]));
  const tenants = records.namespaces.filter(isMimtNamespace).map(mimtTenant);
  const kubeplus = records.instances.map((instance) => kubePlusTenant(instance, byName));
  return [...tenants, ...kubeplus].sort((a, b) => a.name.localeCompare(b.name) || a.source.localeCompare(b.source));
}

/** The namespaces labelled managedby=kubeplus that are not tenants, and why. */
export interface KubePlusNamespaces {
  /** Where KubePlus keeps its ResourceCompositions (and, usually, the instances): KubePlus's own. */
  home: string[];
  /** Labelled, but no instance claims them (an instance deleted while its namespace stayed). */
  unclaimed: string[];
}

export function kubePlusNamespaces(
  records: TenantRecords,
  compositionNamespaces: readonly string[],
): KubePlusNamespaces {
  const claimed = new Set(
    records.instances.map((i) => parseHelmRelease(i.status?.helmrelease)?.namespace ?? i.metadata.name),
  );
  const home = new Set(compositionNamespaces);
  const labelled = records.namespaces
    .filter((ns) => isKubePlusNamespace(ns) && !isMimtNamespace(ns) && !claimed.has(ns.metadata.name))
    .map((ns) => ns.metadata.name);
  return {
    home: labelled.filter((name) => home.has(name)).sort(),
    unclaimed: labelled.filter((name) => !home.has(name)).sort(),
  };
}
