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

/**
 * A JSON merge patch under mimt's field manager: an update, not an apply, so none of mimt's later
 * applies drops what it set. `subresource` patches e.g. `scale`, whose writes leave `spec.replicas`
 * owned by whoever applied it (Helm), as an autoscaler's do. A `metadata.resourceVersion` in the
 * patch makes it fail with 409 when the object changed since it was read.
 */
export function mergePatch(
  client: KubeClient,
  target: { kind: string; namespace?: string; name: string; subresource?: string },
  patch: unknown,
  dryRun = false,
): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: objectPath(target.kind, target.namespace, target.name, target.subresource),
    query: { fieldManager: FIELD_MANAGER, dryRun: dryRunQuery(dryRun) },
    contentType: 'application/merge-patch+json',
    body: patch,
  });
}
