import { EXIT } from '../core/errors.ts';
import type { BulkOutcome, BulkRequest, BulkRow } from '../core/install/bulk.ts';
import type { InstallOutcome } from '../core/install/install.ts';
import type { ObjectPlan, TenantPlan } from '../core/install/plan.ts';
import { type Cell, type ColumnDef, type Document, type Listing, type Tone, listing } from '../output/result.ts';
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

/** Changes to labels and annotations alone, such as the helm.sh/chart label every version bump changes. */
const METADATA = /^metadata\.(labels|annotations)\b/;
const metadataOnly = (o: ObjectPlan): boolean =>
  o.action === 'change' && !o.refused && o.fields.every((f) => METADATA.test(f.path));

/** What an upgrade plan finds in one tenant, from the worst down. */
type PlanVerdict = 'fails' | 'changes' | 'metadata' | 'none';

function verdictOf(plan: TenantPlan): PlanVerdict {
  if (plan.error || plan.objects.some((o) => o.refused)) return 'fails';
  if (plan.policy || plan.objects.some((o) => !metadataOnly(o))) return 'changes';
  return plan.objects.length ? 'metadata' : 'none';
}

const shown = (value: unknown): string => {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

const objectRef = (o: ObjectPlan): string => `${o.kind}/${o.name}`;

function planSummary(plan: TenantPlan): string {
  const head = `tenant/${plan.tenant}: ${plan.to.name} ${plan.from ?? '(not installed)'} -> ${plan.to.version}`;
  if (plan.error) return `${head}: the upgrade would fail: ${plan.error}`;
  const count = (action: ObjectPlan['action']) =>
    plan.objects.filter((o) => o.action === action && !o.refused && !metadataOnly(o)).length;
  const labelled = plan.objects.filter(metadataOnly).length;
  const parts = [
    ...(
      [
        ['changed', count('change')],
        ['added', count('add')],
        ['removed', count('remove')],
      ] as const
    )
      .filter(([, n]) => n)
      .map(([what, n]) => `${n} ${what}`),
    ...(labelled ? [`${labelled} with new labels or annotations only`] : []),
    ...(plan.policy ? ['policy changed'] : []),
  ];
  const refused = plan.objects.filter((o) => o.refused).length;
  const failing = refused ? `the upgrade would fail on ${refused} object${refused === 1 ? '' : 's'}` : '';
  return `${head}: ${[parts.join(', '), failing].filter(Boolean).join('; ') || 'no change'}`;
}

const TONES: Record<PlanVerdict, Tone | undefined> = {
  fails: 'red',
  changes: 'yellow',
  metadata: undefined,
  none: 'green',
};

/** One tenant's plan: a summary line, then each object that changes and how. */
function planLines(plan: TenantPlan): Cell[] {
  const lines: Cell[] = [{ text: planSummary(plan), tone: TONES[verdictOf(plan)] }];
  if (plan.policy) {
    const { from, to, settings } = plan.policy;
    const what = from === to ? `profile ${to}` : `profile ${from} -> ${to}`;
    lines.push({ text: `  ~ policy: ${what}${settings ? ', with other quota, limits or owner' : ''}`, tone: 'yellow' });
  }
  for (const o of plan.objects.filter((x) => !metadataOnly(x))) {
    if (o.refused) {
      lines.push({ text: `  ! ${objectRef(o)}: refused by the API server: ${o.refused}`, tone: 'red' });
      continue;
    }
    const mark = { add: '+', remove: '-', change: '~' }[o.action];
    lines.push({
      text: `  ${mark} ${objectRef(o)}`,
      tone: o.action === 'add' ? 'green' : o.action === 'remove' ? 'red' : 'yellow',
    });
    for (const f of o.fields) lines.push({ text: `      ${f.path}: ${shown(f.before)} -> ${shown(f.after)}` });
  }
  const labelled = plan.objects.filter(metadataOnly);
  if (labelled.length) {
    const paths = [...new Set(labelled.flatMap((o) => o.fields.map((f) => f.path)))];
    lines.push({
      text: `  labels or annotations only: ${labelled.map(objectRef).join(', ')} (${paths.join(', ')})`,
      tone: 'dim',
    });
  }
  if (plan.hooks.length) lines.push({ text: `  hooks the upgrade would run: ${plan.hooks.join(', ')}` });
  for (const note of plan.notes) lines.push({ text: `  note: ${note}`, tone: 'dim' });
  return lines;
}

/**
 * `install --plan`: each tenant's plan, and with several a closing count; exit 1 when anything
 * would change or fail, 0 when the upgrade would change nothing, as kubectl diff does.
 */
export function upgradePlanResult(plans: TenantPlan[], several: boolean): Document {
  const verdicts = plans.map(verdictOf);
  const tally = (v: PlanVerdict) => verdicts.filter((x) => x === v).length;
  const closing = several
    ? [
        {
          text:
            `${plans.length} tenants: ${tally('changes')} would change, ${tally('metadata')} only in labels or annotations, ` +
            `${tally('none')} unchanged, ${tally('fails')} would fail`,
        },
      ]
    : [];
  const item = (plan: TenantPlan) => ({
    apiVersion: API_VERSION,
    kind: 'TenantUpgradePlan',
    metadata: { name: plan.tenant },
    spec: { namespace: plan.namespace, release: plan.release, from: plan.from ?? null, to: plan.to },
    verdict: verdictOf(plan),
    objects: plan.objects,
    hooks: plan.hooks,
    ...(plan.policy ? { policy: plan.policy } : {}),
    notes: plan.notes,
    ...(plan.error ? { error: plan.error } : {}),
  });
  return {
    type: 'document',
    document: several
      ? { apiVersion: API_VERSION, kind: 'TenantUpgradePlanList', items: plans.map(item) }
      : item(plans[0] as TenantPlan),
    name:
      plans
        .filter((_, i) => verdicts[i] !== 'none')
        .map((p) => `tenant/${p.tenant}`)
        .join('\n') || undefined,
    text: [...plans.flatMap(planLines), ...closing],
    exitCode: verdicts.every((v) => v === 'none') ? EXIT.ok : EXIT.failure,
  };
}
