import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import type { ReadReport } from '../kube/read.ts';
import { collect, unreadableIn } from '../kube/scope.ts';
import type { Tenant } from '../tenant/contract.ts';
import { PAGE_SIZE, type Inventory, groupByNamespace } from '../tenant/inventory.ts';
import { type PolicySummary, policySummary } from './summary.ts';

/** The policy kinds the inventory does not hold already (it has the ResourceQuotas). */
const MORE_KINDS = [
  { kind: 'NetworkPolicy', plural: 'NetworkPolicies' },
  { kind: 'LimitRange', plural: 'LimitRanges' },
  { kind: 'RoleBinding', plural: 'RoleBindings' },
] as const;

/**
 * The policy summary of every tenant of an inventory, as `ls TENANT` gives it for one: three lists
 * more (NetworkPolicies, LimitRanges, RoleBindings) across the cluster, or in each namespace of a
 * limited scope, whatever the number of tenants. A kind that may not be listed makes the tenants it
 * concerns `unknown`, and the report says so, rather than `missing`.
 */
export async function listingPolicies(
  client: KubeClient,
  inventory: Inventory,
  report: ReadReport,
): Promise<Map<Tenant, PolicySummary>> {
  const lists = await Promise.all(
    MORE_KINDS.map(async ({ kind, plural }) => ({
      plural,
      ...(await collect(
        plural,
        kind,
        inventory.scope,
        async (path) => {
          const list = await client.list(path, { pageSize: PAGE_SIZE });
          // List items come without apiVersion and kind; the audit compares both.
          return { items: list.items.map((item): KubeObject => ({ ...item, apiVersion: list.apiVersion, kind })) };
        },
        report,
      )),
    })),
  );
  const quotas = [...inventory.quotas.values()].flat().map((q) => ({ ...q, apiVersion: 'v1', kind: 'ResourceQuota' }));
  const byNamespace = groupByNamespace([...quotas, ...lists.flatMap((l) => l.items)]);
  const unreadable = [{ plural: 'ResourceQuotas', unreadable: inventory.unreadable.quotas }, ...lists];
  return new Map(
    inventory.tenants.map((tenant) => {
      const namespace = tenant.namespaceMissing ? undefined : inventory.namespaces.get(tenant.namespace);
      const refused = unreadable.filter((l) => unreadableIn(l.unreadable, tenant.namespace) !== undefined);
      const objects = byNamespace.get(tenant.namespace) ?? [];
      return [
        tenant,
        policySummary(
          tenant,
          namespace,
          objects,
          refused.map((l) => l.plural),
        ),
      ];
    }),
  );
}
