/**
 * `kubectl mimt policy audit -A` against the kubectl calls that fetch the objects it reads: the
 * namespaces, the four policy kinds and the pods that have not ended. The fixture's tenants have
 * profile none, which the audit reports once per tenant: that finding for every tenant of the
 * fixture shows that each was audited.
 */
import {
  type Context,
  type Row,
  type Sample,
  alternate,
  expect,
  measured,
  plugin,
  measuredCalls,
  row,
  timed,
  timedAll,
} from '../common.ts';
import { type Fixture, PODS_PER_TENANT } from '../fixtures.ts';

const CALLS = [
  ['get', 'namespaces', '-o', 'json'],
  ['get', 'networkpolicies,resourcequotas,limitranges,rolebindings', '-A', '-o', 'json'],
  ['get', 'pods', '-A', '--field-selector=status.phase!=Succeeded,status.phase!=Failed', '-o', 'json'],
] as const;

interface Finding {
  tenant: string;
  rule: string;
}

function checkMimt(stdout: string, f: Fixture): void {
  const findings = (JSON.parse(stdout) as { items: Finding[] }).items;
  const audited = new Set(findings.filter((x) => x.rule === 'no-isolation').map((x) => x.tenant));
  const missing = f.tenants.filter((t) => !audited.has(t));
  expect(
    missing.length === 0,
    () => `policy audit -A has no finding for ${missing.length} tenants, e.g. ${missing[0]}`,
  );
}

function checkKubectl(outputs: string[], f: Fixture): void {
  const n = f.tenants.length;
  const counts = outputs.map(
    (out) =>
      (JSON.parse(out) as { items: { kind: string; metadata: { name: string; namespace?: string } }[] }).items.filter(
        (i) => (i.metadata.namespace ?? i.metadata.name).startsWith(f.tenantPrefix),
      ).length,
  );
  // Per tenant: its namespace; its quota (and the RoleBindings KWOK never makes); its pods.
  const want = [n, n, n * PODS_PER_TENANT];
  expect(
    counts.every((c, i) => c === want[i]),
    () => `kubectl read ${counts.join('/')} of the fixture's ${want.join('/')} namespaces/policy objects/pods`,
  );
}

export async function policyAudit(ctx: Context, f: Fixture): Promise<Row[]> {
  const [mimt, peer] = await alternate<Sample & { outputs?: string[] }>(
    ctx.runs,
    [
      () => timed(plugin('policy'), ['audit', '-A', '-o', 'json', '-v=1'], { exitCodes: [0, 3] }),
      () => timedAll(CALLS),
    ],
    (c, sample) => (c === 0 ? checkMimt(sample.stdout, f) : checkKubectl(sample.outputs ?? [], f)),
  );
  return [
    row(
      `${f.tenants.length} tenants`,
      '`policy audit -A`',
      'wallMs',
      measured('kubectl mimt policy audit -A -o json', mimt ?? []),
      [await measuredCalls(CALLS, peer ?? [])],
    ),
  ];
}
