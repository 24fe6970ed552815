import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { getOptional } from '../kube/read.ts';
import { objectPath } from '../kube/resources.ts';
import { type ManifestDocument, manifestDocuments } from './manifest.ts';
import { type ReleaseRecord, type StoredRelease, decodeStoredRelease } from './records.ts';

/** One object a Helm release made or would make, as its stored manifest names it. */
export interface ReleaseObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in the manifest; undefined means the release's namespace (or a cluster-scoped kind). */
  namespace?: string;
  /** Where in the release it comes from: a template, a hook, or the chart's crds/ folder. */
  part: 'template' | 'hook' | 'crd';
  /** For hooks: when they run (pre-install, …) and when Helm deletes them (hook-succeeded, …). */
  hookEvents?: string[];
  hookDeletePolicies?: string[];
}

function objectsOf(yaml: string, part: ReleaseObject['part']): ReleaseObject[] {
  let docs: ManifestDocument[];
  try {
    docs = manifestDocuments(yaml);
  } catch {
    // A record whose manifest does not parse still has the objects the cluster lists.
    return [];
  }
  return docs.flatMap((doc): ReleaseObject[] => {
    if (!doc.apiVersion) return [];
    const split = (key: string) =>
      doc.metadata.annotations?.[key]
        ?.split(',')
        .map((v) => v.trim())
        .filter(Boolean);
    return [
      {
        apiVersion: doc.apiVersion,
        kind: doc.kind,
        name: doc.metadata.name,
        ...(doc.metadata.namespace ? { namespace: doc.metadata.namespace } : {}),
        part,
        ...(part === 'hook'
          ? { hookEvents: split('helm.sh/hook') ?? [], hookDeletePolicies: split('helm.sh/hook-delete-policy') ?? [] }
          : {}),
      },
    ];
  });
}

/** Every object of a stored release: its manifest, its hooks, and the CRDs of the chart's crds/ folder. */
export function releaseObjects(release: StoredRelease): ReleaseObject[] {
  const crds = (release.chart?.files ?? [])
    .filter((f) => f.name?.startsWith('crds/') && /\.ya?ml$/.test(f.name) && f.data)
    .flatMap((f) => objectsOf(Buffer.from(f.data as string, 'base64').toString('utf8'), 'crd'));
  return [
    ...crds,
    ...objectsOf(release.manifest ?? '', 'template'),
    ...(release.hooks ?? []).flatMap((h) => objectsOf(h.manifest ?? '', 'hook')),
  ];
}

/** The Secret in which Helm stores one revision of a release. */
export function releaseSecretName(record: Pick<ReleaseRecord, 'name' | 'revision'>): string {
  return `sh.helm.release.v1.${record.name}.v${record.revision}`;
}

/**
 * The objects of one release revision, read from its Secret; undefined when the Secret is gone.
 * A 403 (no right to read Secrets) is the caller's to handle, through readOptional.
 */
export async function readReleaseObjects(
  client: KubeClient,
  record: ReleaseRecord,
): Promise<ReleaseObject[] | undefined> {
  const secret = await getOptional<KubeObject & { data?: { release?: string } }>(
    client,
    objectPath('Secret', record.namespace, releaseSecretName(record)),
  );
  const data = secret?.data?.release;
  return data === undefined ? undefined : releaseObjects(decodeStoredRelease(data));
}
