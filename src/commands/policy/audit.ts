import { EXIT } from '../../core/errors.ts';
import { type Finding, SEVERITIES, type Severity } from '../../core/policy/audit.ts';
import { auditPolicies } from '../../core/policy/audit-input.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../../output/result.ts';
import { API_VERSION } from '../tenant-view.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyAuditOptions {
  /** One tenant; every tenant when undefined (-A). */
  tenant?: string;
  source?: TenantSource;
}

const TONE: Record<Severity, Tone> = { high: 'red', medium: 'yellow', low: 'dim' };

/** One line per finding; exit 3 when any is high, so that CI can gate on it. */
export async function audit(options: PolicyAuditOptions, deps: PolicyDeps): Promise<Listing> {
  const client = await deps.kube();
  const { audited, findings, report } = await auditPolicies(
    client,
    options.tenant === undefined ? undefined : { name: options.tenant, source: options.source },
  );
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const columns: ColumnDef<Finding>[] = [
    { header: 'SEVERITY', value: (f) => f.severity, tone: (f) => TONE[f.severity] },
    { header: 'TENANT', value: (f) => f.tenant },
    { header: 'RULE', value: (f) => f.rule },
    { header: 'OBJECT', value: (f) => f.object },
    { header: 'FINDING', value: (f) => f.message },
  ];
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, count(s)]));
  return listing(findings, columns, {
    document: {
      apiVersion: API_VERSION,
      kind: 'PolicyAudit',
      metadata: { tenants: audited },
      summary,
      items: findings,
    },
    name: (f) => `${f.tenant}/${f.object.toLowerCase()}`,
    emptyMessage: `No findings in ${audited} tenant${audited === 1 ? '' : 's'}`,
    warnings: report.lines(),
    exitCode: count('high') ? EXIT.findings : EXIT.ok,
  });
}
