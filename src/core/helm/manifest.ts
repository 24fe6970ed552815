import { loadAll } from 'js-yaml';
import { failure } from '../errors.ts';
import type { KubeObject } from '../kube/objects.ts';
import { type StoredRelease, decodeStoredRelease } from './records.ts';

/** One object a release's manifest declares. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in the manifest; undefined means the release's namespace. */
  namespace?: string;
}

/** What a Helm release record holds beyond its labels: the chart and the manifest Helm applied. */
export interface ReleaseContent {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart?: string;
  chartVersion?: string;
  objects: ManifestObject[];
}

/** The newest revision among a release's records (Secrets labelled owner=helm,name=RELEASE). */
export function newestRecord(records: readonly KubeObject[]): KubeObject | undefined {
  const revision = (r: KubeObject) => Number(r.metadata.labels?.version) || 0;
  return [...records].sort((a, b) => revision(b) - revision(a))[0];
}

/**
 * Reads a Helm release record: Helm stores the release as JSON, gzipped and base64-encoded, in the
 * Secret's `release` key (which the API server base64-encodes once more).
 */
export function decodeReleaseRecord(secret: KubeObject): ReleaseContent {
  const where = `Helm release record ${secret.metadata.namespace}/${secret.metadata.name}`;
  const data = (secret as { data?: Record<string, string> }).data?.release;
  if (!data) throw failure(`${where} has no release data`);
  let stored: StoredRelease;
  try {
    stored = decodeStoredRelease(data);
  } catch (error) {
    throw failure(`${where} cannot be decoded: ${(error as Error).message}`, { cause: error });
  }
  return {
    name: stored.name ?? secret.metadata.labels?.name ?? '',
    namespace: stored.namespace ?? secret.metadata.namespace ?? '',
    revision: stored.version ?? (Number(secret.metadata.labels?.version) || 0),
    status: stored.info?.status ?? secret.metadata.labels?.status ?? 'unknown',
    chart: stored.chart?.metadata?.name,
    chartVersion: stored.chart?.metadata?.version,
    objects: manifestObjects(stored.manifest ?? '', where),
  };
}

/** One object of a rendered manifest, as written: at least a kind and a name. */
export type ManifestDocument = KubeObject & { apiVersion?: string; kind: string; spec?: Record<string, unknown> };

/**
 * The objects of a rendered manifest (helm template, a release's stored manifest): its YAML
 * documents, a List's items included, in order. The one parser of manifests.
 */
export function manifestDocuments(manifest: string, where = 'the manifest'): ManifestDocument[] {
  let documents: unknown[];
  try {
    documents = loadAll(manifest);
  } catch (error) {
    throw failure(`${where} is not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  const objects: ManifestDocument[] = [];
  const add = (doc: unknown): void => {
    if (!doc || typeof doc !== 'object') return;
    const object = doc as Partial<ManifestDocument> & { items?: unknown[] };
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach(add);
      return;
    }
    if (typeof object.kind === 'string' && typeof object.metadata?.name === 'string') {
      objects.push(object as ManifestDocument);
    }
  };
  documents.forEach(add);
  return objects;
}

/** The objects a manifest declares, by apiVersion, kind, name and namespace. */
export function manifestObjects(manifest: string, where = 'the manifest'): ManifestObject[] {
  return manifestDocuments(manifest, where).map((doc) => ({
    apiVersion: doc.apiVersion ?? '',
    kind: doc.kind,
    name: doc.metadata.name,
    ...(doc.metadata.namespace ? { namespace: doc.metadata.namespace } : {}),
  }));
}
