import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import { KUBEPLUS_NAMESPACE_LABEL, type TenantSource } from '../core/tenant/contract.ts';
import { type Inventory, takeInventory } from '../core/tenant/inventory.ts';
import { listingPolicies } from '../core/policy/listing.ts';
import { tenantRelevance } from '../core/tenant/watch.ts';
import type { Document, Frames, Listing } from '../output/result.ts';
import { takeDetail } from './ls-detail.ts';
import { type Snapshot, watchFrames } from './ls-watch.ts';
import { type LsSortKey, tenantListing } from '../views/ls.ts';
import { viewTenants } from '../views/tenant.ts';

export interface LsOptions {
  tenant?: string;
  selector?: string;
  source?: TenantSource;
  sortBy: LsSortKey;
  watch: boolean;
  /** Audit each tenant's policy for the POLICY column and status.policy (-o wide|json|yaml). */
  policy: boolean;
  /** Say which namespaces look like tenants and are not (-o wide). */
  notes?: boolean;
}

/** The namespaces labelled managedby=kubeplus that the listing leaves out, and why. */
function kubePlusNotes(inventory: Inventory): string[] {
  const { home, unclaimed } = inventory.kubePlusNamespaces;
  const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  return [
    ...(home.length
      ? [`note: KubePlus runs in namespace ${quoted(home)} (labelled ${KUBEPLUS_NAMESPACE_LABEL}); not a tenant.`]
      : []),
    ...(unclaimed.length
      ? [
          `note: no KubePlus instance claims namespace ${quoted(unclaimed)} (labelled ${KUBEPLUS_NAMESPACE_LABEL}); not listed.`,
        ]
      : []),
  ];
}

export interface LsDeps {
  kube(): Promise<KubeClient>;
  now(): Date;
  signal: AbortSignal;
}

/**
 * Every tenant, one row each, from one inventory (nine requests without KubePlus, ten with Warning events), and three more
 * lists when the policy is asked for.
 */
async function takeListing(client: KubeClient, options: LsOptions, deps: LsDeps): Promise<Snapshot<Listing>> {
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  const inventory = await takeInventory(client);
  const policies = options.policy ? await listingPolicies(client, inventory, inventory.report) : undefined;
  const views = viewTenants(inventory, policies).filter(
    (v) => (options.source === undefined || v.tenant.source === options.source) && matches(v.tenant.labels),
  );
  const now = deps.now().getTime();
  const warnings = [
    ...inventory.report.lines(),
    ...(options.notes ? kubePlusNotes(inventory) : []),
    ...views.flatMap((v) => v.tenant.problems.map((p) => `warning: tenant ${v.tenant.name}: ${p}`)),
  ];
  return {
    frame: tenantListing(views, options.sortBy, now, warnings),
    listedAt: inventory.listedAt,
    relevant: tenantRelevance(new Set(inventory.tenants.map((t) => t.namespace))),
  };
}

/**
 * `ls` lists every tenant; `ls TENANT` describes one; `--watch` turns either into frames taken
 * again whenever the cluster reports a change that concerns them.
 */
export async function ls(options: LsOptions, deps: LsDeps): Promise<Listing | Document | Frames> {
  const client = await deps.kube();
  const take =
    options.tenant === undefined
      ? () => takeListing(client, options, deps)
      : () => takeDetail(client, options.tenant as string, options, deps);
  if (!options.watch) return (await take()).frame;
  return { type: 'frames', frames: watchFrames<Listing | Document>(client, take, deps.signal) };
}
