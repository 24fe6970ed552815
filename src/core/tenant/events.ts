import type { KubeObject } from '../kube/objects.ts';

/** A Warning event in a tenant's namespace, as the detail view shows it. */
export interface WarningEvent {
  type: string;
  reason: string;
  /** kind/name of the object the event is about, e.g. pod/web-1. */
  object: string;
  message: string;
  count: number;
  /** When it was first seen (RFC 3339); null when the event carries no time at all. */
  firstSeen: string | null;
  /** When it was last seen (RFC 3339); null when the event carries no time at all. */
  lastSeen: string | null;
}

interface CoreEvent extends KubeObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; name?: string };
  series?: { count?: number; lastObservedTime?: string };
}

const time = (stamp: string | null): number => (stamp === null ? 0 : Date.parse(stamp) || 0);

/** How many events the detail view shows. */
export const RECENT_EVENTS = 10;

/**
 * A message with the name the API server generated for a refused pod left out: a controller that
 * retries gets one event per attempt, each naming another pod, all saying the same thing.
 */
function sameness(e: WarningEvent, name: string): string {
  return e.message.replaceAll(new RegExp(`"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]{5}"`, 'g'), '"*"');
}

/**
 * The Warning events, grouped the way kubectl events counts them (same object, reason and message,
 * a refused pod's generated name aside): count summed, first and last seen, the newest message.
 * Newest first, at most RECENT_EVENTS.
 */
export function recentWarnings(items: readonly KubeObject[]): WarningEvent[] {
  const groups = new Map<string, WarningEvent>();
  for (const e of items as CoreEvent[]) {
    if (e.type !== 'Warning') continue;
    const lastSeen =
      e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? null;
    const one: WarningEvent = {
      type: e.type,
      reason: e.reason ?? '',
      object: `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`,
      // The API server's event aggregator marks the events it folds together; they are alike all the same.
      message: (e.message ?? '').trim().replace(/^\(combined from similar events\):\s*/, ''),
      count: e.series?.count ?? e.count ?? 1,
      firstSeen: e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? lastSeen,
      lastSeen,
    };
    const key = [one.reason, one.object, sameness(one, e.involvedObject?.name ?? '')].join('\0');
    const group = groups.get(key);
    if (!group) {
      groups.set(key, one);
      continue;
    }
    group.count += one.count;
    if (time(one.firstSeen) < time(group.firstSeen)) group.firstSeen = one.firstSeen;
    if (time(one.lastSeen) > time(group.lastSeen)) {
      group.lastSeen = one.lastSeen;
      group.message = one.message;
    }
  }
  return [...groups.values()].sort((a, b) => time(b.lastSeen) - time(a.lastSeen)).slice(0, RECENT_EVENTS);
}
