/**
 * `kubectl mimt metrics -A` against `kubectl top pods -A`, and against the kubectl calls that fetch
 * the same data (usage, the pods for their requests and limits, the quotas). Usage is per pod, so
 * the same count of measured pods of the fixture means both read the same data.
 */
import {
  type Context,
  KUBECTL,
  type Row,
  alternate,
  expect,
  kubectl,
  measured,
  measuredCalls,
  plugin,
  requestsOf,
  row,
  timed,
  timedAll,
} from '../common.ts';
import { type Fixture, PODS_PER_TENANT, waitUntil } from '../fixtures.ts';

/** The fixture's pods that metrics.k8s.io serves usage for. */
async function podsServed(f: Fixture): Promise<number> {
  const list = JSON.parse(await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods'])) as {
    items: { metadata: { namespace: string } }[];
  };
  return list.items.filter((item) => item.metadata.namespace.startsWith(f.tenantPrefix)).length;
}

interface MimtMetrics {
  items: { metadata: { name: string }; pods: { total: number; unmeasured: number } }[];
}

/** The fixture's pods that mimt shows usage of (-o json). */
function mimtMeasured(stdout: string, f: Fixture): number {
  return (JSON.parse(stdout) as MimtMetrics).items
    .filter((item) => item.metadata.name.startsWith(f.tenantPrefix))
    .reduce((sum, item) => sum + item.pods.total - item.pods.unmeasured, 0);
}

/** The fixture's pods in a table whose first column is the namespace (kubectl top) or the tenant (mimt). */
const tableMeasured = (stdout: string, f: Fixture): number =>
  stdout.split('\n').filter((line) => line.startsWith(f.tenantPrefix)).length;

/** What mimt reads for `metrics -A`, as a user would fetch it with kubectl. */
const SAME_DATA = [
  ['top', 'pods', '-A'],
  ['get', 'pods', '-A', '-o', 'json'],
  ['get', 'resourcequotas', '-A', '-o', 'json'],
] as const;

export async function metrics(ctx: Context, f: Fixture): Promise<Row[]> {
  const pods = f.tenants.length * PODS_PER_TENANT;
  // metrics-server needs 35–60 s to serve a new pod.
  await waitUntil('pods in metrics.k8s.io', pods, () => podsServed(f));
  const [mimt, mimtTable, peer, sameData] = await alternate(
    ctx.runs,
    [
      () => timed(plugin('metrics'), ['-A', '-o', 'json', '-v=1']),
      () => timed(plugin('metrics'), ['-A', '-v=1']),
      () => timed(KUBECTL, ['top', 'pods', '-A']),
      () => timedAll(SAME_DATA),
    ],
    (c, sample) => {
      if (c === 3) {
        const got = tableMeasured(('outputs' in sample ? (sample.outputs as string[])[0] : '') ?? '', f);
        return expect(got === pods, () => `the same-data kubectl calls: top showed ${got} of ${pods} pods`);
      }
      if (c === 0) {
        const got = mimtMeasured(sample.stdout, f);
        return expect(got === pods, () => `mimt metrics -A -o json measured ${got} of the ${pods} pods`);
      }
      // mimt's table has a line per tenant, kubectl top's a line per pod.
      const want = c === 1 ? f.tenants.length : pods;
      const got = tableMeasured(sample.stdout, f);
      expect(got === want, () => `${c === 1 ? 'mimt metrics -A' : 'kubectl top pods -A'}: ${got} of ${want} lines`);
    },
  );
  const top = measured('kubectl top pods -A', peer ?? [], { requests: await requestsOf(['top', 'pods', '-A']) });
  const size = `${f.tenants.length} tenants`;
  const same = await measuredCalls(SAME_DATA, sameData ?? []);
  return [
    row(size, '`metrics -A`', 'wallMs', measured('kubectl mimt metrics -A', mimtTable ?? []), [top, same]),
    row(size, '`metrics -A -o json`', 'wallMs', measured('kubectl mimt metrics -A -o json', mimt ?? []), [top, same]),
  ];
}
