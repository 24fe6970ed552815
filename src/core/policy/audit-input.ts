import type { KubeClient } from '../kube/client.ts';
import type { TenantSource } from '../tenant/contract.ts';
import { listTenants } from '../tenant/inventory.ts';
import { resolveTenant } from '../tenant/resolve.ts';
import { policyObjects } from './apply.ts';
import type { AuditInput, AuditTenant } from './audit.ts';

/** Pods that have ended hold no resources and run nothing: no finding is about them. */
const RUNNING_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

/**
 * Everything an audit reads, in a fixed number of requests whatever the tenant count: the tenants
 * (THE resolver's lists), namespace metadata for the recorded settings, one list per policy kind and
 * one of pods, across the cluster or, for one tenant, in its namespace.
 */
export async function collectAuditInput(
  client: KubeClient,
  only?: { name: string; source?: TenantSource },
): Promise<{ input: AuditInput; warnings: string[] }> {
  const [{ tenants, warnings }, namespaces] = await Promise.all([
    listTenants(client),
    client.list('/api/v1/namespaces', { metadataOnly: true }),
  ]);
  const byName = new Map(namespaces.items.map((ns) => [ns.metadata.name, ns.metadata]));
  const all: AuditTenant[] = tenants.map((tenant) => ({
    tenant,
    labels: byName.get(tenant.namespace)?.labels ?? {},
    annotations: byName.get(tenant.namespace)?.annotations ?? {},
  }));
  const chosen = only ? resolveTenant(tenants, only.name, only.source) : undefined;
  const audited = chosen ? all.filter((t) => t.tenant === chosen) : all;
  const scope = chosen?.namespace;
  const [objects, pods] = await Promise.all([
    policyObjects(client, scope),
    client.list(scope === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${scope}/pods`, {
      fieldSelector: RUNNING_PODS,
    }),
  ]);
  return { input: { audited, tenants: all, objects, pods: pods.items }, warnings };
}
