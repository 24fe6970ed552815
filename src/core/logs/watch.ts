import type { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { collectionPath } from '../kube/resources.ts';
import { watchCollection } from '../kube/watch.ts';
import type { Pod } from './targets.ts';

/** What changed among the pods: `sync` is the whole set (after a list), the others one pod. */
export type PodEvent = { type: 'sync'; pods: Pod[] } | { type: 'upsert'; pod: Pod } | { type: 'delete'; pod: Pod };

/**
 * Follows the pods of a namespace from a list already taken: the watch goes on from that list's
 * resourceVersion, and when the server has lost the history the watch needs (410 Gone) the pods
 * are listed again and reported whole. Ends when `signal` aborts.
 */
export async function* watchPods(
  client: KubeClient,
  namespace: string,
  options: { labelSelector?: string; initial: { pods: Pod[]; resourceVersion?: string } },
  retrying: (error: MimtError, delayMs: number) => void,
  signal: AbortSignal,
): AsyncGenerator<PodEvent> {
  const path = collectionPath('Pod', namespace);
  yield { type: 'sync', pods: options.initial.pods };
  const changes = watchCollection(
    client,
    { path, resourceVersion: options.initial.resourceVersion, labelSelector: options.labelSelector },
    signal,
    retrying,
  );
  for await (const change of changes) {
    if (change.type === 'RESYNC') {
      yield { type: 'sync', pods: (await client.list<Pod>(path, { labelSelector: options.labelSelector })).items };
    } else {
      const pod = change.object as Pod;
      yield change.type === 'DELETED' ? { type: 'delete', pod } : { type: 'upsert', pod };
    }
  }
}
