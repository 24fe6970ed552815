import { type SuspensionOutcome, readWorkloads, resumeNamespace, suspendNamespace } from '../core/install/suspend.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import type { Tenant, TenantSource } from '../core/tenant/contract.ts';
import { listTenants } from '../core/tenant/inventory.ts';
import { resolveTenant } from '../core/tenant/resolve.ts';
import type { Listing } from '../output/result.ts';
import { type SuspensionRow, suspensionListing } from '../views/suspend.ts';

export interface SuspendOptions {
  /** The tenants named; empty with --all or a selector. */
  tenants: string[];
  all: boolean;
  selector?: string;
  source?: TenantSource;
  dryRun: boolean;
}

export interface SuspendDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
  now(): Date;
}

/** The tenants named (through the resolver), or every tenant that matches --all / -l. */
function selectTenants(tenants: Tenant[], options: SuspendOptions): Tenant[] {
  if (options.tenants.length) return options.tenants.map((name) => resolveTenant(tenants, name, options.source));
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  return tenants.filter(
    (t) =>
      (options.source === undefined || t.source === options.source) &&
      !t.terminating &&
      !t.namespaceMissing &&
      matches(t.labels),
  );
}

type Act = (
  client: KubeClient,
  namespace: string,
  workloads: Awaited<ReturnType<typeof readWorkloads>>,
  dryRun: boolean,
) => Promise<SuspensionOutcome>;

/**
 * Reads the tenants and their workloads (one list per kind: in the named tenants' namespaces, or
 * cluster-wide for --all and -l), then acts on each tenant in turn. A tenant that fails does not stop
 * the others; its row says why and the command exits 1.
 */
async function acrossTenants(
  verb: 'suspend' | 'resume',
  options: SuspendOptions,
  deps: SuspendDeps,
  act: Act,
): Promise<Listing> {
  const client = await deps.kube();
  const { tenants } = await listTenants(client, { names: options.tenants });
  const targets = selectTenants(tenants, options);
  const workloads = await readWorkloads(client, options.tenants.length ? targets.map((t) => t.namespace) : undefined);
  const rows: SuspensionRow[] = [];
  for (const tenant of targets) {
    try {
      const outcome = await act(client, tenant.namespace, workloads, options.dryRun);
      rows.push({
        tenant,
        outcome,
        result: options.dryRun ? 'planned' : outcome.changes.length ? 'done' : 'unchanged',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      deps.progress(`${verb} of tenant ${tenant.name} failed: ${reason}`);
      rows.push({ tenant, result: 'failed', reason });
    }
  }
  return suspensionListing(verb, rows, options);
}

export function suspend(options: SuspendOptions, deps: SuspendDeps): Promise<Listing> {
  const now = deps.now();
  return acrossTenants('suspend', options, deps, (client, namespace, workloads, dryRun) =>
    suspendNamespace(client, namespace, workloads.get(namespace), { dryRun, now }),
  );
}

export function resume(options: SuspendOptions, deps: SuspendDeps): Promise<Listing> {
  return acrossTenants('resume', options, deps, (client, namespace, workloads, dryRun) =>
    resumeNamespace(client, namespace, workloads.get(namespace), { dryRun }),
  );
}
