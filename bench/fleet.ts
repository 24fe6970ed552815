/**
 * `ls --all-contexts` on the local fleet (make fleet-up) against `ls` on each of its clusters alone:
 * the fleet view should cost about what its slowest cluster costs, not the sum. Each cluster gets
 * the bench's tenants (bench/fixtures.ts, made cluster by cluster); the runs alternate, and the
 * median of each is compared. Prints one line of figures; removes its fixtures, also on Ctrl-C.
 *
 *   make fleet-up && node bench/fleet.ts [--tenants 100] [--runs 7]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { ROOT, env, log, plugin, stopped } from './common.ts';
import { type Fixture, growNodes, growTenants, newFixture, removeFixture } from './fixtures.ts';

const { values } = parseArgs({
  options: { tenants: { type: 'string', default: '100' }, runs: { type: 'string', default: '7' } },
});
const TENANTS = Number(values.tenants);
const RUNS = Number(values.runs);
const MEMBERS = ['1', '2', '3'];
const FLEET_KUBECONFIG = path.join(ROOT, '.cluster', 'fleet.kubeconfig');

/** The fixtures' kubectl follows env.KUBECONFIG: point it at one member at a time. */
function onMember(member: string): void {
  env.KUBECONFIG = path.join(ROOT, '.fleet', member, 'kubeconfig');
}

async function wallMs(args: string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const { stdout } = await execa(plugin('ls'), args, { env: { ...env, KUBECONFIG: FLEET_KUBECONFIG } });
  return { ms: performance.now() - started, stdout };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const fixtures = new Map<string, Fixture>();
try {
  for (const member of MEMBERS) {
    onMember(member);
    const f = newFixture();
    fixtures.set(member, f);
    await growNodes(f, 0);
    await growTenants(f, TENANTS);
  }
  const fleet: number[] = [];
  const single = new Map<string, number[]>(MEMBERS.map((m) => [m, []]));
  for (let run = 0; run < RUNS && !stopped.aborted; run += 1) {
    const all = await wallMs(['--all-contexts', '-o', 'json']);
    const items = (JSON.parse(all.stdout) as { items: { metadata: { name: string } }[] }).items;
    const mine = items.filter((i) => [...fixtures.values()].some((f) => i.metadata.name.startsWith(f.tenantPrefix)));
    if (mine.length !== TENANTS * MEMBERS.length)
      throw new Error(`ls --all-contexts shows ${mine.length} bench tenants`);
    fleet.push(all.ms);
    for (const member of MEMBERS)
      single.get(member)?.push((await wallMs(['--context', `fleet-${member}`, '-o', 'json'])).ms);
  }
  const slowest = Math.max(...[...single.values()].map(median));
  const figures = MEMBERS.map((m) => `fleet-${m} ${Math.round(median(single.get(m) ?? []))} ms`).join(', ');
  log(
    `ls --all-contexts, ${MEMBERS.length}×${TENANTS} tenants: ${Math.round(median(fleet))} ms (median of ${RUNS}); ` +
      `alone: ${figures}; ratio to the slowest ${(median(fleet) / slowest).toFixed(2)}×`,
  );
} finally {
  for (const [member, f] of fixtures) {
    onMember(member);
    await removeFixture(f);
  }
}
