/**
 * The speed goals the project set itself, checked against one run's results: docs/benchmarks.md
 * shows each as met or not, so a goal cannot be claimed from figures of different runs.
 */
import type { Measured, Row, ScenarioResult } from './common.ts';

export interface GoalCheck {
  goal: string;
  target: string;
  /** What the run measured, in the target's unit; empty when the run did not measure it. */
  measured: string;
  /** Undefined when the run did not measure it (a size or scenario left out). */
  met: boolean | undefined;
}

type Scenarios = readonly ScenarioResult[];

const rowsOf = (scenarios: Scenarios, name: string): Row[] => scenarios.find((s) => s.name === name)?.rows ?? [];

/** Tenants in a row's size ("1000 tenants", "100 tenants (103 on the cluster)"); NaN for other sizes. */
const tenantsIn = (row: Row): number => Number(/^(\d+) tenants/.exec(row.size)?.[1] ?? Number.NaN);

/** mimt's cost over the peer's on the row's basis: 2 means mimt took twice as long (or as much CPU). */
function costOver(row: Row, peer: (m: Measured) => boolean): number | undefined {
  const i = row.peers.findIndex(peer);
  const ratio = row.ratios[i];
  return i < 0 || ratio === undefined || !Number.isFinite(ratio) || ratio === 0 ? undefined : 1 / ratio;
}

const times = (n: number): string => `${n.toFixed(2)}×`;

function check(goal: string, target: string, value: number | undefined, limit: number, unit: (n: number) => string) {
  return value === undefined
    ? { goal, target, measured: '', met: undefined }
    : { goal, target, measured: unit(value), met: value <= limit };
}

/** mimt at most `limit` times the peer's cost, in the row `pick` chooses. */
function ratioGoal(
  goal: string,
  scenario: string,
  pick: (row: Row) => boolean,
  peer: (m: Measured) => boolean,
  limit: number,
) {
  return (scenarios: Scenarios): GoalCheck => {
    const row = rowsOf(scenarios, scenario).findLast(pick);
    return check(goal, `≤ ${times(limit)}`, row && costOver(row, peer), limit, times);
  };
}

const command = (prefix: string) => (m: Measured) => m.command.startsWith(prefix);
const exactly = (name: string) => (m: Measured) => m.command === name;
const podsIn = (row: Row): number => Number(/^(\d+) pods? /.exec(row.size)?.[1] ?? Number.NaN);
const followed = (pods: number) => (row: Row) => row.case.startsWith('followed') && podsIn(row) === pods;
const at = (tenants: number, name: string) => (row: Row) => tenantsIn(row) === tenants && row.case === name;

const TEN_THOUSAND = 10_000;

/** The largest `ls` row, when the run reached ten thousand tenants. */
const lsAtTenThousand = (scenarios: Scenarios): Row | undefined =>
  rowsOf(scenarios, 'ls').find(at(TEN_THOUSAND, '`ls`'));

const mb = (n: number): string => `${Math.round(n)} MB`;

/** Peak RSS of `ls -o json` per 1000 tenants, from the smallest size measured to the largest (at least 1000). */
function growthPerThousand(scenarios: Scenarios): GoalCheck {
  const goal = '`ls -o json`: peak RSS growth per 1000 tenants';
  const rows = rowsOf(scenarios, 'ls').filter((r) => r.case === '`ls -o json`' && r.mimt.peakRssMb);
  const [first, last] = [rows[0], rows.at(-1)];
  if (!first?.mimt.peakRssMb || !last?.mimt.peakRssMb || first === last || tenantsIn(last) < 1000)
    return check(goal, '≤ 25 MB', undefined, 25, mb);
  const [from, to] = [first.mimt.peakRssMb.median, last.mimt.peakRssMb.median];
  const growth = ((to - from) * 1000) / (tenantsIn(last) - tenantsIn(first));
  const span = `${mb(from)} at ${first.size} → ${mb(to)} at ${last.size}`;
  return { ...check(goal, '≤ 25 MB', growth, 25, mb), measured: `${mb(growth)} (${span})` };
}

const GOALS: ((scenarios: Scenarios) => GoalCheck)[] = [
  ratioGoal(
    '`ls --help` CPU, npm install, against `kubectl version --client`',
    'startup',
    (r) => r.case.includes('npm'),
    command('kubectl version'),
    1.5,
  ),
  ratioGoal(
    '`ls --help` CPU, standalone executable, against `kubectl version --client`',
    'startup',
    (r) => r.case.includes('standalone'),
    command('kubectl version'),
    1.5,
  ),
  ...[1, 10, 100].map((pods) =>
    ratioGoal(
      `\`logs -f\` time to first line, ${pods} pod${pods === 1 ? '' : 's'}, against \`kubectl logs -l … -f\``,
      'logs',
      followed(pods),
      command('kubectl logs'),
      1.0,
    ),
  ),
  ratioGoal(
    '`metrics -A` at 1000 tenants, against the kubectl calls that fetch the same data',
    'metrics',
    at(1000, '`metrics -A`'),
    command('kubectl top pods -A · '),
    1.0,
  ),
  ratioGoal(
    '`metrics -A` at 1000 tenants, against `kubectl top pods -A` alone',
    'metrics',
    at(1000, '`metrics -A`'),
    exactly('kubectl top pods -A'),
    2.0,
  ),
  (scenarios) => {
    const rows = rowsOf(scenarios, 'install').filter((r) => r.case === 'install');
    const row = rows.at(-1);
    return check(
      `\`install\` at ${row?.size ?? 'the largest size'}, against bare \`helm install --create-namespace\``,
      `≤ ${times(1.3)}`,
      row && costOver(row, command('helm install')),
      1.3,
      times,
    );
  },
  (scenarios) =>
    check('`ls` at 10,000 tenants: requests', '≤ 6', lsAtTenThousand(scenarios)?.mimt.requests, 6, (n) => String(n)),
  ratioGoal(
    '`ls` at 10,000 tenants, against the kubectl calls that fetch the same data',
    'ls',
    at(TEN_THOUSAND, '`ls`'),
    command('kubectl get namespaces'),
    1.0,
  ),
  (scenarios) =>
    check('`ls` at 10,000 tenants: peak RSS', '≤ 300 MB', lsAtTenThousand(scenarios)?.mimt.peakRssMb?.median, 300, mb),
  growthPerThousand,
];

export const checkGoals = (scenarios: Scenarios): GoalCheck[] => GOALS.map((goal) => goal(scenarios));
