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

/** The event types the API server knows. */
export const EVENT_TYPES = ['Normal', 'Warning'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Events about one object that say the same thing (type, reason, message), however many Event
 * objects carry them: their counts added up, from the first time seen to the last.
 */
export interface EventGroup {
  /** The tenant whose namespace the events are in. */
  tenant: string;
  namespace: string;
  type: string;
  reason: string;
  object: { kind: string; name: string };
  message: string;
  count: number;
  /** RFC 3339; null when no event of the group carries a time. */
  firstSeen: string | null;
  lastSeen: string | null;
  /** The component that reported it (scheduler, kubelet, a controller); '' when none is named. */
  source: string;
}

interface FullEvent extends CoreEvent {
  firstTimestamp?: string;
  source?: { component?: string };
  reportingComponent?: string;
  reportingController?: string;
}

const firstSeenOf = (e: FullEvent): string | null =>
  e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? null;
const lastSeenOf = (e: FullEvent): string | null =>
  e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? null;
const earlier = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null || time(a) <= time(b) ? a : b;
const later = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null || time(a) >= time(b) ? a : b;

/** What makes two events one line: the same object, type, reason and message, in one namespace. */
export function groupKey(event: KubeObject): string {
  const e = event as FullEvent;
  return JSON.stringify([
    e.metadata.namespace ?? '',
    e.involvedObject?.kind ?? '',
    e.involvedObject?.name ?? '',
    e.type ?? '',
    e.reason ?? '',
    (e.message ?? '').trim(),
  ]);
}

/**
 * Groups events by object, type, reason and message. Each Event object counts with its own count
 * (series.count for events.k8s.io-style events, count for the older ones, else once). `tenantOf`
 * names the tenant of a namespace; events elsewhere are left out.
 */
export function groupEvents(
  items: readonly KubeObject[],
  tenantOf: (namespace: string) => string | undefined,
): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const item of items as FullEvent[]) {
    const namespace = item.metadata.namespace ?? '';
    const tenant = tenantOf(namespace);
    if (tenant === undefined) continue;
    const key = groupKey(item);
    const count = item.series?.count ?? item.count ?? 1;
    const group = groups.get(key);
    if (group) {
      group.count += count;
      group.firstSeen = earlier(group.firstSeen, firstSeenOf(item));
      group.lastSeen = later(group.lastSeen, lastSeenOf(item));
      continue;
    }
    groups.set(key, {
      tenant,
      namespace,
      type: item.type ?? '',
      reason: item.reason ?? '',
      object: { kind: item.involvedObject?.kind ?? '', name: item.involvedObject?.name ?? '' },
      message: (item.message ?? '').trim(),
      count,
      firstSeen: firstSeenOf(item),
      lastSeen: lastSeenOf(item),
      source: item.reportingController || item.reportingComponent || item.source?.component || '',
    });
  }
  return [...groups.values()];
}

/** Oldest first, as kubectl events prints them, so that the newest is the last line on a terminal. */
export function byLastSeen(a: EventGroup, b: EventGroup): number {
  return (
    time(a.lastSeen) - time(b.lastSeen) ||
    a.tenant.localeCompare(b.tenant) ||
    `${a.object.kind}/${a.object.name}`.localeCompare(`${b.object.kind}/${b.object.name}`) ||
    a.reason.localeCompare(b.reason)
  );
}
