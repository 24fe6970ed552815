import type { KubeClient } from '../kube/client.ts';
import { unreadableIn } from '../kube/scope.ts';
import type { Tenant } from './contract.ts';
import { type Inventory, takeInventory } from './inventory.ts';
import { summarizePods } from './pods.ts';
import { type TenantStatus, tenantStatus } from './status.ts';
import { schedulingProblem, shortfalls } from './workloads.ts';

/** A tenant's status from an inventory: what `ls` shows in STATUS and what a rollout's soak watches. */
export function statusIn(inventory: Inventory, tenant: Tenant): TenantStatus {
  const release = (inventory.releases.get(tenant.namespace) ?? []).find((r) => r.name === tenant.release);
  const pods = summarizePods(inventory.pods.get(tenant.namespace) ?? []);
  const unreadable =
    unreadableIn(inventory.unreadable.releases, tenant.namespace) ??
    unreadableIn(inventory.unreadable.pods, tenant.namespace);
  const events = inventory.events.get(tenant.namespace) ?? [];
  return tenantStatus(tenant, release, pods, unreadable, {
    shortfalls: shortfalls(inventory.workloads.get(tenant.namespace) ?? [], events),
    scheduling: schedulingProblem(events),
  });
}

/**
 * The status of every tenant named, from one inventory of the cluster: the same requests whatever
 * their number. A tenant no longer listed is Unknown.
 */
export async function tenantStatuses(client: KubeClient, names: readonly string[]): Promise<Map<string, TenantStatus>> {
  const inventory = await takeInventory(client);
  const statuses = new Map<string, TenantStatus>();
  for (const name of names) {
    const tenant = inventory.tenants.find((t) => t.name === name && t.source === 'mimt');
    statuses.set(name, tenant ? statusIn(inventory, tenant) : { phase: 'Unknown', reason: 'tenant not listed' });
  }
  return statuses;
}
