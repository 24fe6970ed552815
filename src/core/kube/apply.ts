import type { KubeClient } from './client.ts';
import type { KubeObject } from './objects.ts';
import { isNotFound } from './read.ts';
import { objectPath } from './resources.ts';

/** The field manager of every write mimt makes, so that server-side apply knows whose fields are whose. */
export const FIELD_MANAGER = 'kubectl-mimt';

export const dryRunQuery = (dryRun: boolean | undefined): 'All' | undefined => (dryRun ? 'All' : undefined);

/** Server-side apply with mimt's field manager; `force` takes over fields someone else changed. */
export function serverSideApply(client: KubeClient, object: KubeObject, dryRun = false): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: objectPath(object.kind as string, object.metadata.namespace, object.metadata.name),
    query: { fieldManager: FIELD_MANAGER, force: true, dryRun: dryRunQuery(dryRun) },
    contentType: 'application/apply-patch+yaml',
    body: object,
  });
}

/** Deletes the object at `path`; false when it was not there. */
export async function deleteOptional(client: KubeClient, path: string, body?: unknown): Promise<boolean> {
  try {
    await client.request({ method: 'DELETE', path, body });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
