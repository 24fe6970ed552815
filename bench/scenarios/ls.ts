/**
 * `kubectl mimt ls` and `ls -o json` against the kubectl calls that fetch the same data: the
 * namespaces, every pod, the Helm release records and the quotas (tables, or JSON for -o json).
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
  ['get', 'namespaces'],
  ['get', 'pods', '-A'],
  ['get', 'secrets', '-A', '-l', 'owner=helm'],
  ['get', 'resourcequotas', '-A'],
] as const;

interface TenantJson {
  metadata: { name: string };
  status: { pods: { total: number } | null };
}

/** The fixture's tenants in mimt's output must be exactly the fixture's, each with its pods. */
export function checkMimtJson(stdout: string, f: Fixture): void {
  const mine = (JSON.parse(stdout) as { items: TenantJson[] }).items.filter((t) =>
    t.metadata.name.startsWith(f.tenantPrefix),
  );
  expect(mine.length === f.tenants.length, () => `mimt ls -o json lists ${mine.length} of ${f.tenants.length} tenants`);
  const wrong = mine.find((t) => t.status.pods?.total !== PODS_PER_TENANT);
  expect(
    !wrong,
    () => `mimt ls -o json: tenant ${wrong?.metadata.name} has pods ${JSON.stringify(wrong?.status.pods)}`,
  );
}

/** Lines (tables) or items (JSON) that belong to the fixture's tenants. */
function fixtureCount(output: string, json: boolean, f: Fixture): number {
  if (!json) return output.split('\n').filter((line) => line.startsWith(f.tenantPrefix)).length;
  const items = (JSON.parse(output) as { items: { metadata: { name: string; namespace?: string } }[] }).items;
  return items.filter((i) => (i.metadata.namespace ?? i.metadata.name).startsWith(f.tenantPrefix)).length;
}

function checkKubectl(outputs: string[], json: boolean, f: Fixture): void {
  const n = f.tenants.length;
  const want = [n, n * PODS_PER_TENANT, n, n];
  outputs.forEach((output, c) => {
    const got = fixtureCount(output, json, f);
    expect(got === want[c], () => `kubectl ${CALLS[c]?.join(' ')}: ${got} of the fixture's ${want[c]} objects`);
  });
}

export async function ls(ctx: Context, f: Fixture): Promise<Row[]> {
  const size = `${f.tenants.length} tenants`;
  const rows: Row[] = [];
  for (const json of [false, true]) {
    const format = json ? ['-o', 'json'] : [];
    const calls = CALLS.map((c) => [...c, ...format]);
    const [mimt, peer] = await alternate<Sample & { outputs?: string[] }>(
      ctx.runs,
      [() => timed(plugin('ls'), [...format, '-v=1']), () => timedAll(calls)],
      (c, sample) => {
        if (c === 1) return checkKubectl(sample.outputs ?? [], json, f);
        if (json) return checkMimtJson(sample.stdout, f);
        const lines = fixtureCount(sample.stdout, false, f);
        expect(lines === f.tenants.length, () => `mimt ls lists ${lines} of ${f.tenants.length} tenants`);
      },
    );
    const label = json ? '`ls -o json`' : '`ls`';
    rows.push(
      row(size, label, 'wallMs', measured(`kubectl mimt ls ${format.join(' ')}`.trim(), mimt ?? []), [
        await measuredCalls(calls, peer ?? []),
      ]),
    );
  }
  return rows;
}
