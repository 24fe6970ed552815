import { inspectChart } from '../helm/chart.ts';
import { parseSelector } from '../kube/selector.ts';
import { recordedSettings } from '../policy/settings.ts';
import type { Tenant } from '../tenant/contract.ts';
import { listTenants } from '../tenant/inventory.ts';
import { type InstallDeps, installTenant } from './install.ts';

export interface BulkRequest {
  chart: string;
  version?: string;
  selector?: string;
  maxParallel: number;
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
  /** Passed on to each tenant's install: see InstallRequest. */
  allowClusterAccess?: boolean;
}

export type BulkResult = 'upgraded' | 'unchanged' | 'failed' | 'skipped' | 'planned';

export interface BulkRow {
  tenant: string;
  from: string;
  to: string;
  result: BulkResult;
  reason?: string;
}

/** The tenants a bulk upgrade touches: mimt's, on a chart of that name, matching the selector. */
export function tenantsOnChart(tenants: Tenant[], chartName: string, selector?: string): Tenant[] {
  const matches = selector ? parseSelector(selector) : () => true;
  return tenants.filter((t) => t.source === 'mimt' && t.chart === chartName && !t.terminating && matches(t.labels));
}

/**
 * Upgrades every tenant on a chart, `maxParallel` at a time. Each tenant keeps its own values and
 * recorded policy; the first batch with a failure is the last one run, so a bad version stops early.
 */
export async function bulkUpgrade(deps: InstallDeps, request: BulkRequest): Promise<BulkRow[]> {
  const chart = await inspectChart(deps.helm, request.chart, request.version);
  const targets = tenantsOnChart((await listTenants(deps.client)).tenants, chart.name, request.selector);
  const row = (t: Tenant, result: BulkResult, reason?: string): BulkRow => ({
    tenant: t.name,
    from: t.chartVersion ?? 'unknown',
    to: chart.version,
    result,
    ...(reason ? { reason } : {}),
  });
  if (request.dryRun) return targets.map((t) => row(t, 'planned'));
  const rows: BulkRow[] = [];
  for (let start = 0; start < targets.length; start += request.maxParallel) {
    const batch = targets.slice(start, start + request.maxParallel);
    deps.progress(`batch ${start / request.maxParallel + 1}: ${batch.map((t) => t.name).join(', ')}`);
    rows.push(
      ...(await Promise.all(
        batch.map(async (t) => {
          try {
            // Batches run in parallel: every progress line says whose it is.
            const progress = (line: string) => deps.progress(`${t.name}: ${line}`);
            const outcome = await installTenant(
              { ...deps, progress },
              {
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
              },
            );
            const upgraded = outcome.action === 'unchanged' ? 'unchanged' : 'upgraded';
            return outcome.suspendedAt && upgraded === 'upgraded'
              ? row(t, upgraded, `suspended since ${outcome.suspendedAt}: upgraded while suspended, no pod started`)
              : row(t, upgraded);
          } catch (error) {
            return row(t, 'failed', error instanceof Error ? error.message : String(error));
          }
        }),
      )),
    );
    if (rows.some((r) => r.result === 'failed')) {
      rows.push(...targets.slice(start + request.maxParallel).map((t) => row(t, 'skipped', 'an earlier batch failed')));
      break;
    }
  }
  return rows;
}
