import type { KubeObject } from '../kube/objects.ts';
import { type Finding, auditTenants } from './audit.ts';
import { type Tenant, recordedPolicy } from '../tenant/contract.ts';

/**
 * The policy of one tenant in a word, from the policy module's audit: `missing` when a profile object
 * is missing, `drift` when one differs or is unexpected or Pod Security is off the profile, `none`
 * without a recorded mimt profile or with profile none (nothing isolates the tenant), `ok` otherwise;
 * `unknown` when the objects could not be read.
 */
export type PolicyState = 'ok' | 'drift' | 'missing' | 'none' | 'unknown';

export interface PolicySummary {
  /** The recorded mimt profile; null when the namespace records none (KubePlus tenants, for one). */
  profile: string | null;
  state: PolicyState;
  /** Why the state is unknown. */
  reason?: string;
  /** The audit's findings for the tenant (without the pod checks, which need whole pods). */
  findings: Finding[];
}

const DRIFT_RULES = new Set(['changed-policy', 'unexpected-policy', 'pod-security']);

function stateOf(findings: readonly Finding[]): PolicyState {
  if (findings.some((f) => f.rule === 'no-policy')) return 'none';
  if (findings.some((f) => f.rule === 'missing-policy')) return 'missing';
  if (findings.some((f) => DRIFT_RULES.has(f.rule))) return 'drift';
  // Profile none has nothing to drift from but mimt's leftovers; "ok" would read as isolated.
  if (findings.some((f) => f.rule === 'no-isolation')) return 'none';
  return 'ok';
}

/**
 * Audits one tenant's namespace (`namespace`: its live object) against its recorded profile with the
 * policy module, given the namespace's NetworkPolicies, ResourceQuotas, LimitRanges and RoleBindings
 * (`objects`, kind set). When some of those kinds could not be read (`unreadable`) nothing is concluded.
 */
export function policySummary(
  tenant: Tenant,
  namespace: KubeObject | undefined,
  objects: KubeObject[],
  unreadable: readonly string[],
): PolicySummary {
  const annotations = namespace?.metadata.annotations ?? {};
  const profile = recordedPolicy(annotations).profile ?? null;
  if (!namespace) {
    const reason = tenant.namespaceMissing ? 'the namespace does not exist' : 'the namespace could not be read';
    return { profile, state: 'unknown', reason, findings: [] };
  }
  if (unreadable.length) {
    return { profile, state: 'unknown', reason: `cannot list ${unreadable.join(', ')}`, findings: [] };
  }
  const audited = { tenant, labels: namespace.metadata.labels ?? {}, annotations };
  const findings = auditTenants({ audited: [audited], tenants: [audited], objects, pods: [] });
  return { profile, state: stateOf(findings), findings };
}
