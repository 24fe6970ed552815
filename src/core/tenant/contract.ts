/**
 * The tenancy contract, as written in docs/tenancy-contract.md. Every command reads tenants through
 * these names; none guesses on its own.
 */
export const LABEL_TENANT = 'mimt.io/tenant';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_MIMT = 'kubectl-mimt';
export const LABEL_POLICY = 'mimt.io/policy';

/** The chart reference as given to install (directory, .tgz, repo/name, oci://…). */
export const ANNOTATION_CHART = 'mimt.io/chart';
/** The chart's own name, from its Chart.yaml. */
export const ANNOTATION_CHART_NAME = 'mimt.io/chart-name';
export const ANNOTATION_CHART_VERSION = 'mimt.io/chart-version';
export const ANNOTATION_RELEASE = 'mimt.io/release';
export const ANNOTATION_PROFILE = 'mimt.io/profile';
/** The quota, limits and owner given at install, as JSON, so that policy apply can render them again. */
export const ANNOTATION_POLICY_SETTINGS = 'mimt.io/policy-settings';
/** A digest of everything an install was asked for; the same digest again means nothing to do. */
export const ANNOTATION_FINGERPRINT = 'mimt.io/install-fingerprint';

/** KubePlus marks the namespace of an instance with this label and Helm's release annotation. */
export const KUBEPLUS_LABEL_MANAGED = 'managedby';
export const KUBEPLUS_MANAGED_VALUE = 'kubeplus';
export const HELM_RELEASE_ANNOTATION = 'meta.helm.sh/release-name';
export const KUBEPLUS_API_GROUP = 'platformapi.kubeplus';
export const KUBEPLUS_API_VERSION = 'v1alpha1';

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
  /** The namespace is being deleted. */
  terminating: boolean;
  /** The namespace the tenant claims does not exist (KubePlus instance whose namespace is gone). */
  namespaceMissing: boolean;
  /** Inconsistencies between the records that describe the tenant; reported, never hidden. */
  problems: string[];
}
