import { auditPolicies } from '../../core/policy/audit-input.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import type { Listing } from '../../output/result.ts';
import { auditListing } from '../../views/policy.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyAuditOptions {
  /** One tenant; every tenant when undefined (-A). */
  tenant?: string;
  source?: TenantSource;
}

/** One line per finding; exit 3 when any is high, so that CI can gate on it. */
export async function audit(options: PolicyAuditOptions, deps: PolicyDeps): Promise<Listing> {
  const client = await deps.kube();
  const { audited, findings, report } = await auditPolicies(
    client,
    options.tenant === undefined ? undefined : { name: options.tenant, source: options.source },
  );
  return auditListing(audited, findings, report.lines());
}
