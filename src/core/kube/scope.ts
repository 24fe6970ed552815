import type { KubeClient } from './client.ts';
import type { KubeObject } from './objects.ts';
import { ReadReport, isForbidden, isNotFound } from './read.ts';
import { type KindRef, collectionPath, objectPath } from './resources.ts';
import type { WatchTarget } from './watch.ts';

/** Stands for every namespace in `Unreadable` maps: the cluster-wide list was refused. */
export const EVERY_NAMESPACE = '*';

/**
 * The namespaces a listing covers. Without the right to list namespaces cluster-wide, mimt reads the
 * few it can name instead (`scope`): the context's namespace and the tenants named on the command line.
 */
export interface NamespaceRead {
  items: KubeObject[];
  listedAt?: WatchTarget;
  scope?: string[];
}

/** A namespaced collection, read cluster-wide or namespace by namespace. */
export interface Collected<T> {
  items: T[];
  /** Why the collection could not be read, by namespace (EVERY_NAMESPACE: anywhere). */
  unreadable: Map<string, string>;
  /** The lists taken, each with the resourceVersion a watch can follow them from. */
  listedAt: WatchTarget[];
}

/** Namespace metadata, cluster-wide; on 403 the named namespaces one by one, and the report says so. */
export async function readNamespaces(
  client: KubeClient,
  named: readonly string[],
  pageSize: number,
  report: ReadReport,
): Promise<NamespaceRead> {
  const path = collectionPath('Namespace');
  try {
    const list = await client.list(path, { metadataOnly: true, pageSize });
    return {
      items: list.items,
      listedAt: { path, resourceVersion: list.metadata?.resourceVersion, metadataOnly: true },
    };
  } catch (error) {
    if (!isForbidden(error)) throw error;
    return readNamedNamespaces(client, named, report);
  }
}

/**
 * The namespace metadata a label selector matches, in one list whatever the number of namespaces;
 * on 403 the named namespaces one by one, as `readNamespaces` does.
 */
export async function readSelectedNamespaces(
  client: KubeClient,
  named: readonly string[],
  labelSelector: string,
  report: ReadReport,
): Promise<NamespaceRead> {
  try {
    return { items: (await client.list(collectionPath('Namespace'), { metadataOnly: true, labelSelector })).items };
  } catch (error) {
    if (!isForbidden(error)) throw error;
    return readNamedNamespaces(client, named, report);
  }
}

/** The context's namespace and the named ones that can be read, for a user who may not list them. */
async function readNamedNamespaces(
  client: KubeClient,
  named: readonly string[],
  report: ReadReport,
): Promise<NamespaceRead> {
  const wanted = [...new Set([client.namespace, ...named])];
  const found = await Promise.all(
    wanted.map((name) =>
      client.get<KubeObject>(objectPath('Namespace', undefined, name)).catch((failed: unknown) => {
        if (isForbidden(failed) || isNotFound(failed)) return undefined;
        throw failed;
      }),
    ),
  );
  const items = found.filter((ns): ns is KubeObject => ns !== undefined);
  const scope = items.map((ns) => ns.metadata.name);
  report.limitedTo(new Map(wanted.map((name) => [name, scope.includes(name)])));
  return { items, scope };
}

/**
 * Lists a namespaced kind across the cluster, or in each namespace of `scope`. A 403 is recorded as
 * unreadable (and in the report) rather than read as "there are none"; a 404 is an empty answer.
 */
export async function collect<T>(
  what: string,
  kind: KindRef,
  scope: readonly string[] | undefined,
  fetch: (path: string) => Promise<{ items: T[]; resourceVersion?: string }>,
  report: ReadReport,
  watch: Omit<WatchTarget, 'path' | 'resourceVersion'> = {},
): Promise<Collected<T>> {
  const where = scope === undefined ? [undefined] : scope;
  const collected: Collected<T> = { items: [], unreadable: new Map(), listedAt: [] };
  await Promise.all(
    where.map(async (namespace) => {
      const path = collectionPath(kind, namespace);
      try {
        const answer = await fetch(path);
        collected.items.push(...answer.items);
        collected.listedAt.push({ path, resourceVersion: answer.resourceVersion, ...watch });
      } catch (error) {
        if (isNotFound(error)) return;
        if (!isForbidden(error)) throw error;
        collected.unreadable.set(namespace ?? EVERY_NAMESPACE, `cannot list ${what}: forbidden`);
        report.forbidden(what, namespace);
      }
    }),
  );
  return collected;
}

export function unreadableIn(unreadable: Map<string, string>, namespace: string): string | undefined {
  return unreadable.get(namespace) ?? unreadable.get(EVERY_NAMESPACE);
}

/**
 * Reads `read` cluster-wide while the namespaces are being listed, and, when the user turns out not
 * to be allowed to list them, again in the namespaces that could be named. The cluster-wide attempt
 * costs nothing extra for a user with cluster-wide rights, which is the common case.
 */
export async function readInScope<N extends { scope?: string[] }, T>(
  namespaces: Promise<N>,
  read: (scope: string[] | undefined, report: ReadReport) => Promise<T>,
  report: ReadReport,
): Promise<{ namespaces: N; data: T }> {
  const aside = new ReadReport();
  const everywhere = read(undefined, aside);
  // Not awaited when the scope turns out limited; its failure must not go unhandled then.
  everywhere.catch(() => undefined);
  const found = await namespaces;
  if (found.scope === undefined) {
    const data = await everywhere;
    report.absorb(aside);
    return { namespaces: found, data };
  }
  return { namespaces: found, data: await read(found.scope, report) };
}
