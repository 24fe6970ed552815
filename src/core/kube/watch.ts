import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MimtError, failure } from '../errors.ts';
import type { KubeClient } from './client.ts';
import type { KubeList, KubeObject } from './objects.ts';

/**
 * What a watch reports: one object that changed, or `RESYNC` when the server no longer had the
 * version to resume from (410 Gone), so events were lost and the watcher's user must list again.
 */
export type WatchChange = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } | { type: 'RESYNC' };

export interface WatchTarget {
  /** The collection, e.g. /api/v1/pods or /api/v1/namespaces/acme/secrets. */
  path: string;
  /** Where the list this watch follows was taken; changes after it are reported. */
  resourceVersion: string | undefined;
  labelSelector?: string;
  fieldSelector?: string;
  metadataOnly?: boolean;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject & { code?: number; message?: string };
}

const MAX_DELAY_MS = 30_000;

async function* watchEvents(response: Readable): AsyncGenerator<WatchEvent> {
  response.setEncoding('utf8');
  let pending = '';
  for await (const chunk of response) {
    pending += chunk as string;
    for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
      const text = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (text !== '') yield JSON.parse(text) as WatchEvent;
    }
  }
}

const isGone = (error: unknown): boolean => error instanceof MimtError && error.status === 410;
/** Asking again does not help with these: the watcher stops and says so. */
const isFinal = (error: unknown): boolean =>
  error instanceof MimtError && (error.status === 401 || error.status === 403 || error.status === 404);

/** A fresh resourceVersion to resume from: one item is enough, the version is the collection's. */
async function currentVersion(client: KubeClient, target: WatchTarget): Promise<string | undefined> {
  const page = await client.request<KubeList>({
    path: target.path,
    query: { limit: 1, labelSelector: target.labelSelector, fieldSelector: target.fieldSelector },
  });
  return page.metadata?.resourceVersion;
}

/**
 * Follows a collection from `target.resourceVersion`: bookmarks move the version on, a watch the
 * server ends is opened again from there, network failures are retried with a growing delay
 * (`retrying` hears of each). On 410 Gone it takes a fresh version and yields RESYNC. A 401, 403 or
 * 404 ends the watch with that error. Returns when `signal` aborts.
 */
export async function* watchCollection(
  client: KubeClient,
  target: WatchTarget,
  signal: AbortSignal,
  retrying: (problem: MimtError, delayMs: number) => void,
): AsyncGenerator<WatchChange> {
  let resourceVersion = target.resourceVersion;
  let lost = false;
  for (let attempt = 0; !signal.aborted;) {
    let events = 0;
    try {
      if (resourceVersion === undefined) {
        resourceVersion = await currentVersion(client, target);
        if (lost) yield { type: 'RESYNC' };
        lost = false;
      }
      const response = await client.stream(
        target.path,
        {
          watch: 1,
          allowWatchBookmarks: true,
          resourceVersion,
          labelSelector: target.labelSelector,
          fieldSelector: target.fieldSelector,
        },
        signal,
        { metadataOnly: target.metadataOnly },
      );
      for await (const event of watchEvents(response)) {
        events += 1;
        if (event.type === 'ERROR') {
          if (event.object.code === 410) {
            resourceVersion = undefined;
            lost = true;
            break;
          }
          throw failure(`the watch of ${target.path} failed: ${event.object.message ?? 'unknown error'}`, {
            status: event.object.code,
          });
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
        if (event.type !== 'BOOKMARK') yield { type: event.type, object: event.object };
      }
      attempt = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (isGone(error)) {
        resourceVersion = undefined;
        lost = true;
        continue;
      }
      if (isFinal(error)) throw error;
      attempt = events > 0 ? 1 : attempt + 1;
      const delayMs = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
      retrying(
        error instanceof MimtError
          ? error
          : failure(`the watch of ${target.path} broke: ${(error as Error).message}`, { cause: error }),
        delayMs,
      );
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
