import { EXIT } from '../core/errors.ts';
import type { BulkOutcome, BulkRequest, BulkRow } from '../core/install/bulk.ts';
import type { InstallOutcome } from '../core/install/install.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';

/** What a dry run would do, one line per object. */
export function planText(outcome: InstallOutcome): string {
  const plan = outcome.plan;
  if (!plan) return '';
  const refused = plan.refusals.length > 0;
  const lines = [
    `tenant/${outcome.tenant} (dry run): nothing was changed; an install would${refused ? ' be refused by its pre-flight (below); without that it would' : ''}`,
    `  create or adopt Namespace/${outcome.namespace}`,
    ...plan.policy.map((o) => `  apply ${o.kind}/${o.metadata.name}`),
    `  helm upgrade --install ${outcome.release} ${outcome.chart.name} ${outcome.chart.version}:`,
    ...plan.manifest.map((o) => `    ${o}`),
    '  pre-flight:',
    ...plan.preflight.map((line) => `    ${line}`),
    ...(refused ? ['  refused, before any change:', ...plan.refusals.map((r) => `    ${r}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export function planDocument(outcome: InstallOutcome): unknown {
  return {
    apiVersion: API_VERSION,
    kind: 'TenantPlan',
    metadata: { name: outcome.tenant },
    spec: { namespace: outcome.namespace, release: outcome.release, chart: outcome.chart },
    objects: [outcome.plan?.namespace, ...(outcome.plan?.policy ?? [])],
    manifest: outcome.plan?.manifest ?? [],
    preflight: { found: outcome.plan?.preflight ?? [], refusals: outcome.plan?.refusals ?? [] },
  };
}

const RESULT_TONE: Record<BulkRow['result'], Tone | undefined> = {
  upgraded: 'green',
  unchanged: undefined,
  planned: undefined,
  failed: 'red',
  unhealthy: 'red',
  skipped: 'yellow',
};

/**
 * `install --all`: a row per tenant with its wave and what its upgrade did; exit 1 when any failed
 * or turned unhealthy, 130 when Ctrl-C stopped it.
 */
export function bulkListing({ rows, interrupted }: BulkOutcome, bulk: BulkRequest): Listing {
  const columns: ColumnDef<BulkRow>[] = [
    { header: 'TENANT', value: (r) => r.tenant },
    { header: 'WAVE', value: (r) => String(r.wave) },
    { header: 'FROM', value: (r) => r.from },
    { header: 'TO', value: (r) => r.to },
    { header: 'RESULT', value: (r) => r.result, tone: (r) => RESULT_TONE[r.result] },
    { header: 'REASON', value: (r) => r.reason ?? '' },
  ];
  return {
    ...listing(rows, columns, {
      document: { apiVersion: API_VERSION, kind: 'TenantUpgradeList', items: rows },
      name: (r) => `tenant/${r.tenant}`,
      emptyMessage: `No tenants found on chart ${bulk.chart}${bulk.selector ? ` matching ${bulk.selector}` : ''}`,
    }),
    exitCode: rows.some((r) => r.result === 'failed' || r.result === 'unhealthy')
      ? EXIT.failure
      : interrupted
        ? EXIT.interrupted
        : EXIT.ok,
  };
}
