import type { ReleaseRecord } from '../helm/records.ts';
import type { Tenant } from './contract.ts';
import type { PodSummary } from './pods.ts';
import { type Shortfall, shortfallText } from './workloads.ts';

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
  /** One word for the STATUS column beside a Degraded phase: CrashLoopBackOff, FailedCreate, … */
  cause?: string;
}

/** What a tenant's controllers want and lack, and why pods wait to be scheduled. */
export interface WorkloadState {
  shortfalls: Shortfall[];
  /** The newest FailedScheduling message of the namespace, when pods are Pending. */
  scheduling?: string;
}

const firstLine = (text: string): string => text.split('\n', 1)[0] as string;

/**
 * The rules of docs/tenancy-contract.md, "Status", in the order they are written there. `unreadable`
 * says why the release records or pods could not be read (no permission): then nothing is concluded.
 */
export function tenantStatus(
  tenant: Tenant,
  release: ReleaseRecord | undefined,
  pods: PodSummary,
  unreadable?: string,
  workloads: WorkloadState = { shortfalls: [] },
): TenantStatus {
  // KubePlus deletes the namespace of a failed install (Terminating, then gone): the error is the
  // one thing left to tell.
  if (tenant.kubePlusError) return { phase: 'Failed', reason: `KubePlus reports: ${firstLine(tenant.kubePlusError)}` };
  if (tenant.terminating) return { phase: 'Terminating', reason: 'namespace is being deleted' };
  if (tenant.namespaceMissing) return { phase: 'Unknown', reason: `namespace "${tenant.namespace}" not found` };
  if (unreadable !== undefined) return { phase: 'Unknown', reason: unreadable };
  if (!release) {
    return {
      phase: 'Unknown',
      reason: tenant.release
        ? `no Helm release "${tenant.release}" in the namespace`
        : 'no Helm release in the namespace',
    };
  }
  switch (release.status) {
    case 'failed':
      return { phase: 'Failed', reason: `release revision ${release.revision} failed` };
    case 'pending-install':
    case 'pending-upgrade':
    case 'pending-rollback':
    case 'uninstalling':
      return { phase: 'Progressing', reason: `release ${release.status}` };
    case 'deployed': {
      if (tenant.suspendedAt !== undefined) {
        // Pods left over mean that suspend was interrupted or someone scaled a workload back up.
        const left = pods.total > 0 ? `; ${pods.total} pods still present` : '';
        return { phase: 'Suspended', reason: `suspended since ${tenant.suspendedAt}${left}` };
      }
      if (pods.worstReason) {
        return {
          phase: 'Degraded',
          reason: `${pods.total - pods.ready} of ${pods.total} pods not ready: ${pods.worstReason}`,
          cause: pods.worstReason,
        };
      }
      const blocked = workloads.shortfalls.filter((s) => s.blocking);
      if (blocked.length) {
        return { phase: 'Degraded', reason: blocked.map(shortfallText).join('; '), cause: blocked[0]?.causeReason };
      }
      if (pods.ready < pods.total) {
        const waiting = `${pods.total - pods.ready} pods starting`;
        return { phase: 'Progressing', reason: workloads.scheduling ? `${waiting}; ${workloads.scheduling}` : waiting };
      }
      // Pods that were never created are counted by no pod list: only their controllers know.
      if (workloads.shortfalls.length) {
        return { phase: 'Progressing', reason: workloads.shortfalls.map(shortfallText).join('; ') };
      }
      return { phase: 'Ready' };
    }
    default:
      return { phase: 'Unknown', reason: `release status "${release.status}"` };
  }
}
