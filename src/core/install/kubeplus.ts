import { isDeepStrictEqual } from 'node:util';
import { failure, usageError } from '../errors.ts';
import { type ReleasePayload, readRelease } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject, KubePlusInstance } from '../kube/objects.ts';
import { annotationsOf, labelsOf } from '../kube/objects.ts';
import { getOptional, isNotFound } from '../kube/read.ts';
import { collectionPath, customResource, objectPath } from '../kube/resources.ts';
import { type StructuralSchema, schemaProblems } from '../kube/schema.ts';
import {
  KUBEPLUS_API_GROUP,
  KUBEPLUS_API_VERSION,
  helmReleaseOf,
  isKubePlusNamespaceLabels,
  withoutKubePlusMark,
} from '../tenant/contract.ts';
import { kubePlusReleaseName, kubePlusVerdict, parseHelmRelease } from '../tenant/discover.ts';
import { getNamespace } from '../tenant/namespace.ts';

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
  /** A dry run: what KubePlus would do with the instance. */
  plan?: 'create' | 'update' | 'nothing';
}

/** KubePlus's limits on names, from its webhook: Helm release names are lower(Kind)-<instance>. */
export const KUBEPLUS_MAX_KIND_LENGTH = 28;
export const KUBEPLUS_MAX_RELEASE_LENGTH = 30;

interface Composition extends KubeObject {
  spec?: { newResource?: { resource?: { kind?: string; plural?: string } } };
}

interface RegisteredKind {
  plural: string;
  namespace: string;
}

/** The plural and home namespace of a Kind that KubePlus registered, or a plain error naming the others. */
async function registeredKind(client: KubeClient, kind: string): Promise<RegisteredKind> {
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

/** KubePlus's webhook refuses these names; checked before anything is sent. */
function checkNames(kind: string, tenant: string): void {
  if (kind.length > KUBEPLUS_MAX_KIND_LENGTH) {
    throw usageError(`Kind "${kind}" is longer than KubePlus allows (${KUBEPLUS_MAX_KIND_LENGTH} characters)`);
  }
  const allowed = KUBEPLUS_MAX_RELEASE_LENGTH - kind.length - 1;
  if (tenant.length > allowed) {
    throw usageError(
      `tenant name "${tenant}" is too long for Kind ${kind}: KubePlus allows at most ${allowed} characters`,
      `KubePlus names the Helm release ${kind.toLowerCase()}-NAME, at most ${KUBEPLUS_MAX_RELEASE_LENGTH} characters`,
    );
  }
}

/**
 * A new instance gets the namespace named after it. KubePlus refuses a name whose namespace holds
 * another Kind's release or is being deleted, and runs `helm upgrade` (which fails) in a namespace
 * that exists without its release; so each instance name is one namespace across all Kinds.
 */
async function checkNamespaceFree(client: KubeClient, kind: string, tenant: string): Promise<void> {
  const namespace = await getNamespace(client, tenant);
  if (!namespace) return;
  if (namespace.metadata.deletionTimestamp !== undefined) {
    throw failure(`namespace "${tenant}" is being deleted; KubePlus refuses the instance until it is gone`);
  }
  const release = helmReleaseOf(annotationsOf(namespace));
  const ours = kubePlusReleaseName(kind, tenant);
  if (release === ours) return;
  if (release !== undefined && isKubePlusNamespaceLabels(labelsOf(namespace))) {
    throw failure(`tenant name "${tenant}" is taken: its namespace holds the KubePlus release "${release}"`, {
      hint: 'KubePlus gives each instance name one namespace, across all Kinds; choose another name',
    });
  }
  throw failure(`namespace "${tenant}" exists and KubePlus did not make it for this instance`, {
    hint: 'KubePlus installs each instance into a new namespace named after it; choose another name',
  });
}

/** The Kind's schema of `spec`, as KubePlus generated it from the chart's values. */
async function specSchema(client: KubeClient, plural: string): Promise<StructuralSchema | undefined> {
  const crd = await getOptional<KubeObject & { spec?: { versions?: { name: string; schema?: unknown }[] } }>(
    client,
    objectPath('CustomResourceDefinition', undefined, `${plural}.${KUBEPLUS_API_GROUP}`),
  );
  const version = crd?.spec?.versions?.find((v) => v.name === KUBEPLUS_API_VERSION);
  const schema = (version?.schema as { openAPIV3Schema?: StructuralSchema } | undefined)?.openAPIV3Schema;
  return schema?.properties?.spec;
}

function checkSpec(kind: string, spec: Record<string, unknown>, schema: StructuralSchema | undefined): void {
  const problems = schema ? schemaProblems(spec, schema, 'spec') : [];
  if (problems.length) {
    throw usageError(
      `the spec does not fit Kind ${kind}: ${problems.join('; ')}`,
      `kubectl explain ${kind.toLowerCase()}.spec lists its fields`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function timedOut(what: string, timeoutMs: number) {
  return failure(`KubePlus did not ${what} within ${Math.round(timeoutMs / 1000)}s`, {
    hint: 'is the KubePlus operator running? its logs say why',
  });
}

/** Waits for KubePlus's verdict on a new instance: status.helmrelease, with or without Helm's error. */
async function installed(client: KubeClient, path: string, timeoutMs: number): Promise<KubePlusInstance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instance = await getOptional<KubePlusInstance>(client, path);
    if (!instance) throw failure('the instance disappeared while waiting for KubePlus');
    const { error } = kubePlusVerdict(instance.status);
    if (error) throw failure(`KubePlus reports: ${error}`);
    if (parseHelmRelease(instance.status?.helmrelease)) return instance;
    if (Date.now() > deadline) throw timedOut('install the instance', timeoutMs);
    await sleep(1000);
  }
}

/**
 * Waits for the upgrade an update asked for. Helm's records are the truth: a revision newer than
 * `before` that is deployed (or failed). KubePlus may also write Helm's error into the instance,
 * for failures that leave no revision (a chart that does not render).
 */
async function upgraded(
  client: KubeClient,
  path: string,
  where: { namespace: string; release: string },
  before: number,
  sent: string | undefined,
  timeoutMs: number,
): Promise<KubePlusInstance> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [instance, release] = await Promise.all([
      getOptional<KubePlusInstance>(client, path),
      readRelease(client, where.namespace, where.release),
    ]);
    if (!instance) throw failure('the instance disappeared while waiting for KubePlus');
    const rewritten = instance.metadata.resourceVersion !== sent;
    const { error } = rewritten ? kubePlusVerdict(instance.status) : {};
    if (release && release.revision > before) {
      if (release.status === 'deployed') return instance;
      if (release.status === 'failed') {
        throw failure(error ? `KubePlus reports: ${error}` : `Helm release revision ${release.revision} failed`);
      }
    }
    if (error) throw failure(`KubePlus reports: ${error}`);
    if (Date.now() > deadline) throw timedOut(`upgrade release ${where.release}`, timeoutMs);
    await sleep(1000);
  }
}

/** Whether Helm already runs the release with exactly `spec` as its values, and KubePlus saw no error. */
function upToDate(existing: KubePlusInstance, spec: Record<string, unknown>, release: ReleasePayload | undefined) {
  return (
    isDeepStrictEqual(existing.spec ?? {}, spec) &&
    release?.status === 'deployed' &&
    isDeepStrictEqual(release.config, spec) &&
    kubePlusVerdict(existing.status).error === undefined
  );
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
  checkNames(request.kind, request.tenant);
  const kind = await registeredKind(client, request.kind);
  const instanceNamespace = request.namespace ?? kind.namespace;
  const resource = customResource(KUBEPLUS_API_GROUP, KUBEPLUS_API_VERSION, request.kind, kind.plural);
  const collection = collectionPath(resource, instanceNamespace);
  const path = objectPath(resource, instanceNamespace, request.tenant);
  const [found, schema] = await Promise.all([
    getOptional<KubePlusInstance>(client, path),
    specSchema(client, kind.plural),
  ]);
  checkSpec(request.kind, request.spec, schema);
  let existing = found;
  if (existing && !request.dryRun && !parseHelmRelease(existing.status?.helmrelease)) {
    // KubePlus has not answered for the instance yet: an update now would race its install.
    progress(`${request.kind}/${request.tenant}: waiting for KubePlus to finish with the instance`);
    existing = await installed(client, path, request.timeoutMs);
  }
  const linked = parseHelmRelease(existing?.status?.helmrelease);
  const where = {
    namespace: linked?.namespace ?? request.tenant,
    release: linked?.release ?? kubePlusReleaseName(request.kind, request.tenant),
  };
  const outcome = (action: KubePlusOutcome['action'], instance?: KubePlusInstance): KubePlusOutcome => ({
    action,
    tenant: request.tenant,
    kind: request.kind,
    instanceNamespace,
    namespace: parseHelmRelease(instance?.status?.helmrelease)?.namespace,
    release: parseHelmRelease(instance?.status?.helmrelease)?.release ?? where.release,
  });
  if (!existing) await checkNamespaceFree(client, request.kind, request.tenant);
  const release = existing ? await readRelease(client, where.namespace, where.release) : undefined;
  const current = existing !== undefined && upToDate(existing, request.spec, release);

  // KubePlus's webhook deploys the chart on a server-side dry run too: a dry run sends nothing.
  if (request.dryRun) {
    return { ...outcome('planned', existing), plan: existing ? (current ? 'nothing' : 'update') : 'create' };
  }
  if (existing && current) {
    progress(`${request.kind}/${request.tenant}: unchanged`);
    return outcome('unchanged', existing);
  }
  if (existing) {
    progress(`${request.kind}/${request.tenant}: replacing the spec for KubePlus to upgrade release ${where.release}`);
    // KubePlus skips an update whose object still carries its created-by label; the status it wrote
    // goes too, as `kubectl replace` sends it, so what it writes next is about this update.
    const replaced = await client.request<KubePlusInstance>({
      method: 'PUT',
      path,
      query: { fieldValidation: 'Strict' },
      body: {
        apiVersion: `${KUBEPLUS_API_GROUP}/${KUBEPLUS_API_VERSION}`,
        kind: request.kind,
        metadata: {
          name: request.tenant,
          namespace: instanceNamespace,
          resourceVersion: existing.metadata.resourceVersion,
          labels: withoutKubePlusMark(labelsOf(existing)),
          annotations: annotationsOf(existing),
        },
        spec: request.spec,
      },
    });
    const before = release?.revision ?? 0;
    const sent = replaced.metadata.resourceVersion;
    return outcome('updated', await upgraded(client, path, where, before, sent, request.timeoutMs));
  }
  progress(`${request.kind}/${request.tenant}: creating in namespace ${instanceNamespace}`);
  const created = await client.request<KubePlusInstance>({
    method: 'POST',
    path: collection,
    query: { fieldValidation: 'Strict' },
    body: {
      apiVersion: `${KUBEPLUS_API_GROUP}/${KUBEPLUS_API_VERSION}`,
      kind: request.kind,
      metadata: { name: request.tenant, namespace: instanceNamespace },
      spec: request.spec,
    },
  });
  try {
    progress(`${request.kind}/${request.tenant}: waiting for KubePlus to install it`);
    return outcome('created', await installed(client, path, request.timeoutMs));
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
