import { type ManifestDocument, manifestDocuments } from '../helm/manifest.ts';
import type { KubeClient } from '../kube/client.ts';
import type { ResourceFinder } from '../kube/discovery.ts';
import type { KubeObject } from '../kube/objects.ts';
import { getOptional, isForbidden } from '../kube/read.ts';
import { objectPath, splitApiVersion } from '../kube/resources.ts';
import { rightsText } from '../policy/audit.ts';
import { type Subject, subjectText, subjectsOf } from '../policy/describe.ts';
import type { PolicySettings } from '../policy/settings.ts';

/** A binding of the chart that gives the tenant's own identities rights outside its namespace. */
export interface Grant {
  /** `ClusterRoleBinding x` or `RoleBinding other/x`. */
  object: string;
  /** What it gives to whom, and where: `ServiceAccount t/op ClusterRole op in every namespace: get, list secrets`. */
  grants: string;
}

/** What a rendered chart would make outside the tenant's namespace. */
export interface ChartReach {
  /** Cluster-scoped objects, `Kind name`, in the chart's order. */
  cluster: string[];
  /** Namespaced objects the chart puts in another namespace, `Kind namespace/name`. */
  elsewhere: string[];
  /** Objects whose kind the API server does not serve and no CRD of the chart defines: scope unknown. */
  unknown: string[];
  grants: Grant[];
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

interface CrdSpec {
  group?: string;
  names?: { kind?: string };
  scope?: string;
}

/** Groups every ServiceAccount is in, whatever its namespace. */
const EVERYONE = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

/** Whether `subject` is, or includes, one of the tenant's identities: its ServiceAccounts or its owner. */
function isTenants(subject: Subject, namespace: string, owner: PolicySettings['owner']): boolean {
  if (subject.kind === 'ServiceAccount') return subject.namespace === namespace;
  if (owner && subject.kind === owner.kind && subject.name === owner.name) return true;
  if (subject.kind === 'Group')
    return EVERYONE.has(subject.name) || subject.name === `system:serviceaccounts:${namespace}`;
  return subject.kind === 'User' && subject.name.startsWith(`system:serviceaccount:${namespace}:`);
}

/**
 * Sorts the chart's objects by where they would land, and finds the bindings that would let the
 * tenant's identities act outside its namespace. A kind's scope comes from the table of known kinds,
 * a CRD in the chart itself (its custom resources are not served yet), or the API server's discovery.
 */
export async function chartReach(
  client: KubeClient,
  finder: ResourceFinder,
  manifest: string,
  namespace: string,
  owner?: PolicySettings['owner'],
): Promise<ChartReach> {
  type Doc = ManifestDocument & { apiVersion: string };
  const docs = manifestDocuments(manifest, 'the rendered chart').filter((d): d is Doc => !!d.apiVersion);
  const chartCrds = new Map(
    docs
      .filter((d) => d.kind === 'CustomResourceDefinition')
      .map((d) => {
        const spec = (d.spec ?? {}) as CrdSpec;
        return [`${spec.group}/${spec.names?.kind}`, spec.scope === 'Cluster'] as const;
      }),
  );
  const reach: ChartReach = { cluster: [], elsewhere: [], unknown: [], grants: [] };
  const outside: KubeObject[] = [];
  for (const doc of docs) {
    const fromChart = chartCrds.get(`${splitApiVersion(doc.apiVersion).group}/${doc.kind}`);
    const namespaced = fromChart !== undefined ? !fromChart : (await finder.find(doc.apiVersion, doc.kind))?.namespaced;
    const { name } = doc.metadata;
    if (namespaced === undefined) reach.unknown.push(`${doc.kind} ${name}`);
    else if (!namespaced) {
      reach.cluster.push(`${doc.kind} ${name}`);
      outside.push(doc);
    } else if (doc.metadata.namespace !== undefined && doc.metadata.namespace !== namespace) {
      reach.elsewhere.push(`${doc.kind} ${doc.metadata.namespace}/${name}`);
      outside.push(doc);
    }
  }
  const rulesOf = async (kind: string, roleNamespace: string | undefined, name: string): Promise<string> => {
    const inChart = docs.find(
      (d) =>
        d.kind === kind &&
        d.metadata.name === name &&
        (kind === 'ClusterRole' || d.metadata.namespace === roleNamespace),
    );
    let rules = inChart?.rules as Rule[] | undefined;
    if (!inChart) {
      // A role the cluster already has (cluster-admin, view, …): what it allows is what is granted.
      const live = await getOptional<KubeObject>(client, objectPath(kind, roleNamespace, name)).catch((error) => {
        if (isForbidden(error)) return undefined;
        throw error;
      });
      rules = live?.rules as Rule[] | undefined;
      if (!live) return ' (its rules could not be read)';
    }
    return rules?.length ? `: ${rightsText(rules)}` : ' (no rules)';
  };
  for (const binding of outside) {
    if (binding.kind !== 'ClusterRoleBinding' && binding.kind !== 'RoleBinding') continue;
    const who = subjectsOf(binding).filter((s) => isTenants(s, namespace, owner));
    if (!who.length) continue;
    const role = (binding.roleRef ?? {}) as { kind?: string; name?: string };
    const roleKind = role.kind === 'Role' ? 'Role' : 'ClusterRole';
    const where = binding.metadata.namespace;
    const object =
      binding.kind === 'RoleBinding'
        ? `RoleBinding ${where}/${binding.metadata.name}`
        : `ClusterRoleBinding ${binding.metadata.name}`;
    const scope = binding.kind === 'RoleBinding' ? `in namespace ${where}` : 'in every namespace';
    const rights = await rulesOf(roleKind, roleKind === 'Role' ? where : undefined, role.name ?? '?');
    reach.grants.push({
      object,
      grants: `${who.map(subjectText).join(', ')} ${roleKind} ${role.name ?? '?'} ${scope}${rights}`,
    });
  }
  return reach;
}
