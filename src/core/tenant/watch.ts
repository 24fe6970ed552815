import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { type WatchTarget, watchCollection } from '../kube/watch.ts';
import { isKubePlusNamespace, isMimtNamespace } from './discover.ts';

/** Tells when what a view shows may have changed; `next` waits for it. */
export interface ChangeFeed {
  /** Resolves true once a relevant change came and the burst it began is over; false on abort. */
  next(): Promise<boolean>;
}

export interface ChangeFeedOptions {
  signal: AbortSignal;
  /** How long a burst of changes is awaited before the view is taken again. */
  debounceMs: number;
  /** Whether a change to this object matters to the view as it was last taken. */
  relevant: (object: KubeObject) => boolean;
  /** A note for stderr: a watch that broke (and is retried) or ended for good. */
  problem: (message: string) => void;
}

/**
 * Watches `targets` (each from the resourceVersion of the list it follows) until the signal aborts.
 * A change is filtered by `relevant` only while `next` waits: a change that arrives while the view
 * is being taken again may have been missed by it, so it always counts.
 */
export function watchChanges(
  client: KubeClient,
  targets: readonly WatchTarget[],
  options: ChangeFeedOptions,
): ChangeFeed {
  const { signal } = options;
  let waiting = false;
  let dirty = false;
  let wake: (() => void) | undefined;
  const changed = (): void => {
    dirty = true;
    wake?.();
  };
  for (const target of targets) {
    void (async () => {
      try {
        const retrying = (problem: Error, delayMs: number) =>
          options.problem(`warning: the watch of ${target.path} broke (${problem.message}); retrying in ${delayMs}ms`);
        for await (const change of watchCollection(client, target, signal, retrying)) {
          if (change.type === 'RESYNC' || !waiting || options.relevant(change.object)) changed();
        }
      } catch (error) {
        if (signal.aborted) return;
        options.problem(
          `warning: cannot watch ${target.path} (${(error as Error).message}); its changes will not refresh the view`,
        );
        changed();
      }
    })();
  }
  return {
    async next() {
      waiting = true;
      try {
        while (!dirty && !signal.aborted) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              signal.removeEventListener('abort', done);
              resolve();
            };
            wake = done;
            signal.addEventListener('abort', done, { once: true });
          });
        }
        await sleep(options.debounceMs, undefined, { signal }).catch(() => undefined);
        dirty = false;
        return !signal.aborted;
      } finally {
        waiting = false;
        wake = undefined;
      }
    },
  };
}

/**
 * For a listing: a namespace matters when it is (or becomes) a tenant namespace or one a tenant
 * claims; a pod or release record when it lies in such a namespace.
 */
export function tenantRelevance(namespaces: ReadonlySet<string>): (object: KubeObject) => boolean {
  return (object) => {
    const namespace = object.metadata.namespace;
    if (namespace !== undefined) return namespaces.has(namespace);
    return namespaces.has(object.metadata.name) || isMimtNamespace(object) || isKubePlusNamespace(object);
  };
}
