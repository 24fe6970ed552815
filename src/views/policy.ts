import type { KubeObject } from '../core/kube/objects.ts';
import type { Finding, Severity } from '../core/policy/audit.ts';
import { SEVERITIES } from '../core/policy/audit.ts';
import { describePodSecurity, describePolicyObject, managerOf, quotaLines } from '../core/policy/describe.ts';
import { shownFields } from '../core/policy/diff.ts';
import { mergeSettings } from '../core/policy/settings.ts';
import type { PolicyTarget } from '../core/policy/tenant.ts';
import { EXIT } from '../core/errors.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';

const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'RoleBinding'];

interface Row {
  object: KubeObject;
  manager: string;
  allows: string;
}

const MANAGER_TONE: Record<string, Tone> = { mimt: 'green', 'mimt allow': 'yellow', 'mimt access': 'yellow' };

/** `policy show`: the namespace and each policy object, who manages it and what it allows; quota use. */
export function policyListing(target: PolicyTarget, live: KubeObject[], warnings: string[]): Listing {
  const namespace: KubeObject = { ...target.namespace, kind: 'Namespace' };
  const rows: Row[] = [
    { object: namespace, manager: managerOf(namespace), allows: describePodSecurity(namespace.metadata.labels ?? {}) },
    ...live
      .sort(
        (a, b) =>
          KIND_ORDER.indexOf(a.kind as string) - KIND_ORDER.indexOf(b.kind as string) ||
          a.metadata.name.localeCompare(b.metadata.name),
      )
      .map((object) => ({ object, manager: managerOf(object), allows: describePolicyObject(object) })),
  ];
  const columns: ColumnDef<Row>[] = [
    { header: 'KIND', value: (r) => r.object.kind as string },
    { header: 'NAME', value: (r) => r.object.metadata.name },
    { header: 'MANAGED-BY', value: (r) => r.manager, tone: (r) => MANAGER_TONE[r.manager] },
    { header: 'ALLOWS', value: (r) => r.allows },
  ];
  const recorded = target.recorded.profile === undefined ? undefined : mergeSettings(target.recorded);
  const quota = Object.fromEntries(
    live
      .filter((o) => o.kind === 'ResourceQuota')
      .map((q) => [
        q.metadata.name,
        Object.fromEntries(quotaLines(q).map((l) => [l.resource, { used: l.used, hard: l.hard }])),
      ]),
  );
  return listing(rows, columns, {
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantPolicy',
      metadata: { name: target.tenant.name },
      spec: { namespace: target.tenant.namespace, profile: recorded?.profile ?? null, settings: recorded ?? null },
      status: {
        objects: rows.map((r) => ({ managedBy: r.manager, allows: r.allows, object: shownFields(r.object) })),
        quota,
      },
    },
    name: (r) => `${(r.object.kind as string).toLowerCase()}/${r.object.metadata.name}`,
    emptyMessage: 'No policy objects found',
    warnings,
  });
}

const TONE: Record<Severity, Tone> = { high: 'red', medium: 'yellow', low: 'dim' };

/** `policy audit`: one line per finding; exit 3 when any is high, so that CI can gate on it. */
export function auditListing(audited: number, findings: Finding[], warnings: string[]): Listing {
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
    order: (f) => [SEVERITIES.indexOf(f.severity), f.tenant, f.object],
    emptyMessage: `No findings in ${audited} tenant${audited === 1 ? '' : 's'}`,
    warnings,
    exitCode: count('high') ? EXIT.findings : EXIT.ok,
  });
}
