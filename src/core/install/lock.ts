import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { isConflict, isNotFound } from '../kube/read.ts';
import { collectionPath, objectPath } from '../kube/resources.ts';
import { mimtLabels } from '../tenant/contract.ts';

export const LOCK_NAME = 'mimt-install';

/**
 * How long a lock holds without renewal, and how often its holder renews it. A holder killed with
 * `kill -9` renews no more, so its lock is free within LEASE_SECONDS; a live one renews it well
 * before that, however long helm runs.
 */
export const LEASE_SECONDS = 20;
export const RENEW_MS = 5_000;

interface Lease extends KubeObject {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

/** Who holds a lock: `<host>/<pid>/<nonce>`, so that the next install can tell whether it still runs. */
interface Holder {
  host: string;
  pid: number;
}

export function parseHolder(identity: string | undefined): Holder | undefined {
  const match = /^(.+)\/(\d+)\/[0-9a-f-]+$/.exec(identity ?? '');
  return match ? { host: match[1] as string, pid: Number(match[2]) } : undefined;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function lease(namespace: string, holder: string, now: Date, resourceVersion?: string, acquired = now): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: LOCK_NAME, namespace, labels: mimtLabels(), resourceVersion },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: LEASE_SECONDS,
      acquireTime: microTime(acquired),
      renewTime: microTime(now),
    },
  };
}

/** When the lock frees itself unless renewed, in milliseconds since the epoch (NaN when unreadable). */
function expiresAt(current: Lease): number {
  return Date.parse(current.spec.renewTime ?? '') + (current.spec.leaseDurationSeconds ?? 0) * 1000;
}

/** A holder on this machine whose process is gone: its lock is stale whatever its lease says. */
function deadHere(holder: Holder | undefined): boolean {
  if (!holder || holder.host !== hostname() || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function holderText(current: Lease): string {
  const holder = parseHolder(current.spec.holderIdentity);
  const who = holder ? `pid ${holder.pid} on ${holder.host}` : (current.spec.holderIdentity ?? 'an unknown holder');
  return `${who}, since ${current.spec.acquireTime ?? '?'}`;
}

export interface InstallLock {
  /** Gives the lock back; stops renewing it. */
  release(): Promise<void>;
  /** Aborted when the lock was lost (someone else took it over): the holder must stop. */
  lost: AbortSignal;
  /** Set when the lock was taken over from a holder that had stopped: who that was. */
  tookOver?: string;
}

/**
 * Takes the install lock of a tenant: a Lease in its namespace, created atomically, so that two
 * installs of one tenant cannot both proceed, and renewed every RENEW_MS while the install runs.
 * A lock whose holder stopped renewing (killed, crashed, cut off) is waited out until it expires
 * and then taken over; a holder on this machine whose process is gone is taken over at once.
 * A lock renewed by a live holder is refused, naming the holder.
 */
export async function acquireInstallLock(
  client: KubeClient,
  namespace: string,
  progress: (line: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<InstallLock> {
  const path = collectionPath('Lease', namespace);
  const lockPath = objectPath('Lease', namespace, LOCK_NAME);
  const holder = `${hostname()}/${process.pid}/${randomUUID()}`;
  let taken: Lease | undefined;
  let tookOver: string | undefined;
  for (let attempt = 0; !taken; attempt += 1) {
    try {
      taken = await client.request<Lease>({ method: 'POST', path, body: lease(namespace, holder, new Date()) });
      break;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
    const current = await client.get<Lease>(lockPath);
    const now = Date.now();
    const expires = expiresAt(current);
    const dead = deadHere(parseHolder(current.spec.holderIdentity));
    const renewedMs = now - Date.parse(current.spec.renewTime ?? '');
    // A live holder renews every RENEW_MS; one that has missed two renewals is presumed gone.
    const silent = !(renewedMs < 2 * RENEW_MS + 1000);
    if (!(Number.isFinite(expires) && expires > now) || dead) {
      if (dead) progress(`install lock: taking over from ${holderText(current)}, which no longer runs`);
      taken = await client
        .request<Lease>({
          method: 'PUT',
          path: lockPath,
          body: lease(namespace, holder, new Date(), current.metadata.resourceVersion),
        })
        .catch((conflict: unknown) => {
          if (isConflict(conflict)) return undefined;
          throw conflict;
        });
      tookOver = holderText(current);
      continue;
    }
    if (!silent || attempt > 0 || expires - now > LEASE_SECONDS * 1000) {
      throw failure(`another install of tenant "${namespace}" is running: ${holderText(current)}`, {
        hint: silent
          ? `its holder stopped renewing the lock ${Math.round(renewedMs / 1000)}s ago; it frees itself at ${new Date(expires).toISOString()}, then run again`
          : 'wait for it to finish, then run again; if that process is killed, its lock frees itself within ' +
            `${LEASE_SECONDS}s and the next install takes it over`,
      });
    }
    progress(
      `install lock: held by ${holderText(current)}, not renewed for ${Math.round(renewedMs / 1000)}s; waiting up to ${Math.ceil((expires - now) / 1000)}s for it to expire`,
    );
    await sleep(expires - now + 250, undefined, { signal });
  }
  return { ...renewing(client, lockPath, namespace, holder, taken), ...(tookOver ? { tookOver } : {}) };
}

function renewing(client: KubeClient, lockPath: string, namespace: string, holder: string, taken: Lease): InstallLock {
  const lost = new AbortController();
  let current = taken;
  let renewal: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewal = (async () => {
      const acquired = new Date(Date.parse(current.spec.acquireTime ?? '') || Date.now());
      try {
        current = await client.request<Lease>({
          method: 'PUT',
          path: lockPath,
          body: lease(namespace, holder, new Date(), current.metadata.resourceVersion, acquired),
        });
      } catch (error) {
        // A conflict or a deleted lease: someone else holds the lock now. Other failures (the API
        // server unreachable for a moment) are retried at the next tick, while the lease still holds.
        if (isConflict(error) || isNotFound(error)) {
          clearInterval(timer);
          lost.abort(failure(`the install lock of tenant "${namespace}" was taken over by another install`));
        }
      }
    })();
  }, RENEW_MS);
  timer.unref();
  return {
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await renewal;
      await client
        .request({
          method: 'DELETE',
          path: lockPath,
          // Its own last version: a lock taken over since is someone else's, and stays.
          body: {
            kind: 'DeleteOptions',
            apiVersion: 'v1',
            preconditions: { resourceVersion: current.metadata.resourceVersion },
          },
        })
        .catch((error: unknown) => {
          if (!(isNotFound(error) || isConflict(error))) throw error;
        });
    },
  };
}
