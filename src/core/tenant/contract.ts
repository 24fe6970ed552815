import { failure } from '../errors.ts';

/**
 * The tenancy contract, as written in docs/tenancy-contract.md. Every command reads tenants through
 * these names; none guesses on its own.
 */
const LABEL_TENANT = 'mimt.io/tenant';
const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
const MANAGED_BY_MIMT = 'kubectl-mimt';
/** On the objects of a profile: the profile they belong to. */
const LABEL_POLICY = 'mimt.io/policy';
/** On what `policy kubeconfig` makes: the role (Role) or the user (ServiceAccount, RoleBinding). */
const LABEL_ACCESS = 'mimt.io/access';
/** On what `policy allow` makes: the tenant traffic is allowed from, or to. */
const LABEL_ALLOW_FROM = 'mimt.io/allow-from';
const LABEL_ALLOW_TO = 'mimt.io/allow-to';
const ANNOTATION_PREFIX = 'mimt.io/';

/** The chart reference as given to install (directory, .tgz, repo/name, oci://…). */
const ANNOTATION_CHART = 'mimt.io/chart';
/** The chart's own name, from its Chart.yaml. */
const ANNOTATION_CHART_NAME = 'mimt.io/chart-name';
const ANNOTATION_CHART_VERSION = 'mimt.io/chart-version';
const ANNOTATION_RELEASE = 'mimt.io/release';
const ANNOTATION_PROFILE = 'mimt.io/profile';
/** The quota, limits and owner given at install, as JSON, so that policy apply can render them again. */
const ANNOTATION_POLICY_SETTINGS = 'mimt.io/policy-settings';
/** A digest of everything an install was asked for; the same digest again means nothing to do. */
const ANNOTATION_FINGERPRINT = 'mimt.io/install-fingerprint';
/** On a suspended tenant's namespace: when `suspend` suspended it. */
const ANNOTATION_SUSPENDED_AT = 'mimt.io/suspended-at';
/** On each object `suspend` changed: the fields it changed, as they were before, as JSON. */
const ANNOTATION_BEFORE_SUSPEND = 'mimt.io/before-suspend';
/** On the ResourceQuota that holds a suspended tenant at zero pods. */
const LABEL_SUSPENSION = 'mimt.io/suspension';

/** KubePlus marks the namespace of an instance with this label and Helm's release annotation. */
const KUBEPLUS_LABEL_MANAGED = 'managedby';
const KUBEPLUS_MANAGED_VALUE = 'kubeplus';
const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
const HELM_NAMESPACE_ANNOTATION = 'meta.helm.sh/release-namespace';
/**
 * KubePlus's helmer marks an instance it has handled with this label, and does nothing for an
 * update whose object still carries it: an update must be sent without it to reach Helm.
 */
const KUBEPLUS_LABEL_CREATED_BY = 'created-by';
const KUBEPLUS_CREATED_BY_VALUE = 'kubeplus';
/** The NetworkPolicies KubePlus puts in each instance's namespace. */
const KUBEPLUS_POLICY_NAMES = ['restrict-cross-ns-traffic', 'allow-external-traffic'];
export const KUBEPLUS_API_GROUP = 'platformapi.kubeplus';
export const KUBEPLUS_API_VERSION = 'v1alpha1';

type Labels = Record<string, string>;

/** The selector of what a profile made (and `policy apply` may prune). */
export const OWNED_POLICY_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY_MIMT},${LABEL_POLICY}`;

// Reading

/** The namespaces that claim to hold these tenants, as a label selector. */
export const tenantNamespaceSelector = (names: readonly string[]): string => `${LABEL_TENANT} in (${names.join(',')})`;

export const isMimtNamespaceLabels = (labels: Labels): boolean =>
  labels[LABEL_TENANT] !== undefined && labels[LABEL_MANAGED_BY] === MANAGED_BY_MIMT;
export const isKubePlusNamespaceLabels = (labels: Labels): boolean =>
  labels[KUBEPLUS_LABEL_MANAGED] === KUBEPLUS_MANAGED_VALUE;
export const KUBEPLUS_NAMESPACE_LABEL = `${KUBEPLUS_LABEL_MANAGED}=${KUBEPLUS_MANAGED_VALUE}`;
export const KUBEPLUS_HANDLED_LABEL = `${KUBEPLUS_LABEL_CREATED_BY}=${KUBEPLUS_CREATED_BY_VALUE}`;
/** An instance's labels as an update must send them so that KubePlus acts on it (see above). */
export const withoutKubePlusMark = (labels: Labels): Labels =>
  Object.fromEntries(Object.entries(labels).filter(([key]) => key !== KUBEPLUS_LABEL_CREATED_BY));

/** What install recorded on a tenant namespace. */
export function mimtRecord(labels: Labels, annotations: Labels) {
  const tenant = labels[LABEL_TENANT] as string;
  return {
    tenant,
    tenantLabel: `${LABEL_TENANT}=${tenant}`,
    release: annotations[ANNOTATION_RELEASE] ?? tenant,
    chart: annotations[ANNOTATION_CHART_NAME] ?? annotations[ANNOTATION_CHART],
    chartRef: annotations[ANNOTATION_CHART],
    chartVersion: annotations[ANNOTATION_CHART_VERSION],
    profile: annotations[ANNOTATION_PROFILE],
    fingerprint: annotations[ANNOTATION_FINGERPRINT],
  };
}

/** The profile and policy settings a namespace records, for `policy` to render them again. */
export const recordedPolicy = (annotations: Labels) => ({
  profile: annotations[ANNOTATION_PROFILE],
  settings: annotations[ANNOTATION_POLICY_SETTINGS],
  where: `annotation ${ANNOTATION_POLICY_SETTINGS}`,
});

/** The Helm release an object belongs to; KubePlus stores it with literal quotes around it at times. */
export const helmReleaseOf = (annotations: Labels | undefined): string | undefined =>
  annotations?.[HELM_RELEASE_ANNOTATION]?.replace(/^"(.*)"$/s, '$1');

export const isManagedByMimt = (labels: Labels): boolean => labels[LABEL_MANAGED_BY] === MANAGED_BY_MIMT;
/** Whether mimt's profile owns the object (what `policy apply` may change and prune). */
export const isProfileObject = (labels: Labels): boolean =>
  isManagedByMimt(labels) && labels[LABEL_POLICY] !== undefined;
export const isPolicyObject = (labels: Labels): boolean => labels[LABEL_POLICY] !== undefined;
export const isKubePlusPolicy = (name: string): boolean => KUBEPLUS_POLICY_NAMES.includes(name);

/** Who put an object there, by its labels: `mimt allow`, `mimt access`, `mimt`, another manager, or `user`. */
export function managerOf(labels: Labels): string {
  const manager = labels[LABEL_MANAGED_BY];
  if (manager !== MANAGED_BY_MIMT) return manager ?? 'user';
  if (labels[LABEL_ALLOW_FROM] !== undefined || labels[LABEL_ALLOW_TO] !== undefined) return 'mimt allow';
  if (labels[LABEL_ACCESS] !== undefined) return 'mimt access';
  return 'mimt';
}

/** The tenant a `policy allow` object lets in, when mimt made it. */
export const allowedFrom = (labels: Labels): string | undefined =>
  isManagedByMimt(labels) ? labels[LABEL_ALLOW_FROM] : undefined;
export const isAllowTo = (labels: Labels): boolean => labels[LABEL_ALLOW_TO] !== undefined;
export const isAccessObject = (labels: Labels): boolean => labels[LABEL_ACCESS] !== undefined;

// Writing

/** The labels of any object mimt makes, with `extra` (one of the labels below) beside them. */
/** The marks Helm puts on every object of a release as it applies it (its ownership check reads them). */
export const helmReleaseMarks = (release: string, namespace: string): { labels: Labels; annotations: Labels } => ({
  labels: { [LABEL_MANAGED_BY]: 'Helm' },
  annotations: { [HELM_RELEASE_ANNOTATION]: release, [HELM_NAMESPACE_ANNOTATION]: namespace },
});

export const mimtLabels = (extra: Labels = {}): Labels => ({ [LABEL_MANAGED_BY]: MANAGED_BY_MIMT, ...extra });
export const policyLabels = (profile: string): Labels => mimtLabels({ [LABEL_POLICY]: profile });
export const accessLabels = (value: string): Labels => mimtLabels({ [LABEL_ACCESS]: value });
export const allowFromLabels = (from: string): Labels => mimtLabels({ [LABEL_ALLOW_FROM]: from });
export const allowToLabels = (to: string): Labels => mimtLabels({ [LABEL_ALLOW_TO]: to });
export const suspensionLabels = (): Labels => mimtLabels({ [LABEL_SUSPENSION]: 'guard' });

/** What a profile records on the tenant namespace, so that `policy apply` can render it again. */
export const policyAnnotations = (profile: string, settings: string): Labels => ({
  [ANNOTATION_PROFILE]: profile,
  [ANNOTATION_POLICY_SETTINGS]: settings,
});

/** The labels and annotations install (and adopt) write on a tenant namespace. */
export function tenantNamespaceMetadata(record: {
  tenant: string;
  /** The Helm release, when it is not named after the tenant (an adopted release). */
  release?: string;
  chart: string;
  chartName: string;
  chartVersion: string;
  profile: string;
  settings: string;
  fingerprint?: string;
}): { labels: Labels; annotations: Labels } {
  return {
    labels: mimtLabels({ [LABEL_TENANT]: record.tenant }),
    annotations: {
      [ANNOTATION_CHART]: record.chart,
      [ANNOTATION_CHART_NAME]: record.chartName,
      [ANNOTATION_CHART_VERSION]: record.chartVersion,
      [ANNOTATION_RELEASE]: record.release ?? record.tenant,
      ...policyAnnotations(record.profile, record.settings),
      ...(record.fingerprint ? { [ANNOTATION_FINGERPRINT]: record.fingerprint } : {}),
    },
  };
}

/**
 * What of a live namespace's metadata mimt owns and must send again on server-side apply (a field it
 * leaves out would be removed): the tenancy labels and every mimt.io/ annotation but the suspension
 * mark, which suspend and resume write by patch so that no apply (install's) ever owns, and drops, it.
 */
export function ownedNamespaceMetadata(labels: Labels, annotations: Labels): { labels: Labels; annotations: Labels } {
  return {
    labels: Object.fromEntries(
      [LABEL_TENANT, LABEL_MANAGED_BY].filter((k) => labels[k] !== undefined).map((k) => [k, labels[k] as string]),
    ),
    annotations: Object.fromEntries(
      Object.entries(annotations).filter(([k]) => k.startsWith(ANNOTATION_PREFIX) && k !== ANNOTATION_SUSPENDED_AT),
    ),
  };
}

// Suspension: a mark on the namespace, and on each object suspend changed what it was before.

/** When the tenant's namespace was suspended, or undefined when it is not. */
export const suspendedAt = (namespaceAnnotations: Labels): string | undefined =>
  namespaceAnnotations[ANNOTATION_SUSPENDED_AT];

/** The merge patch of a namespace's metadata that marks it suspended (at) or not (null). */
export const suspensionMarkPatch = (at: string | null) => ({
  metadata: { annotations: { [ANNOTATION_SUSPENDED_AT]: at } },
});

/** What suspend recorded on an object (its changed fields as they were), or undefined. */
export function recordedBeforeSuspend(annotations: Labels): Record<string, unknown> | undefined {
  const text = annotations[ANNOTATION_BEFORE_SUSPEND];
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Falls through to the error below, which names the annotation.
  }
  throw failure(`annotation ${ANNOTATION_BEFORE_SUSPEND} is not a JSON object: ${text}`, {
    hint: 'it records what suspend changed; set it right (e.g. {"replicas":3}) or remove it',
  });
}

/** The annotations of a metadata merge patch that records `before` (or, with null, drops the record). */
export const beforeSuspendAnnotations = (before: Record<string, unknown> | null): Record<string, string | null> => ({
  [ANNOTATION_BEFORE_SUSPEND]: before === null ? null : JSON.stringify(before),
});

/** The recorded profile annotations of a namespace, as `policy show` presents the namespace. */
export const policyAnnotationsOf = (annotations: Labels): Labels =>
  Object.fromEntries(
    [ANNOTATION_PROFILE, ANNOTATION_POLICY_SETTINGS]
      .filter((k) => annotations[k] !== undefined)
      .map((k) => [k, annotations[k] as string]),
  );

export type TenantSource = 'mimt' | 'kubeplus';
export const TENANT_SOURCES: readonly TenantSource[] = ['mimt', 'kubeplus'];

/** What the resolver knows of a tenant before any command looks further. */
export interface Tenant {
  name: string;
  namespace: string;
  source: TenantSource;
  release?: string;
  /** The chart's name (KubePlus: the chart its ResourceComposition names). */
  chart?: string;
  /** mimt only: the chart reference given to install, which bulk upgrades match on. */
  chartRef?: string;
  chartVersion?: string;
  profile?: string;
  /** KubePlus only: the Kind of the instance and the namespace its object lives in. */
  kind?: string;
  instanceNamespace?: string;
  createdAt?: string;
  labels: Record<string, string>;
  /** The namespace's annotations (KubePlus: the instance's). */
  annotations: Record<string, string>;
  /** When `suspend` suspended the tenant (a mark on its namespace, for either source). */
  suspendedAt?: string;
  /** The namespace is being deleted. */
  terminating: boolean;
  /** The namespace the tenant claims does not exist (KubePlus instance whose namespace is gone). */
  namespaceMissing: boolean;
  /** KubePlus only: the error KubePlus wrote for its last Helm run on the instance. */
  kubePlusError?: string;
  /** Inconsistencies between the records that describe the tenant; reported, never hidden. */
  problems: string[];
}
