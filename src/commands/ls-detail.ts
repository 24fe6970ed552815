import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import { tenantDetail } from '../core/detail/detail.ts';
import { ReadReport } from '../core/kube/read.ts';
import { listNamedTenants, tenantInventory } from '../core/tenant/inventory.ts';
import { resolveTenant } from '../core/tenant/resolve.ts';
import type { Document } from '../output/result.ts';
import type { Snapshot } from './ls-watch.ts';
import { tenantDescription } from '../views/ls-detail.ts';
import { type TenantView, viewTenants } from '../views/tenant.ts';

/**
 * One tenant in detail, as `kubectl describe` would lay it out: what the listing says, then its
 * resources, pods, URLs, policy and recent Warning events. Replaces KubePlus's appresources,
 * appstatus and appurl; works the same on a KubePlus instance's namespace.
 */
export async function takeDetail(
  client: KubeClient,
  name: string,
  options: { selector?: string; source?: TenantSource },
  deps: { now(): Date },
): Promise<Snapshot<Document>> {
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  const report = new ReadReport();
  const found = await listNamedTenants(client, [name], report);
  const tenant = resolveTenant(
    found.tenants.filter((t) => matches(t.labels)),
    name,
    options.source,
  );
  const inventory = await tenantInventory(client, tenant, report);
  const view = viewTenants({ ...inventory, kubePlusCharts: found.kubePlusCharts })[0] as TenantView;
  const pods = inventory.pods.get(tenant.namespace) ?? [];
  const detail = await tenantDetail(client, tenant, pods, report, view.release);
  const now = deps.now().getTime();
  return {
    // The tenant's problems are part of the description (and of status.problems), not notes.
    frame: tenantDescription(view, pods, detail, now, report.lines()),
    listedAt: inventory.listedAt,
    // The watches are those of the tenant's own namespace: every change in them counts.
    relevant: () => true,
  };
}
