import { setTimeout as sleep } from 'node:timers/promises';
import { formatDuration } from '../duration.ts';
import { errorMessage } from '../errors.ts';
import { inspectChart } from '../helm/chart.ts';
import { parseSelector } from '../kube/selector.ts';
import { recordedSettings } from '../policy/settings.ts';
import type { Tenant } from '../tenant/contract.ts';
import { tenantStatuses } from '../tenant/health.ts';
import { listTenants } from '../tenant/inventory.ts';
import { type InstallDeps, type InstallRequest, installTenant } from './install.ts';
import { type TenantPlan, failedPlan, planTenant } from './plan.ts';
import { planWaves, soakPolls, soakVerdict, stopReason } from './waves.ts';

export interface BulkRequest {
  chart: string;
  version?: string;
  selector?: string;
  maxParallel: number;
  /** How many tenants make the first wave; 0: no canary, every wave is `maxParallel` tenants. */
  canary: number;
  /** How long each wave's tenants must stay healthy before the next wave starts; 0: no soak. */
  soakMs: number;
  /** The rollout stops after the wave in which this many tenants in all have failed. */
  maxFailures: number;
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
  /** Passed on to each tenant's install: see InstallRequest. */
  allowClusterAccess?: boolean;
}

/** `unhealthy`: upgraded, then not healthy during its wave's soak; left on the new version. */
export type BulkResult = 'upgraded' | 'unchanged' | 'failed' | 'unhealthy' | 'skipped' | 'planned';

export interface BulkRow {
  tenant: string;
  wave: number;
  from: string;
  to: string;
  result: BulkResult;
  reason?: string;
}

export interface BulkOutcome {
  rows: BulkRow[];
  /** Why the rollout ended before its last wave, when it did. */
  stopped?: string;
  interrupted: boolean;
}

/** What a soak waits with; tests give a clock of their own. */
export interface BulkDeps extends InstallDeps {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The tenants a bulk upgrade touches: mimt's, on a chart of that name, matching the selector. */
export function tenantsOnChart(tenants: Tenant[], chartName: string, selector?: string): Tenant[] {
  const matches = selector ? parseSelector(selector) : () => true;
  return tenants.filter((t) => t.source === 'mimt' && t.chart === chartName && !t.terminating && matches(t.labels));
}

const failedResult = (r: BulkRow): boolean => r.result === 'failed' || r.result === 'unhealthy';

/**
 * Upgrades every tenant on a chart, wave by wave (see planWaves). Each tenant keeps its own values
 * and recorded policy. After each wave its upgraded tenants are soaked (their status polled) and the
 * rollout stops once `maxFailures` tenants have failed, so a bad version stops early. Ctrl-C (the
 * signal) lets the tenants in flight finish, undoes none, and skips the rest.
 */
export async function bulkUpgrade(deps: BulkDeps, request: BulkRequest): Promise<BulkOutcome> {
  const chart = await inspectChart(deps.helm, request.chart, request.version);
  const targets = tenantsOnChart((await listTenants(deps.client)).tenants, chart.name, request.selector);
  const waves = planWaves(targets, request.canary, request.maxParallel);
  const row = (t: Tenant, wave: number, result: BulkResult, reason?: string): BulkRow => ({
    tenant: t.name,
    wave,
    from: t.chartVersion ?? 'unknown',
    to: chart.version,
    result,
    ...(reason ? { reason } : {}),
  });
  if (request.dryRun)
    return { rows: waves.flatMap((w, i) => w.map((t) => row(t, i + 1, 'planned'))), interrupted: false };
  const rows: BulkRow[] = [];
  const interrupted = (): boolean => deps.signal?.aborted === true;
  let stopped: string | undefined;
  let wave = 0;
  for (; wave < waves.length && !stopped && !interrupted(); wave++) {
    const members = waves[wave] as Tenant[];
    const label = `wave ${wave + 1}/${waves.length}${wave === 0 && request.canary > 0 ? ' (canary)' : ''}`;
    deps.progress(`${label}: ${members.map((t) => t.name).join(', ')}`);
    const done: BulkRow[] = [];
    for (let start = 0; start < members.length; start += request.maxParallel) {
      if (interrupted()) {
        done.push(...members.slice(start).map((t) => row(t, wave + 1, 'skipped', 'interrupted before it started')));
        break;
      }
      const batch = members.slice(start, start + request.maxParallel);
      done.push(
        ...(await Promise.all(batch.map((t) => upgradeOne(deps, request, t, (...a) => row(t, wave + 1, ...a))))),
      );
    }
    for (const r of done) deps.progress(`${label}: ${r.tenant} ${r.result}${r.reason ? `: ${r.reason}` : ''}`);
    rows.push(...done);
    const upgraded = members.filter((t) => done.some((r) => r.tenant === t.name && r.result === 'upgraded'));
    if (
      request.soakMs > 0 &&
      upgraded.length &&
      !interrupted() &&
      !stopReason(failedNames(rows), request.maxFailures)
    ) {
      await soak(deps, request.soakMs, label, upgraded, rows);
    }
    stopped = stopReason(failedNames(rows), request.maxFailures);
    if (stopped) deps.progress(`${label} stopped the rollout: ${stopped}`);
  }
  const left = waves.slice(wave).flatMap((w, i) => w.map((t) => ({ t, wave: wave + i + 1 })));
  const why = stopped ? `not reached: ${stopped}` : 'not reached: interrupted';
  rows.push(...left.map(({ t, wave: w }) => row(t, w, 'skipped', why)));
  if (interrupted()) {
    deps.progress(
      `interrupted after wave ${wave}/${waves.length}: ${rows.filter((r) => r.result === 'upgraded' || r.result === 'unchanged').length} of ${targets.length} tenants on ${chart.version}, none rolled back; ` +
        `to continue, run the same command again (tenants already on ${chart.version} show unchanged)`,
    );
  }
  return { rows, ...(stopped ? { stopped } : {}), interrupted: interrupted() && !stopped };
}

const failedNames = (rows: BulkRow[]): string[] => rows.filter(failedResult).map((r) => r.tenant);

/** One tenant's part of a bulk upgrade: the new chart, its own values and its recorded policy. */
function tenantRequest(request: BulkRequest, t: Tenant): InstallRequest {
  return {
    tenant: t.name,
    chart: request.chart,
    version: request.version,
    valuesFiles: [],
    set: [],
    reuseValues: true,
    settings: recordedSettings(t.annotations),
    wait: request.wait,
    timeoutMs: request.timeoutMs,
    dryRun: false,
    allowClusterAccess: request.allowClusterAccess,
  };
}

/**
 * `install --all --plan`: what the upgrade would change in each tenant it would touch, `maxParallel`
 * tenants at a time. A tenant whose plan fails (Helm cannot render the new chart with its values)
 * gets a plan that says why: its upgrade would fail the same way.
 */
export async function bulkPlan(deps: InstallDeps, request: BulkRequest): Promise<TenantPlan[]> {
  const chart = await inspectChart(deps.helm, request.chart, request.version);
  const targets = tenantsOnChart((await listTenants(deps.client)).tenants, chart.name, request.selector);
  const plans: TenantPlan[] = new Array(targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < targets.length; i = next++) {
      const t = targets[i] as Tenant;
      deps.progress(`${t.name}: planning`);
      plans[i] = await planTenant(deps, tenantRequest(request, t), chart).catch((error: unknown) =>
        failedPlan(t, chart, errorMessage(error)),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(request.maxParallel, targets.length) }, worker));
  return plans;
}

async function upgradeOne(
  deps: BulkDeps,
  request: BulkRequest,
  t: Tenant,
  row: (result: BulkResult, reason?: string) => BulkRow,
): Promise<BulkRow> {
  try {
    // Batches run in parallel: every progress line says whose it is. Without the signal: on
    // Ctrl-C a tenant in flight finishes its upgrade rather than being undone half-way.
    const progress = (line: string) => deps.progress(`${t.name}: ${line}`);
    const outcome = await installTenant({ client: deps.client, helm: deps.helm, progress }, tenantRequest(request, t));
    const upgraded = outcome.action === 'unchanged' ? 'unchanged' : 'upgraded';
    return outcome.suspendedAt && upgraded === 'upgraded'
      ? row(upgraded, `suspended since ${outcome.suspendedAt}: upgraded while suspended, no pod started`)
      : row(upgraded);
  } catch (error) {
    return row('failed', errorMessage(error));
  }
}

/**
 * Polls the status of a wave's upgraded tenants during the soak; one that turns unhealthy has its
 * row changed to `unhealthy` (it stays on the new version) and the soak ends at that poll.
 */
async function soak(deps: BulkDeps, soakMs: number, label: string, tenants: Tenant[], rows: BulkRow[]): Promise<void> {
  const names = tenants.map((t) => t.name);
  const wait = deps.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  deps.progress(`${label}: soaking ${formatDuration(soakMs)}: ${names.join(', ')} must stay Ready`);
  const seenReady = new Set<string>();
  const began = Date.now();
  let elapsed = 0;
  const polls = soakPolls(soakMs);
  for (const [i, at] of polls.entries()) {
    try {
      await wait(at - elapsed, deps.signal);
    } catch {
      deps.progress(`${label}: soak interrupted after ${formatDuration(Date.now() - began)}`);
      return;
    }
    elapsed = at;
    const statuses = await tenantStatuses(deps.client, names);
    let unhealthy = false;
    for (const { name, release, namespace } of tenants) {
      const status = statuses.get(name) ?? { phase: 'Unknown' as const, reason: 'tenant not listed' };
      const verdict = soakVerdict(status, seenReady.has(name), i === polls.length - 1);
      if (verdict === 'healthy') seenReady.add(name);
      if (verdict !== 'unhealthy') continue;
      unhealthy = true;
      const target = rows.find((r) => r.tenant === name);
      if (target) {
        target.result = 'unhealthy';
        target.reason =
          `${status.phase}${status.reason ? ` (${status.reason})` : ''} ${formatDuration(at)} into the soak; ` +
          `left on ${target.to}: helm rollback ${release} -n ${namespace} takes it back`;
      }
    }
    deps.progress(
      `${label}: soak ${formatDuration(at)}: ${names.map((n) => `${n} ${statuses.get(n)?.phase ?? 'Unknown'}`).join(', ')}`,
    );
    if (unhealthy) return;
  }
}
