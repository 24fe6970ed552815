import type { KubeClient } from '../../core/kube/client.ts';
import { ReadReport } from '../../core/kube/read.ts';
import { policyObjects } from '../../core/policy/apply.ts';
import { policyTarget } from '../../core/policy/tenant.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import type { Listing } from '../../output/result.ts';
import { policyListing } from '../../views/policy.ts';

export interface PolicyShowOptions {
  tenant: string;
  source?: TenantSource;
}

export interface PolicyDeps {
  kube(): Promise<KubeClient>;
}

export async function show(options: PolicyShowOptions, deps: PolicyDeps): Promise<Listing> {
  const client = await deps.kube();
  const report = new ReadReport();
  const target = await policyTarget(client, options.tenant, options.source, report);
  const live = await policyObjects(client, target.tenant.namespace, { report });
  return policyListing(target, live, [...target.warnings, ...report.lines()]);
}
