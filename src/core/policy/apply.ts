import { dryRunQuery, serverSideApply } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { type ReadReport, readOptional } from '../kube/read.ts';
import { collectionPath, objectPath } from '../kube/resources.ts';
import { OWNED_POLICY_SELECTOR } from '../tenant/contract.ts';

/** The kinds a tenant's policy is made of. */
export const POLICY_KINDS = ['NetworkPolicy', 'ResourceQuota', 'LimitRange', 'RoleBinding'] as const;

/** Selects only objects mimt put there itself; users' own objects never match. */

export interface ApplyOutcome {
  applied: string[];
  removed: string[];
}

/**
 * Every object of the policy kinds, whoever made it, in one namespace or (without one) the whole
 * cluster: one list per kind, whatever the number of namespaces. With a `report`, a kind the user
 * may not read is left out and reported (for views); without one, it fails (for changes and diffs,
 * which must not act on what they could not see).
 */
export async function policyObjects(
  client: KubeClient,
  namespace: string | undefined,
  options: { labelSelector?: string; report?: ReadReport } = {},
): Promise<KubeObject[]> {
  const { labelSelector, report } = options;
  const lists = await Promise.all(
    POLICY_KINDS.map(async (kind) => {
      const read = client.list(collectionPath(kind, namespace), { labelSelector });
      const list = report ? await readOptional(`${kind}s`, read, { items: [] }, report, namespace) : await read;
      // List items come without apiVersion and kind; the list itself names the version.
      return list.items.map((item) => ({ ...item, apiVersion: list.apiVersion, kind }));
    }),
  );
  return lists.flat();
}

/** The mimt-owned policy objects in a namespace: one list per kind. */
export function ownedPolicyObjects(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  return policyObjects(client, namespace, { labelSelector: OWNED_POLICY_SELECTOR });
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
        path: objectPath(object.kind as string, namespace, object.metadata.name),
        query: { dryRun: dryRunQuery(options.dryRun) },
      });
      return `${object.kind}/${object.metadata.name}`;
    }),
  );
}
