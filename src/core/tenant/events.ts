import type { KubeObject } from '../kube/objects.ts';

/** A Warning event in a tenant's namespace, as the detail view shows it. */
export interface WarningEvent {
  type: string;
  reason: string;
  /** kind/name of the object the event is about, e.g. pod/web-1. */
  object: string;
  message: string;
  count: number;
  /** When it was last seen (RFC 3339); null when the event carries no time at all. */
  lastSeen: string | null;
}

interface CoreEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
}

const time = (stamp: string | null): number => (stamp === null ? 0 : Date.parse(stamp) || 0);

/** How many events the detail view shows. */
export const RECENT_EVENTS = 10;

/** The newest Warning events first, at most RECENT_EVENTS; the times are those kubectl shows. */
export function recentWarnings(items: readonly KubeObject[]): WarningEvent[] {
  return (items as CoreEvent[])
    .filter((e) => e.type === 'Warning')
    .map((e) => ({
      type: e.type as string,
      reason: e.reason ?? '',
      object: `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      message: (e.message ?? '').trim(),
      count: e.series?.count ?? e.count ?? 1,
      lastSeen: e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? null,
    }))
    .sort((a, b) => time(b.lastSeen) - time(a.lastSeen))
    .slice(0, RECENT_EVENTS);
}
