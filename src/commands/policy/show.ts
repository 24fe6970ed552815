import type { KubeClient } from '../../core/kube/client.ts';
import type { KubeObject } from '../../core/kube/objects.ts';
import { ReadReport } from '../../core/kube/read.ts';
import { policyObjects } from '../../core/policy/apply.ts';
import { describePodSecurity, describePolicyObject, managerOf, quotaLines } from '../../core/policy/describe.ts';
import { shownFields } from '../../core/policy/diff.ts';
import { mergeSettings } from '../../core/policy/settings.ts';
import { policyTarget } from '../../core/policy/tenant.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../../output/result.ts';
import { API_VERSION } from '../tenant-view.ts';

export interface PolicyShowOptions {
  tenant: string;
  source?: TenantSource;
}

export interface PolicyDeps {
  kube(): Promise<KubeClient>;
}

const KIND_ORDER = ['Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'RoleBinding'];

interface Row {
  object: KubeObject;
  manager: string;
  allows: string;
}

const MANAGER_TONE: Record<string, Tone> = { mimt: 'green', 'mimt allow': 'yellow', 'mimt access': 'yellow' };

export async function show(options: PolicyShowOptions, deps: PolicyDeps): Promise<Listing> {
  const client = await deps.kube();
  const report = new ReadReport();
  const target = await policyTarget(client, options.tenant, options.source, report);
  const live = await policyObjects(client, target.tenant.namespace, { report });
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
    warnings: [...target.warnings, ...report.lines()],
  });
}
