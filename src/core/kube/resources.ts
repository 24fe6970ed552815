/**
 * Where the API server keeps each kind mimt reads or writes: the one table of kinds and the only
 * place API paths are built. Adding a kind is one entry here.
 */
export interface Resource {
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const core = (kind: string, plural: string, namespaced = true): Resource => ({
  kind,
  group: '',
  version: 'v1',
  plural,
  namespaced,
});
const grouped = (group: string, version: string, kind: string, plural: string, namespaced = true): Resource => ({
  kind,
  group,
  version,
  plural,
  namespaced,
});

const KNOWN: readonly Resource[] = [
  core('Namespace', 'namespaces', false),
  core('Node', 'nodes', false),
  core('Pod', 'pods'),
  core('Secret', 'secrets'),
  core('ConfigMap', 'configmaps'),
  core('Service', 'services'),
  core('ServiceAccount', 'serviceaccounts'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  core('ResourceQuota', 'resourcequotas'),
  core('LimitRange', 'limitranges'),
  core('Event', 'events'),
  grouped('apps', 'v1', 'Deployment', 'deployments'),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets'),
  grouped('apps', 'v1', 'DaemonSet', 'daemonsets'),
  grouped('apps', 'v1', 'ReplicaSet', 'replicasets'),
  grouped('batch', 'v1', 'Job', 'jobs'),
  grouped('batch', 'v1', 'CronJob', 'cronjobs'),
  grouped('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers'),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  grouped('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  grouped('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  grouped('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  grouped('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes'),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  grouped('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  grouped('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  grouped('scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false),
  grouped('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false),
  grouped('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  grouped(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  grouped('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  core('PersistentVolume', 'persistentvolumes', false),
  grouped('metrics.k8s.io', 'v1beta1', 'PodMetrics', 'pods'),
  grouped('workflows.kubeplus', 'v1alpha1', 'ResourceComposition', 'resourcecompositions'),
  grouped('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
];

const BY_KIND = new Map(KNOWN.map((r) => [r.kind, r]));

/** The resource of a kind mimt knows; an unknown kind is a programming error, not a user's. */
export function resourceOf(kind: string): Resource {
  const found = BY_KIND.get(kind);
  if (!found) throw new Error(`no API path known for kind ${kind}`);
  return found;
}

/** Whether mimt knows `kind` to live outside namespaces (ClusterRole, Namespace, …). */
export const isClusterScoped = (kind: string): boolean => BY_KIND.get(kind)?.namespaced === false;

/** The resource of a kind mimt does not know in advance (a KubePlus Kind, a custom resource). */
export function customResource(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
): Resource {
  return grouped(group, version, kind, plural, namespaced);
}

/** `apps/v1` → group `apps`, version `v1`; `v1` → the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The known resource of `kind` when it lives in the API group `apiVersion` names, else undefined. */
export function knownResource(apiVersion: string, kind: string): Resource | undefined {
  const found = BY_KIND.get(kind);
  return found && found.group === splitApiVersion(apiVersion).group ? found : undefined;
}

/** The discovery document of one group version: `/api/v1` or `/apis/<group>/<version>`. */
export function discoveryPath(apiVersion: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return groupVersionPath(grouped(group, version, '', '', true));
}

export type KindRef = string | Resource;

const asResource = (kind: KindRef): Resource => (typeof kind === 'string' ? resourceOf(kind) : kind);

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(resource: Resource): string {
  return resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
}

export function apiVersionOf(kind: KindRef): string {
  const resource = asResource(kind);
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/**
 * The collection of a kind: in one namespace, or (namespace undefined) across the cluster. A
 * cluster-scoped kind ignores the namespace.
 */
export function collectionPath(kind: KindRef, namespace?: string): string {
  const resource = asResource(kind);
  const where = resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(resource)}${where}/${resource.plural}`;
}

/** One object, or with `subresource` one of its subresources (`log`, `token`, `status`). */
export function objectPath(kind: KindRef, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

/** kubectl's short names of the kinds users name most. */
const SHORT_NAMES: Record<string, string> = {
  po: 'Pod',
  svc: 'Service',
  cm: 'ConfigMap',
  sa: 'ServiceAccount',
  pvc: 'PersistentVolumeClaim',
  deploy: 'Deployment',
  sts: 'StatefulSet',
  ds: 'DaemonSet',
  rs: 'ReplicaSet',
  cj: 'CronJob',
  hpa: 'HorizontalPodAutoscaler',
  pdb: 'PodDisruptionBudget',
  ing: 'Ingress',
  netpol: 'NetworkPolicy',
  quota: 'ResourceQuota',
  limits: 'LimitRange',
  ns: 'Namespace',
  no: 'Node',
};

/**
 * The Kind a user's word names, as kubectl reads it: a Kind in any case, its plural or short name;
 * a word that starts upper-case is taken as a Kind mimt does not know (a custom resource's).
 */
export function kindOfWord(word: string): string | undefined {
  const lower = word.toLowerCase();
  const known = KNOWN.find((r) => r.kind.toLowerCase() === lower || r.plural === lower);
  if (known && known.group !== 'metrics.k8s.io') return known.kind;
  if (SHORT_NAMES[lower]) return SHORT_NAMES[lower];
  return /^[A-Z][A-Za-z0-9]*$/.test(word) ? word : undefined;
}
