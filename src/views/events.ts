import { formatDuration } from '../core/duration.ts';
import { type EventGroup, byLastSeen } from '../core/tenant/events.ts';
import { type Cell, type ColumnDef, type Listing, listing } from '../output/result.ts';
import { API_VERSION } from './document.ts';

function age(now: number, stamp: string | null): string {
  return stamp ? formatDuration(Math.max(0, now - Date.parse(stamp))) : '<unknown>';
}

/** kubectl events' LAST SEEN: the age, and for a repeated event how often over how long. */
function lastSeen(group: EventGroup, now: number): string {
  const last = age(now, group.lastSeen);
  return group.count > 1 ? `${last} (x${group.count} over ${age(now, group.firstSeen)})` : last;
}

/**
 * The columns of `events`: kubectl events' own, a TENANT column first across tenants; -o wide adds
 * the namespace, the first time seen, the count and the reporting component.
 */
export function eventColumns(across: boolean, now: number): ColumnDef<EventGroup>[] {
  return [
    ...(across ? [{ header: 'TENANT', value: (g: EventGroup) => g.tenant }] : []),
    { header: 'LAST SEEN', value: (g) => lastSeen(g, now) },
    { header: 'TYPE', value: (g) => g.type, tone: (g) => (g.type === 'Warning' ? 'yellow' : undefined) },
    { header: 'REASON', value: (g) => g.reason },
    { header: 'OBJECT', value: (g) => `${g.object.kind}/${g.object.name}` },
    { header: 'MESSAGE', value: (g) => g.message.replace(/\s*\n\s*/g, ' ') },
    { header: 'NAMESPACE', value: (g) => g.namespace, wide: true },
    { header: 'FIRST SEEN', value: (g) => age(now, g.firstSeen), wide: true },
    { header: 'COUNT', value: (g) => String(g.count), wide: true },
    { header: 'SOURCE', value: (g) => g.source || '-', wide: true },
  ];
}

/** One group as -o json|yaml print it (an item of TenantEventList). */
export const eventItem = (group: EventGroup): Record<string, unknown> => ({ ...group });

/** One group as a row of cells, for a watch that prints rows as they come. */
export function eventRow(group: EventGroup, columns: readonly ColumnDef<EventGroup>[]): Cell[] {
  return columns.map((c) => ({ text: c.value(group), tone: c.tone?.(group) }));
}

/** `events`: one line per group, oldest first; a TenantEventList for -o json|yaml. */
export function eventListing(groups: readonly EventGroup[], across: boolean, now: number, warnings: string[]): Listing {
  const sorted = [...groups].sort(byLastSeen);
  return listing(sorted, eventColumns(across, now), {
    order: (g) => [g.lastSeen ? Date.parse(g.lastSeen) : 0, g.tenant, `${g.object.kind}/${g.object.name}`, g.reason],
    document: { apiVersion: API_VERSION, kind: 'TenantEventList', items: sorted.map(eventItem) },
    name: (g) => `${g.object.kind.toLowerCase()}/${g.object.name}`,
    emptyMessage: 'No events found',
    warnings,
  });
}
