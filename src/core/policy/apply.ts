import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { LABEL_MANAGED_BY, LABEL_POLICY, MANAGED_BY_MIMT } from '../tenant/contract.ts';

export const FIELD_MANAGER = 'kubectl-mimt';

/** The kinds a policy is made of, and where the API keeps them. */
export const POLICY_KINDS: Record<string, { base: string; plural: string }> = {
  NetworkPolicy: { base: '/apis/networking.k8s.io/v1', plural: 'networkpolicies' },
  ResourceQuota: { base: '/api/v1', plural: 'resourcequotas' },
  LimitRange: { base: '/api/v1', plural: 'limitranges' },
  RoleBinding: { base: '/apis/rbac.authorization.k8s.io/v1', plural: 'rolebindings' },
};

/** Selects only objects mimt put there itself; users' own objects never match. */
export const OWNED_POLICY_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY_MIMT},${LABEL_POLICY}`;

function collection(kind: string, namespace: string): string {
  const where = POLICY_KINDS[kind];
  if (!where) throw new Error(`no API path known for kind ${kind}`);
  return `${where.base}/namespaces/${namespace}/${where.plural}`;
}

export interface ApplyOutcome {
  applied: string[];
  removed: string[];
}

/** The mimt-owned policy objects in a namespace: one list per kind. */
export async function ownedPolicyObjects(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  const lists = await Promise.all(
    Object.keys(POLICY_KINDS).map(async (kind) =>
      (await client.list(collection(kind, namespace), { labelSelector: OWNED_POLICY_SELECTOR })).items.map((item) => ({
        ...item,
        kind,
      })),
    ),
  );
  return lists.flat();
}

/**
 * Server-side applies the desired objects with mimt's field manager, then deletes the mimt-owned
 * objects the desired set no longer has. Objects without mimt's labels are never touched.
 */
export async function applyPolicyObjects(
  client: KubeClient,
  namespace: string,
  desired: KubeObject[],
  options: { dryRun?: boolean } = {},
): Promise<ApplyOutcome> {
  const dryRun = options.dryRun ? 'All' : undefined;
  const applied = await Promise.all(
    desired.map(async (object) => {
      await client.request({
        method: 'PATCH',
        path: `${collection(object.kind as string, namespace)}/${object.metadata.name}`,
        query: { fieldManager: FIELD_MANAGER, force: true, dryRun },
        contentType: 'application/apply-patch+yaml',
        body: object,
      });
      return `${object.kind}/${object.metadata.name}`;
    }),
  );
  const wanted = new Set(applied);
  const stale = (await ownedPolicyObjects(client, namespace)).filter(
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
