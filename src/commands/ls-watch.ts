import type { KubeClient } from '../core/kube/client.ts';
import type { KubeObject } from '../core/kube/objects.ts';
import type { WatchTarget } from '../core/kube/watch.ts';
import { watchChanges } from '../core/tenant/watch.ts';
import type { Document, Listing } from '../output/result.ts';

/** One view as taken, with what a watch must follow to know when to take it again. */
export interface Snapshot<F extends Listing | Document> {
  frame: F;
  /** The lists the view was built from, each with the resourceVersion to watch from. */
  listedAt: WatchTarget[];
  relevant: (object: KubeObject) => boolean;
}

/** A burst of changes (a rollout, an install) becomes one new frame. */
export const DEBOUNCE_MS = 300;

/** What makes two frames the same to a reader: the rows or document, not the time they were taken. */
function sameness(frame: Listing | Document): string {
  return JSON.stringify(frame.type === 'listing' ? [frame.rows, frame.document] : frame.document);
}

/**
 * The view, then the view again after each change the watches report, until the signal aborts.
 * The watches follow the lists of the first view, from their resourceVersions, so nothing between
 * the list and the watch is missed. A frame that would print the same as the last is skipped, and a
 * warning is said once while it holds.
 */
export async function* watchFrames<F extends Listing | Document>(
  client: KubeClient,
  take: () => Promise<Snapshot<F>>,
  signal: AbortSignal,
): AsyncGenerator<F> {
  let snapshot = await take();
  const problems: string[] = [];
  const feed = watchChanges(client, snapshot.listedAt, {
    signal,
    debounceMs: DEBOUNCE_MS,
    relevant: (object) => snapshot.relevant(object),
    problem: (message) => problems.push(message),
  });
  let shown: string | undefined;
  let said = new Set<string>();
  for (;;) {
    const warnings = [...(snapshot.frame.warnings ?? []), ...problems.splice(0)];
    const fresh = warnings.filter((w) => !said.has(w));
    said = new Set(warnings);
    const looks = sameness(snapshot.frame);
    if (looks !== shown || fresh.length) {
      shown = looks;
      yield { ...snapshot.frame, warnings: fresh };
    }
    if (!(await feed.next())) return;
    snapshot = await take();
    if (signal.aborted) return;
  }
}
