import { deleteOptional, serverSideApply } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { getOptional } from '../kube/read.ts';
import { collectionPath, objectPath } from '../kube/resources.ts';

export function namespacePath(name: string): string {
  return objectPath('Namespace', undefined, name);
}

/** The namespace, or undefined when it does not exist. */
export function getNamespace(client: KubeClient, name: string): Promise<KubeObject | undefined> {
  return getOptional<KubeObject>(client, namespacePath(name));
}

/** Creates the namespace; a 409 means someone else created it first (another install). */
/** Creates the namespace; the answer is the namespace as created (its uid included). */
export function createNamespace(client: KubeClient, namespace: KubeObject): Promise<KubeObject> {
  return client.request<KubeObject>({ method: 'POST', path: collectionPath('Namespace'), body: namespace });
}

/** Sets mimt's labels and annotations on an existing namespace, leaving everyone else's alone. */
export async function applyNamespace(client: KubeClient, namespace: KubeObject, dryRun = false): Promise<void> {
  await serverSideApply(client, { apiVersion: 'v1', kind: 'Namespace', ...namespace }, dryRun);
}

/** Deletes the namespace and waits until it is gone, so that a failed install leaves nothing. */
export async function deleteNamespace(
  client: KubeClient,
  name: string,
  options: { waitMs: number; uid?: string },
): Promise<boolean> {
  const deleted = await deleteOptional(
    client,
    namespacePath(name),
    // The precondition makes sure a namespace someone re-created meanwhile is not the one deleted.
    options.uid ? { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: options.uid } } : undefined,
  );
  if (!deleted) return true;
  const deadline = Date.now() + options.waitMs;
  while (Date.now() < deadline) {
    if (!(await getNamespace(client, name))) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}
