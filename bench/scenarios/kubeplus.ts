/**
 * A re-enactment of KubePlus's access pattern, not KubePlus itself: "the status of every tenant" the
 * way its `kubectl appstatus Kind instance` answers it for one instance, run for each tenant in turn.
 * appstatus (a bash wrapper around a Python script) spawns one kubectl process per call:
 * `kubectl api-resources` (the canonical Kind), `kubectl get crds` (is it a consumer API),
 * `kubectl get <Kind> -A` (does the instance exist), `kubectl get <Kind> <instance> -o json` (the
 * release, from status.helmrelease) and `kubectl get pods -n <namespace> -o json` (each pod's phase).
 * The fixture's tenants are mimt's, not KubePlus instances, so the two instance reads are stand-ins
 * of the same size on the tenant: the list of tenant namespaces, and the tenant's Helm release
 * record. Against `kubectl mimt ls -o json`, which answers for every tenant at once.
 */
import {
  type Context,
  KUBECTL,
  type Row,
  type Sample,
  alternate,
  expect,
  measured,
  plugin,
  requestsOf,
  row,
  timed,
  timedAll,
} from '../common.ts';
import { type Fixture, PODS_PER_TENANT } from '../fixtures.ts';
import { checkMimtJson } from './ls.ts';

const LIST_TENANTS = ['get', 'namespaces', '-l', 'mimt.io/tenant', '-o', 'name'];

/** One appstatus, re-enacted for tenant `t`. */
const appstatus = (t: string): string[][] => [
  ['api-resources'],
  ['get', 'crds'],
  ['get', 'namespaces', '-l', 'mimt.io/tenant'],
  ['get', 'secrets', '-n', t, '-l', `owner=helm,name=${t}`, '-o', 'json'],
  ['get', 'pods', '-n', t, '-o', 'json'],
];

interface Reenacted extends Sample {
  outputs: string[];
  tenants: string[];
}

/** Every tenant, then one appstatus per tenant, one process after another as a script would. */
async function reenact(): Promise<Reenacted> {
  const list = await timed(KUBECTL, LIST_TENANTS);
  const tenants = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^namespace\//, ''));
  const each = await timedAll(tenants.flatMap(appstatus));
  return {
    wallMs: list.wallMs + each.wallMs,
    cpuMs: list.cpuMs + each.cpuMs,
    peakRssMb: Math.max(list.peakRssMb, each.peakRssMb),
    stdout: '',
    outputs: each.outputs,
    tenants,
  };
}

/** Release status and pod phases the re-enactment read for the fixture's tenants. */
function check(sample: Reenacted, f: Fixture): void {
  const mine = sample.tenants.filter((t) => t.startsWith(f.tenantPrefix));
  expect(mine.length === f.tenants.length, () => `re-enactment found ${mine.length} of ${f.tenants.length} tenants`);
  const calls = appstatus('').length;
  sample.tenants.forEach((t, i) => {
    if (!t.startsWith(f.tenantPrefix)) return;
    const records = JSON.parse(sample.outputs[i * calls + 3] as string) as {
      items: { metadata: { labels: Record<string, string> } }[];
    };
    const pods = JSON.parse(sample.outputs[i * calls + 4] as string) as { items: { status: { phase: string } }[] };
    const running = pods.items.filter((p) => p.status.phase === 'Running').length;
    expect(
      records.items[0]?.metadata.labels.status === 'deployed' && running === PODS_PER_TENANT,
      () => `re-enactment: tenant ${t} release ${records.items[0]?.metadata.labels.status}, ${running} pods running`,
    );
  });
}

export async function kubePlus(ctx: Context, f: Fixture): Promise<Row[]> {
  let processes = 0;
  const [mimt, peer] = await alternate<Sample & Partial<Reenacted>>(
    ctx.slowRuns,
    [() => timed(plugin('ls'), ['-o', 'json', '-v=1']), reenact],
    (c, sample) => {
      if (c === 0) return checkMimtJson(sample.stdout, f);
      check(sample as Reenacted, f);
      processes = 1 + (sample.tenants?.length ?? 0) * appstatus('').length;
    },
  );
  // Requests of one tenant's appstatus, the same for each: counted once, outside the timed runs.
  let perTenant = 0;
  for (const args of appstatus(f.tenants[0] as string)) perTenant += await requestsOf(args);
  const tenants = (processes - 1) / appstatus('').length;
  const requests = (await requestsOf(LIST_TENANTS)) + perTenant * tenants;
  return [
    row(
      `${f.tenants.length} tenants (${tenants} on the cluster)`,
      'status of every tenant',
      'wallMs',
      measured('kubectl mimt ls -o json', mimt ?? []),
      [measured('re-enactment of KubePlus appstatus, per tenant', peer ?? [], { requests, processes })],
    ),
  ];
}
