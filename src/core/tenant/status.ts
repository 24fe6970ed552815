import type { ReleaseRecord } from '../helm/records.ts';
import type { Tenant } from './contract.ts';
import type { PodSummary } from './pods.ts';

export type Phase = 'Ready' | 'Progressing' | 'Degraded' | 'Failed' | 'Terminating' | 'Unknown' | 'Suspended';

/** Worst first: the order of --sort-by status. */
export const PHASE_ORDER: readonly Phase[] = [
  'Failed',
  'Degraded',
  'Unknown',
  'Terminating',
  'Progressing',
  'Suspended',
  'Ready',
];

export interface TenantStatus {
  phase: Phase;
  reason?: string;
}

/**
 * The rules of docs/tenancy-contract.md, "Status", in the order they are written there. `unreadable`
 * says why the release records or pods could not be read (no permission): then nothing is concluded.
 */
export function tenantStatus(
  tenant: Tenant,
  release: ReleaseRecord | undefined,
  pods: PodSummary,
  unreadable?: string,
): TenantStatus {
  if (tenant.terminating) return { phase: 'Terminating', reason: 'namespace is being deleted' };
  if (tenant.namespaceMissing) return { phase: 'Unknown', reason: `namespace "${tenant.namespace}" not found` };
  if (unreadable !== undefined) return { phase: 'Unknown', reason: unreadable };
  if (!release) return { phase: 'Unknown', reason: `no Helm release "${tenant.release}" in the namespace` };
  switch (release.status) {
    case 'failed':
      return { phase: 'Failed', reason: `release revision ${release.revision} failed` };
    case 'pending-install':
    case 'pending-upgrade':
    case 'pending-rollback':
    case 'uninstalling':
      return { phase: 'Progressing', reason: `release ${release.status}` };
    case 'deployed':
      if (tenant.suspendedAt !== undefined) {
        // Pods left over mean that suspend was interrupted or someone scaled a workload back up.
        const left = pods.total > 0 ? `; ${pods.total} pods still present` : '';
        return { phase: 'Suspended', reason: `suspended since ${tenant.suspendedAt}${left}` };
      }
      if (pods.worstReason) {
        return {
          phase: 'Degraded',
          reason: `${pods.total - pods.ready} of ${pods.total} pods not ready: ${pods.worstReason}`,
        };
      }
      if (pods.ready < pods.total) return { phase: 'Progressing', reason: `${pods.total - pods.ready} pods starting` };
      return { phase: 'Ready' };
    default:
      return { phase: 'Unknown', reason: `release status "${release.status}"` };
  }
}
