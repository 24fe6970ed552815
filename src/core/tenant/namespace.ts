import { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { FIELD_MANAGER } from '../policy/apply.ts';

export function namespacePath(name: string): string {
  return `/api/v1/namespaces/${name}`;
}

/** The namespace, or undefined when it does not exist. */
export async function getNamespace(client: KubeClient, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get<KubeObject>(namespacePath(name));
  } catch (error) {
    if (error instanceof MimtError && error.status === 404) return undefined;
    throw error;
  }
}

/** Creates the namespace; a 409 means someone else created it first (another install). */
export async function createNamespace(client: KubeClient, namespace: KubeObject): Promise<void> {
  await client.request({ method: 'POST', path: '/api/v1/namespaces', body: namespace });
}

/** Sets mimt's labels and annotations on an existing namespace, leaving everyone else's alone. */
export async function applyNamespace(client: KubeClient, namespace: KubeObject, dryRun = false): Promise<void> {
  await client.request({
    method: 'PATCH',
    path: namespacePath(namespace.metadata.name),
    query: { fieldManager: FIELD_MANAGER, force: true, dryRun: dryRun ? 'All' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: namespace,
  });
}

/** Deletes the namespace and waits until it is gone, so that a failed install leaves nothing. */
export async function deleteNamespace(
  client: KubeClient,
  name: string,
  options: { waitMs: number; uid?: string },
): Promise<boolean> {
  try {
    await client.request({
      method: 'DELETE',
      path: namespacePath(name),
      // The precondition makes sure a namespace someone re-created meanwhile is not the one deleted.
      body: options.uid ? { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: options.uid } } : undefined,
    });
  } catch (error) {
    if (error instanceof MimtError && error.status === 404) return true;
    throw error;
  }
  const deadline = Date.now() + options.waitMs;
  while (Date.now() < deadline) {
    if (!(await getNamespace(client, name))) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return false;
}
