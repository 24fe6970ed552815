import { randomUUID } from 'node:crypto';
import { failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { isConflict, isNotFound } from '../kube/read.ts';
import { collectionPath, objectPath } from '../kube/resources.ts';
import { mimtLabels } from '../tenant/contract.ts';

export const LOCK_NAME = 'mimt-install';

interface Lease extends KubeObject {
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function lease(namespace: string, holder: string, durationMs: number, now: Date, resourceVersion?: string): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: LOCK_NAME, namespace, labels: mimtLabels(), resourceVersion },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: Math.ceil(durationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
    },
  };
}

function expired(current: Lease, now: Date): boolean {
  const renewed = Date.parse(current.spec.renewTime ?? '');
  const duration = (current.spec.leaseDurationSeconds ?? 0) * 1000;
  return !Number.isFinite(renewed) || renewed + duration < now.getTime();
}

/**
 * Takes the install lock of a tenant: a Lease in its namespace, created atomically, so that two
 * installs of one tenant cannot both proceed. A lease left by a crashed run expires after its
 * duration. Resolves with the function that gives the lock back.
 */
export async function acquireInstallLock(
  client: KubeClient,
  namespace: string,
  durationMs: number,
): Promise<() => Promise<void>> {
  const path = collectionPath('Lease', namespace);
  const lockPath = objectPath('Lease', namespace, LOCK_NAME);
  const holder = `kubectl-mimt-${randomUUID()}`;
  const now = new Date();
  let taken: Lease;
  try {
    taken = await client.request<Lease>({ method: 'POST', path, body: lease(namespace, holder, durationMs, now) });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const current = await client.get<Lease>(lockPath);
    const busy = failure(
      `another install of tenant "${namespace}" is running (since ${current.spec.acquireTime ?? '?'})`,
      {
        hint: `try again when it is done; a lock left by a crashed run expires after ${current.spec.leaseDurationSeconds ?? '?'}s`,
      },
    );
    if (!expired(current, now)) throw busy;
    try {
      taken = await client.request<Lease>({
        method: 'PUT',
        path: lockPath,
        body: lease(namespace, holder, durationMs, now, current.metadata.resourceVersion),
      });
    } catch (conflict) {
      if (isConflict(conflict)) throw busy;
      throw conflict;
    }
  }
  return async () => {
    await client
      .request({
        method: 'DELETE',
        path: lockPath,
        body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: taken.metadata.uid } },
      })
      .catch((error: unknown) => {
        if (!(isNotFound(error) || isConflict(error))) throw error;
      });
  };
}
