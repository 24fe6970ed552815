import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { ReadReport } from '../kube/read.ts';
import { collectionPath } from '../kube/resources.ts';
import { collect } from '../kube/scope.ts';
import { parseSelector } from '../kube/selector.ts';
import { type WatchTarget, watchCollection } from '../kube/watch.ts';
import type { Tenant, TenantSource } from './contract.ts';
import { type EventGroup, type EventType, EVENT_TYPES, groupEvents, groupKey } from './events.ts';
import { PAGE_SIZE, findTenant, readAcrossTenants } from './inventory.ts';

export interface EventQuery {
  /** One tenant; every tenant when undefined (-A). */
  tenant?: string;
  source?: TenantSource;
  /** A label selector on the tenants. */
  selector?: string;
  types: readonly EventType[];
  /** Only events about this object (--for KIND/NAME). */
  involved?: { kind: string; name: string };
}

export interface EventsRead {
  groups: EventGroup[];
  /** The Event objects the groups were made of, for a watch to go on from. */
  events: KubeObject[];
  /** The tenant of a namespace, for the tenants looked at; undefined elsewhere. */
  tenantOf: (namespace: string) => string | undefined;
  /** The lists taken, each with the resourceVersion and field selector a watch follows them from. */
  listedAt: WatchTarget[];
  report: ReadReport;
}

/**
 * What the API server filters for mimt: one type (both is no filter) and the object (kubectl
 * events --for does the same), so that fewer events travel.
 */
export function eventFieldSelector(query: Pick<EventQuery, 'types' | 'involved'>): string | undefined {
  const parts: string[] = [];
  if (query.types.length < EVENT_TYPES.length) parts.push(...query.types.map((t) => `type=${t}`));
  if (query.involved) {
    parts.push(`involvedObject.kind=${query.involved.kind}`, `involvedObject.name=${query.involved.name}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

/**
 * The events of one tenant (three requests: the tenant's lookup, then its namespace's events) or of
 * every tenant (-A: namespaces, KubePlus compositions and one cluster-wide list of events, plus one
 * per KubePlus Kind, whatever the number of tenants). A user who may not list namespaces gets the
 * events of the namespaces that can be named, and a note.
 */
export async function readTenantEvents(client: KubeClient, query: EventQuery): Promise<EventsRead> {
  const report = new ReadReport();
  const fieldSelector = eventFieldSelector(query);
  const list = async (path: string) => {
    const answer = await client.list(path, { fieldSelector, pageSize: PAGE_SIZE });
    return { items: answer.items, resourceVersion: answer.metadata?.resourceVersion };
  };
  const matches = query.selector ? parseSelector(query.selector) : () => true;
  if (query.tenant !== undefined) {
    const tenant = await findTenant(client, query.tenant, query.source, report);
    const namespaces = new Map(matches(tenant.labels) ? [[tenant.namespace, tenant.name]] : []);
    const path = collectionPath('Event', tenant.namespace);
    const answer = namespaces.size ? await list(path) : { items: [], resourceVersion: undefined };
    return finish(answer.items, namespaces, [{ path, resourceVersion: answer.resourceVersion, fieldSelector }], report);
  }
  const { tenants, data } = await readAcrossTenants(client, [], report, (scope, into) =>
    collect('events', 'Event', scope, list, into, { fieldSelector }),
  );
  const chosen = tenants.tenants.filter(
    (t: Tenant) => (query.source === undefined || t.source === query.source) && matches(t.labels),
  );
  return finish(data.items, new Map(chosen.map((t) => [t.namespace, t.name])), data.listedAt, report);
}

function finish(
  events: KubeObject[],
  namespaces: Map<string, string>,
  listedAt: WatchTarget[],
  report: ReadReport,
): EventsRead {
  const tenantOf = (namespace: string) => namespaces.get(namespace);
  const mine = events.filter((e) => tenantOf(e.metadata.namespace ?? '') !== undefined);
  return { groups: groupEvents(mine, tenantOf), events: mine, tenantOf, listedAt, report };
}

/**
 * After `read`, each group that a new or updated Event changes (a new group, a higher count, a later
 * time), until the signal aborts. The watches go on from the lists' resourceVersions, so no event
 * between the list and the watch is missed; after a 410 Gone the list is taken again and what it
 * changed is reported. Events of namespaces that were not looked at stay out (a tenant made after
 * the start is not followed).
 */
export async function* followTenantEvents(
  client: KubeClient,
  read: EventsRead,
  signal: AbortSignal,
  problem: (message: string) => void,
): AsyncGenerator<EventGroup> {
  const byUid = new Map<string, KubeObject>();
  const key = (e: KubeObject) => e.metadata.uid ?? `${e.metadata.namespace}/${e.metadata.name}`;
  for (const event of read.events) byUid.set(key(event), event);
  const groupOf = (event: KubeObject): EventGroup | undefined => {
    const same = groupKey(event);
    return groupEvents(
      [...byUid.values()].filter((e) => groupKey(e) === same),
      read.tenantOf,
    )[0];
  };
  async function* follow(target: WatchTarget): AsyncGenerator<KubeObject> {
    const retrying = (error: Error, delayMs: number) =>
      problem(`warning: the watch of ${target.path} broke (${error.message}); retrying in ${delayMs}ms`);
    try {
      for await (const change of watchCollection(client, target, signal, retrying)) {
        if (change.type === 'RESYNC') {
          yield* (await client.list(target.path, { fieldSelector: target.fieldSelector, pageSize: PAGE_SIZE })).items;
        } else if (change.type !== 'DELETED') yield change.object;
      }
    } catch (error) {
      if (!signal.aborted) problem(`warning: cannot watch ${target.path}: ${(error as Error).message}`);
    }
  }
  for await (const event of merged(read.listedAt.map(follow))) {
    if (read.tenantOf(event.metadata.namespace ?? '') === undefined) continue;
    const before = byUid.has(key(event)) ? groupOf(event) : undefined;
    byUid.set(key(event), event);
    const after = groupOf(event);
    if (after && (before === undefined || after.count !== before.count || after.lastSeen !== before.lastSeen)) {
      yield after;
    }
  }
}

/** What several generators yield, as it comes. */
async function* merged<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<T> {
  const next = (i: number) => (sources[i] as AsyncGenerator<T>).next().then((r) => ({ i, r }));
  const pending = new Map(sources.map((_, i) => [i, next(i)]));
  while (pending.size) {
    const { i, r } = await Promise.race(pending.values());
    if (r.done) pending.delete(i);
    else {
      pending.set(i, next(i));
      yield r.value;
    }
  }
}
