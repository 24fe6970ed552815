import { EXIT } from '../core/errors.ts';
import type { Change, SuspensionOutcome } from '../core/install/suspend.ts';
import type { Tenant } from '../core/tenant/contract.ts';
import { type ColumnDef, type Listing, type Tone, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';

export interface SuspensionRow {
  tenant: Tenant;
  outcome?: SuspensionOutcome;
  /** done: suspended or resumed now; unchanged: it already was; planned: --dry-run. */
  result: 'done' | 'unchanged' | 'planned' | 'failed';
  reason?: string;
}

/** One line of the table: a change, or the tenant's one line when nothing changed or it failed. */
interface Line {
  row: SuspensionRow;
  change?: Change;
}

const value = (v: Change['from']): string => (v === null ? '<none>' : String(v));

/** `replicas 3 → 0`; a record and a mark read as present or absent. */
export function changeText(change: Change): string {
  if (change.kind === 'Namespace') return change.to === null ? 'unmark suspended' : `mark suspended at ${change.to}`;
  if (change.kind === 'ResourceQuota') return change.to === null ? 'delete (pods 0)' : 'create (pods 0)';
  return `${change.field} ${value(change.from)} → ${value(change.to)}`;
}

function resultText(verb: 'suspend' | 'resume', row: SuspensionRow): string {
  if (row.result === 'failed') return 'failed';
  if (row.result === 'planned') return `would ${verb}`;
  if (row.result === 'unchanged') return verb === 'suspend' ? 'already suspended' : 'not suspended';
  return verb === 'suspend' ? 'suspended' : 'resumed';
}

const TONE: Record<SuspensionRow['result'], Tone | undefined> = {
  done: 'green',
  unchanged: undefined,
  planned: undefined,
  failed: 'red',
};

/** `suspend` and `resume`: a line per change made (or, with --dry-run, to be made); exit 1 when a tenant failed. */
export function suspensionListing(
  verb: 'suspend' | 'resume',
  rows: SuspensionRow[],
  options: { dryRun: boolean; selector?: string },
): Listing {
  const lines: Line[] = rows.flatMap((row) =>
    row.outcome?.changes.length ? row.outcome.changes.map((change) => ({ row, change })) : [{ row }],
  );
  const columns: ColumnDef<Line>[] = [
    { header: 'TENANT', value: (l) => l.row.tenant.name },
    { header: 'RESULT', value: (l) => resultText(verb, l.row), tone: (l) => TONE[l.row.result] },
    { header: 'OBJECT', value: (l) => (l.change ? `${l.change.kind}/${l.change.name}` : '-') },
    {
      header: 'CHANGE',
      value: (l) => (l.change ? changeText(l.change) : (l.row.reason ?? 'none')),
    },
  ];
  const items = rows.map((row) => ({
    tenant: row.tenant.name,
    namespace: row.tenant.namespace,
    source: row.tenant.source,
    result: resultText(verb, row),
    ...(row.outcome?.since ? { suspendedAt: row.outcome.since } : {}),
    changes: row.outcome?.changes ?? [],
    ...(row.reason ? { reason: row.reason } : {}),
  }));
  const built = listing(lines, columns, {
    document: { apiVersion: API_VERSION, kind: verb === 'suspend' ? 'TenantSuspendList' : 'TenantResumeList', items },
    name: (l) => `tenant/${l.row.tenant.name}`,
    emptyMessage: `No tenants found${options.selector ? ` matching ${options.selector}` : ''}`,
  });
  return {
    ...built,
    names: rows.map((row) => `tenant/${row.tenant.name}`),
    exitCode: rows.some((r) => r.result === 'failed') ? EXIT.failure : EXIT.ok,
  };
}
