import { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import type { WatchTarget } from '../kube/watch.ts';

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

const forbidden = (error: unknown): error is MimtError => error instanceof MimtError && error.status === 403;
const missing = (error: unknown): boolean => error instanceof MimtError && error.status === 404;

/** Namespace metadata, cluster-wide; on 403 the named namespaces one by one, with a note saying so. */
export async function readNamespaces(
  client: KubeClient,
  named: readonly string[],
  pageSize: number,
  warnings: string[],
): Promise<NamespaceRead> {
  const path = '/api/v1/namespaces';
  try {
    const list = await client.list(path, { metadataOnly: true, pageSize });
    return {
      items: list.items,
      listedAt: { path, resourceVersion: list.metadata?.resourceVersion, metadataOnly: true },
    };
  } catch (error) {
    if (!forbidden(error)) throw error;
    const wanted = [...new Set([client.namespace, ...named])];
    const found = await Promise.all(
      wanted.map((name) =>
        client.get<KubeObject>(`${path}/${name}`).catch((failed: unknown) => {
          if (forbidden(failed) || missing(failed)) return undefined;
          throw failed;
        }),
      ),
    );
    const items = found.filter((ns): ns is KubeObject => ns !== undefined);
    const scope = items.map((ns) => ns.metadata.name);
    const seen = wanted.map((name) => `"${name}"${scope.includes(name) ? '' : ' (not readable)'}`);
    warnings.push(
      `note: you may not list namespaces cluster-wide, so only the context's namespace and the tenants ` +
        `named are looked at: ${seen.join(', ')}. Pass -n NAMESPACE or a tenant name to see another.`,
    );
    return { items, scope };
  }
}

/**
 * Lists `plural` (a core kind's plural, or where any kind lives with or without a namespace) across
 * the cluster, or in each namespace of `scope`. A 403 is recorded as
 * unreadable (with a warning) rather than read as "there are none"; a 404 is an empty answer.
 */
export async function collect<T>(
  what: string,
  plural: string | ((namespace: string | undefined) => string),
  scope: readonly string[] | undefined,
  fetch: (path: string) => Promise<{ items: T[]; resourceVersion?: string }>,
  warnings: string[],
  watch: Omit<WatchTarget, 'path' | 'resourceVersion'> = {},
): Promise<Collected<T>> {
  const where = scope === undefined ? [undefined] : scope;
  const collected: Collected<T> = { items: [], unreadable: new Map(), listedAt: [] };
  await Promise.all(
    where.map(async (namespace) => {
      const path =
        typeof plural === 'function'
          ? plural(namespace)
          : namespace === undefined
            ? `/api/v1/${plural}`
            : `/api/v1/namespaces/${namespace}/${plural}`;
      try {
        const answer = await fetch(path);
        collected.items.push(...answer.items);
        collected.listedAt.push({ path, resourceVersion: answer.resourceVersion, ...watch });
      } catch (error) {
        if (missing(error)) return;
        if (!forbidden(error)) throw error;
        collected.unreadable.set(namespace ?? EVERY_NAMESPACE, `cannot list ${what}: forbidden`);
        warnings.push(
          `warning: cannot list ${what}${namespace ? ` in namespace "${namespace}"` : ''}: ${error.message}`,
        );
      }
    }),
  );
  return collected;
}

export function unreadableIn(unreadable: Map<string, string>, namespace: string): string | undefined {
  return unreadable.get(namespace) ?? unreadable.get(EVERY_NAMESPACE);
}
