import { isDeepStrictEqual } from 'node:util';
import { failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { getOptional, isNotFound } from '../kube/read.ts';
import { collectionPath, customResource, objectPath } from '../kube/resources.ts';
import { KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION } from '../tenant/contract.ts';
import { kubePlusReleaseName, parseHelmRelease } from '../tenant/discover.ts';

export interface KubePlusRequest {
  tenant: string;
  kind: string;
  /** The instance's spec (the chart's values, as KubePlus takes them). */
  spec: Record<string, unknown>;
  /** Where the instance object lives; default: the namespace of the Kind's ResourceComposition. */
  namespace?: string;
  timeoutMs: number;
  dryRun: boolean;
}

export interface KubePlusOutcome {
  action: 'created' | 'updated' | 'unchanged' | 'planned';
  tenant: string;
  kind: string;
  instanceNamespace: string;
  namespace?: string;
  release: string;
}

interface Composition extends KubeObject {
  spec?: { newResource?: { resource?: { kind?: string; plural?: string } } };
}

/** The plural and home namespace of a Kind that KubePlus registered, or a plain error naming the others. */
async function registeredKind(client: KubeClient, kind: string): Promise<{ plural: string; namespace: string }> {
  let compositions: Composition[];
  try {
    compositions = (await client.list<Composition>(collectionPath('ResourceComposition'))).items;
  } catch (error) {
    if (isNotFound(error)) {
      throw failure(`Kind "${kind}" is not registered: KubePlus is not installed on this cluster`, {
        hint: 'there is no ResourceComposition API (workflows.kubeplus/v1alpha1)',
      });
    }
    throw error;
  }
  const match = compositions.find((c) => c.spec?.newResource?.resource?.kind === kind);
  const plural = match?.spec?.newResource?.resource?.plural;
  if (!match || !plural) {
    const kinds = compositions.map((c) => c.spec?.newResource?.resource?.kind).filter(Boolean);
    throw failure(`Kind "${kind}" is not registered by KubePlus`, {
      hint: kinds.length ? `registered Kinds: ${kinds.join(', ')}` : 'no Kind is registered',
    });
  }
  return { plural, namespace: match.metadata.namespace ?? 'default' };
}

/** Waits for KubePlus's verdict on the instance: status.helmrelease, or status.error. */
async function settled(client: KubeClient, path: string, timeoutMs: number, since?: string): Promise<KubePlusInstance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = await getOptional<KubePlusInstance>(client, path);
    if (!instance) throw failure('the instance disappeared while waiting for KubePlus');
    const status = instance.status ?? {};
    // After an update the old status is still there until KubePlus looks again.
    const fresh = since === undefined || instance.metadata.resourceVersion !== since;
    if (fresh && status.error) throw failure(`KubePlus reports: ${status.error.trim().split('\n', 1)[0]}`);
    if (fresh && parseHelmRelease(status.helmrelease)) return instance;
    if (Date.now() > deadline) {
      throw failure(`KubePlus did not install the instance within ${Math.round(timeoutMs / 1000)}s`, {
        hint: 'is the KubePlus operator running? its logs say why',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Creates (or updates) an instance of a KubePlus Kind and waits until KubePlus has installed it. An
 * instance this run created is deleted again when KubePlus reports an error or never answers.
 */
export async function installKubePlusInstance(
  client: KubeClient,
  request: KubePlusRequest,
  progress: (line: string) => void,
): Promise<KubePlusOutcome> {
  const kind = await registeredKind(client, request.kind);
  const instanceNamespace = request.namespace ?? kind.namespace;
  const resource = customResource(KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION, request.kind, kind.plural);
  const collection = collectionPath(resource, instanceNamespace);
  const path = objectPath(resource, instanceNamespace, request.tenant);
  const body = {
    apiVersion: `${KUBEPLUS_API_GROUP}/${KUBEPLUS_API_VERSION}`,
    kind: request.kind,
    metadata: { name: request.tenant, namespace: instanceNamespace },
    spec: request.spec,
  };
  const outcome = (action: KubePlusOutcome['action'], instance?: KubePlusInstance): KubePlusOutcome => ({
    action,
    tenant: request.tenant,
    kind: request.kind,
    instanceNamespace,
    namespace: parseHelmRelease(instance?.status?.helmrelease)?.namespace,
    release:
      parseHelmRelease(instance?.status?.helmrelease)?.release ?? kubePlusReleaseName(request.kind, request.tenant),
  });
  const existing = await getOptional<KubePlusInstance>(client, path);
  if (request.dryRun) {
    await client.request({
      method: existing ? 'PUT' : 'POST',
      path: existing ? path : collection,
      query: { dryRun: 'All' },
      body: existing ? { ...existing, spec: request.spec } : body,
    });
    return outcome('planned', existing);
  }
  // The API server hands objects back with their keys sorted: compare values, not text.
  if (existing && isDeepStrictEqual(existing.spec ?? {}, request.spec)) {
    progress(`${request.kind}/${request.tenant}: unchanged`);
    return outcome('unchanged', await settled(client, path, request.timeoutMs));
  }
  if (existing) {
    progress(`${request.kind}/${request.tenant}: updating the spec`);
    const updated = await client.request<KubePlusInstance>({
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { spec: request.spec },
    });
    return outcome('updated', await settled(client, path, request.timeoutMs, updated.metadata.resourceVersion));
  }
  progress(`${request.kind}/${request.tenant}: creating in namespace ${instanceNamespace}`);
  const created = await client.request<KubePlusInstance>({ method: 'POST', path: collection, body });
  try {
    progress(`${request.kind}/${request.tenant}: waiting for KubePlus to install it`);
    return outcome('created', await settled(client, path, request.timeoutMs));
  } catch (error) {
    progress(`${request.kind}/${request.tenant}: failed; deleting the instance this run created`);
    await client
      .request({
        method: 'DELETE',
        path,
        body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: created.metadata.uid } },
      })
      .catch(() => undefined);
    throw error;
  }
}
