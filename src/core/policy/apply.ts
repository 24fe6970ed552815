import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { LABEL_MANAGED_BY, LABEL_POLICY, MANAGED_BY_MIMT } from '../tenant/contract.ts';

export const FIELD_MANAGER = 'kubectl-mimt';

/** Where the API keeps each namespaced kind mimt writes. */
const API_PATHS: Record<string, { base: string; plural: string }> = {
  NetworkPolicy: { base: '/apis/networking.k8s.io/v1', plural: 'networkpolicies' },
  ResourceQuota: { base: '/api/v1', plural: 'resourcequotas' },
  LimitRange: { base: '/api/v1', plural: 'limitranges' },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
  Role: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'roles' },
  ServiceAccount: { base: '/api/v1', plural: 'serviceaccounts' },
};

/** The kinds a tenant's policy is made of. */
export const POLICY_KINDS = ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'RoleBinding'] as const;

/** Selects only objects mimt put there itself; users' own objects never match. */
export const OWNED_POLICY_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY_MIMT},${LABEL_POLICY}`;

/** Where a kind's objects live: in one namespace, or across the cluster without one. */
export function collection(kind: string, namespace: string | undefined): string {
  const where = API_PATHS[kind];
  if (!where) throw new Error(`no API path known for kind ${kind}`);
  return namespace === undefined
    ? `${where.base}/${where.plural}`
    : `${where.base}/namespaces/${namespace}/${where.plural}`;
}

function objectPath(object: KubeObject): string {
  return `${collection(object.kind as string, object.metadata.namespace as string)}/${object.metadata.name}`;
}

export interface ApplyOutcome {
  applied: string[];
  removed: string[];
}

/** Server-side apply with mimt's field manager; `force` takes over fields someone else changed. */
export function serverSideApply(client: KubeClient, object: KubeObject, dryRun = false): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: objectPath(object),
    query: { fieldManager: FIELD_MANAGER, force: true, dryRun: dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: object,
  });
}

/**
 * Every object of the policy kinds, whoever made it, in one namespace or (without one) the whole
 * cluster: one list per kind, whatever the number of namespaces.
 */
export async function policyObjects(
  client: KubeClient,
  namespace: string | undefined,
  labelSelector?: string,
): Promise<KubeObject[]> {
  const lists = await Promise.all(
    POLICY_KINDS.map(async (kind) => {
      // List items come without apiVersion and kind; the list itself names the version.
      const list = await client.list(collection(kind, namespace), { labelSelector });
      return list.items.map((item) => ({ ...item, apiVersion: list.apiVersion, kind }));
    }),
  );
  return lists.flat();
}

/** The mimt-owned policy objects in a namespace: one list per kind. */
export function ownedPolicyObjects(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  return policyObjects(client, namespace, OWNED_POLICY_SELECTOR);
}

/**
 * Server-side applies the desired objects with mimt's field manager, then deletes the mimt-owned
 * objects the desired set no longer has. Objects without mimt's labels are never touched. `owned`
 * spares the lists when the caller has just read the mimt-owned objects.
 */
export async function applyPolicyObjects(
  client: KubeClient,
  namespace: string,
  desired: KubeObject[],
  options: { dryRun?: boolean; owned?: KubeObject[] } = {},
): Promise<ApplyOutcome> {
  const applied = await Promise.all(
    desired.map(async (object) => {
      await serverSideApply(client, { ...object, metadata: { ...object.metadata, namespace } }, options.dryRun);
      return `${object.kind}/${object.metadata.name}`;
    }),
  );
  const wanted = new Set(applied);
  const stale = (options.owned ?? (await ownedPolicyObjects(client, namespace))).filter(
    (object) => !wanted.has(`${object.kind}/${object.metadata.name}`),
  );
  return { applied, removed: await deletePolicyObjects(client, namespace, stale, options) };
}

/** Deletes the given policy objects (ones mimt owns); returns kind/name of each. */
export async function deletePolicyObjects(
  client: KubeClient,
  namespace: string,
  objects: KubeObject[],
  options: { dryRun?: boolean } = {},
): Promise<string[]> {
  return Promise.all(
    objects.map(async (object) => {
      await client.request({
        method: 'DELETE',
        path: `${collection(object.kind as string, namespace)}/${object.metadata.name}`,
        query: { dryRun: options.dryRun ? 'All' : undefined },
      });
      return `${object.kind}/${object.metadata.name}`;
    }),
  );
}
