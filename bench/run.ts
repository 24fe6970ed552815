/**
 * The benchmarks, side by side with the peers, on the local cluster (`make bench`: builds dist/,
 * starts the cluster and builds stern first). Not a test.
 *
 *   node bench/run.ts [--sizes 10,100,1000,10000] [--runs 5] [--only startup,ls,metrics,logs,policy,install,kubeplus]
 *                     [--log-pods 1,10,100] [--lines 10000] [--kubeplus-max 100]
 *
 * It makes the fixtures (bench/fixtures.ts), grows the tenants size by size and runs each scenario
 * (bench/scenarios/) at each size, mimt and its peers alternately; then it writes
 * bench/results/<date>.json and docs/benchmarks.md (with --only: bench/results/<date>-<only>.json,
 * and docs/benchmarks.md stays), and removes its fixtures, also on Ctrl-C. A scenario whose tools
 * disagree about what they measured records nothing: the run goes on with the others, then exits 1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Context,
  Mismatch,
  ROOT,
  type Row,
  STERN,
  type ScenarioResult,
  log,
  stopped,
  useCopyOfDist,
} from './common.ts';
import { growNodes, growTenants, newFixture, removeFixture } from './fixtures.ts';
import { type Results, machine, markdown, versions, writeFormatted } from './report.ts';
import { install } from './scenarios/install.ts';
import { kubePlus } from './scenarios/kubeplus.ts';
import { createLogTenants, logs } from './scenarios/logs.ts';
import { ls } from './scenarios/ls.ts';
import { metrics } from './scenarios/metrics.ts';
import { policyAudit } from './scenarios/policy.ts';
import { startup } from './scenarios/startup.ts';

const SCENARIOS = ['startup', 'logs', 'ls', 'policy', 'kubeplus', 'install', 'metrics'] as const;
type Name = (typeof SCENARIOS)[number];

const USAGE =
  'node bench/run.ts [--sizes 10,100,1000,10000] [--runs N] [--only startup,ls,…] [--log-pods 1,10,100] [--lines N] [--kubeplus-max N]';
function fail(message: string): never {
  console.error(`error: ${message}\nusage: ${USAGE}`);
  process.exit(2);
}
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100,1000,10000' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    'log-pods': { type: 'string', default: '1,10,100' },
    lines: { type: 'string', default: '10000' },
    'kubeplus-max': { type: 'string', default: '100' },
  },
});
const positives = (flag: string, text: string): number[] =>
  text.split(',').map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) fail(`--${flag} "${text}": each must be a positive integer`);
    return n;
  });
const [runs] = positives('runs', values.runs);
const [lines] = positives('lines', values.lines);
const [kubePlusMax] = positives('kubeplus-max', values['kubeplus-max']);
const sizes = [...new Set(positives('sizes', values.sizes))].sort((a, b) => a - b);
const logPods = positives('log-pods', values['log-pods']);
const only = values.only?.split(',') ?? [...SCENARIOS];
for (const name of only)
  if (!(SCENARIOS as readonly string[]).includes(name)) fail(`--only "${name}": one of ${SCENARIOS.join(', ')}`);
const wanted = (name: Name): boolean => only.includes(name);
if (wanted('logs') && !existsSync(STERN)) fail('stern is missing: run test/cluster/build.sh stern');

const ctx: Context = { runs: runs as number, slowRuns: Math.max(1, Math.ceil((runs as number) / 2)) };
const started = Date.now();
const fixture = newFixture();
const logsDir = mkdtempSync(path.join(tmpdir(), 'mimt-bench-logs-'));
useCopyOfDist(path.join(logsDir, 'dist'));
const measuredVersions = await versions();

const TITLES: Record<Name, string> = {
  startup: 'Start-up',
  logs: '`logs`',
  ls: '`ls`',
  policy: '`policy audit -A`',
  kubeplus: 'KubePlus re-enactment: the status of every tenant',
  install: '`install` overhead',
  metrics: '`metrics -A`',
};
const NOTES: Record<Exclude<Name, 'startup'>, string[]> = {
  logs: [
    'Not followed: the ratio is of wall time (lines/s follows from it). Followed: of the time to the first line; wall ms is the time until every line already there has come.',
    'stern shows only containers with a containerID, which KWOK pods lack: the bench adds one to each pod status.',
  ],
  ls: [
    'Peer: the four kubectl calls that fetch the same data (namespaces, pods, Helm release records, quotas), as tables or `-o json`; times and CPU add up, memory is the largest of the four.',
  ],
  policy: [
    'Peer: the kubectl calls that fetch the objects the audit reads (namespaces, NetworkPolicies, ResourceQuotas, LimitRanges, RoleBindings, pods not ended).',
  ],
  kubeplus: [
    "**A re-enactment of KubePlus's access pattern, not KubePlus.** KubePlus's `kubectl appstatus Kind instance` spawns five kubectl processes per instance (api-resources, get crds, get Kind -A, get Kind instance -o json, get pods -n ns -o json); the re-enactment runs those for every tenant on the cluster in turn, with the two instance reads replaced by reads of the same size on the tenant (the tenant namespaces, its Helm release record).",
    `Run up to ${kubePlusMax} tenants (--kubeplus-max): its cost grows by five processes per tenant.`,
  ],
  install: [
    "Neither waits for pods. mimt install also makes the namespace with its labels, takes a lock, applies the standard policy profile and checks what is there first; requests are mimt's own (helm's, run by mimt, are not counted).",
    'Re-install: the same tenant, chart and values again (mimt changes nothing) against `helm upgrade` with the same chart (helm writes a new revision).',
  ],
  metrics: [
    "kubectl top reads only the usage; mimt also reads the tenants, their pods (requests, limits) and quotas, which the second peer fetches with kubectl too (the same data). The fixture's pods carry KWOK usage annotations.",
  ],
};

const rows = new Map<Name, Row[]>();
const failures: string[] = [];
const seconds: Record<string, number> = {};
let startupResult: ScenarioResult | undefined;

/** Runs one scenario at one size; a mismatch is recorded as a failure, any other error ends the run. */
async function measure(name: Name, what: string, work: () => Promise<Row[]>): Promise<void> {
  const t = Date.now();
  log(`${name}: ${what}`);
  try {
    rows.set(name, [...(rows.get(name) ?? []), ...(await work())]);
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    failures.push(`${name} (${what}): ${error.message}`);
    log(`MISMATCH, not recorded: ${name} (${what}): ${error.message}`);
  }
  seconds[name] = (seconds[name] ?? 0) + Math.round((Date.now() - t) / 1000);
}

/** Writes the results file and, for a whole run, docs/benchmarks.md. */
async function record(): Promise<void> {
  const scenarios: ScenarioResult[] = [
    ...(startupResult ? [startupResult] : []),
    ...SCENARIOS.filter((n): n is Exclude<Name, 'startup'> => n !== 'startup' && rows.has(n)).map((n) => ({
      name: n,
      title: TITLES[n],
      notes: NOTES[n],
      rows: rows.get(n) ?? [],
    })),
  ];
  const date = new Date().toISOString().slice(0, 10);
  const results: Results & { secondsPerScenario: Record<string, number> } = {
    date,
    machine: machine(),
    versions: measuredVersions,
    settings: {
      sizes,
      runs: ctx.runs,
      slowRuns: ctx.slowRuns,
      logPods,
      logLines: lines as number,
      kubePlusMax: kubePlusMax as number,
    },
    totalSeconds: Math.round((Date.now() - started) / 1000),
    secondsPerScenario: seconds,
    failures,
    scenarios,
  };
  const partial = values.only !== undefined;
  const file = path.join(ROOT, 'bench', 'results', `${date}${partial ? `-${only.join('-')}` : ''}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  await writeFormatted(file, JSON.stringify(results));
  log(`written: ${path.relative(ROOT, file)}`);
  if (!partial) {
    await writeFormatted(path.join(ROOT, 'docs', 'benchmarks.md'), markdown(results));
    log('written: docs/benchmarks.md');
  }
  console.log(markdown(results));
  log(`total ${Math.round(results.totalSeconds / 60)} min; per scenario (s): ${JSON.stringify(seconds)}`);
}

// The results are written before the fixtures go: at 10,000 tenants the cluster takes about an
// hour to remove the namespaces, and the figures need not wait for it.
try {
  try {
    if (wanted('startup')) {
      const t = Date.now();
      try {
        startupResult = await startup(ctx);
      } catch (error) {
        if (!(error instanceof Mismatch)) throw error;
        failures.push(`startup: ${error.message}`);
      }
      seconds.startup = Math.round((Date.now() - t) / 1000);
    }
    if (only.some((n) => n !== 'startup')) await growNodes(fixture, 0);
    if (wanted('logs')) {
      await createLogTenants(fixture, logPods, lines as number, logsDir);
      for (const pods of logPods)
        await measure('logs', `${pods} pods`, () => logs(ctx, fixture, pods, lines as number));
    }
    const perSize: Name[] = ['ls', 'policy', 'kubeplus', 'install', 'metrics'];
    if (perSize.some(wanted)) {
      for (const size of sizes) {
        await growTenants(fixture, size);
        const at = `${size} tenants`;
        if (wanted('ls')) await measure('ls', at, () => ls(ctx, fixture));
        if (wanted('policy')) await measure('policy', at, () => policyAudit(ctx, fixture));
        if (wanted('kubeplus') && size <= (kubePlusMax as number))
          await measure('kubeplus', at, () => kubePlus(ctx, fixture));
        if (wanted('install')) await measure('install', at, () => install(ctx, fixture));
        if (wanted('metrics')) await measure('metrics', at, () => metrics(ctx, fixture));
      }
    }
  } catch (error) {
    if (!stopped.aborted) throw error;
  }
  if (!stopped.aborted) await record();
} finally {
  await removeFixture(fixture);
  rmSync(logsDir, { recursive: true, force: true });
}
if (stopped.aborted) {
  log('interrupted: nothing recorded');
  process.exit(130);
}
if (failures.length) {
  console.error(`\n${failures.length} scenario(s) failed their correctness check:\n${failures.join('\n')}`);
  process.exitCode = 1;
}
