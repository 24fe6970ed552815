import { gunzipSync } from 'node:zlib';
import type { KubeObject } from '../kube/objects.ts';
import type { KubeClient } from '../kube/client.ts';
import { collectionPath } from '../kube/resources.ts';

/** Helm's storage labels on its release Secrets (`sh.helm.release.v1.<name>.v<N>`). */
export const HELM_RECORD_SELECTOR = 'owner=helm';

export interface ReleaseRecord {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  modifiedAt?: string;
}

/** The newest revision of each release, keyed by namespace, from release record metadata alone. */
export function latestReleases(records: KubeObject[]): Map<string, ReleaseRecord[]> {
  const newest = new Map<string, ReleaseRecord>();
  for (const record of records) {
    const labels = record.metadata.labels ?? {};
    const revision = Number(labels.version);
    if (!labels.name || !Number.isInteger(revision)) continue;
    const namespace = record.metadata.namespace ?? '';
    const key = `${namespace}/${labels.name}`;
    const current = newest.get(key);
    if (!current || revision > current.revision) {
      newest.set(key, {
        name: labels.name,
        namespace,
        revision,
        status: labels.status ?? 'unknown',
        modifiedAt: labels.modifiedAt,
      });
    }
  }
  const byNamespace = new Map<string, ReleaseRecord[]>();
  for (const release of newest.values()) {
    byNamespace.set(release.namespace, [...(byNamespace.get(release.namespace) ?? []), release]);
  }
  return byNamespace;
}

/** What mimt reads of Helm's release payload: the chart that runs and the values it was given. */
export interface ReleasePayload {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: { name?: string; version?: string };
  /** The values given to Helm (not the chart's defaults); {} when none were. */
  config: Record<string, unknown>;
  /** The rendered templates Helm applied, hooks and the chart's crds/ folder aside. */
  manifest: string;
}

/** The fields of Helm's stored release (storage driver "secret", release v1) that mimt reads. */
export interface StoredRelease {
  name?: string;
  namespace?: string;
  version?: number;
  info?: { status?: string };
  chart?: { metadata?: { name?: string; version?: string }; files?: { name?: string; data?: string }[] };
  config?: Record<string, unknown> | null;
  manifest?: string;
  hooks?: { manifest?: string; events?: string[] }[];
}

/**
 * The release Helm stored in a Secret's `release` key: base64 (the Secret's own encoding), then
 * Helm's base64, then gzip (older Helm wrote plain JSON). The one decoder of release records.
 */
export function decodeStoredRelease(data: string): StoredRelease {
  const inner = Buffer.from(Buffer.from(data, 'base64').toString('latin1'), 'base64');
  const json = inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner) : inner;
  return JSON.parse(json.toString('utf8')) as StoredRelease;
}

/**
 * Decodes a release Secret read in full: its `release` data is (under the Secret's own base64)
 * Helm's base64 of the gzipped JSON release. Undefined when the Secret holds something else.
 */
export function decodeRelease(secret: KubeObject): ReleasePayload | undefined {
  const data = (secret as { data?: Record<string, string> }).data?.release;
  if (!data) return undefined;
  try {
    const release = decodeStoredRelease(data);
    const labels = secret.metadata.labels ?? {};
    return {
      name: release.name ?? labels.name ?? '',
      namespace: release.namespace ?? secret.metadata.namespace ?? '',
      revision: release.version ?? Number(labels.version),
      status: release.info?.status ?? labels.status ?? 'unknown',
      chart: { name: release.chart?.metadata?.name, version: release.chart?.metadata?.version },
      config: release.config ?? {},
      manifest: release.manifest ?? '',
    };
  } catch {
    return undefined;
  }
}

/** The selector of the release records of `releases` in `status` (one list reads them all). */
export function releaseRecordSelector(releases: readonly string[], status?: string): string {
  const names = [...new Set(releases)].sort();
  const name = names.length === 1 ? `name=${names[0]}` : `name in (${names.join(',')})`;
  return [HELM_RECORD_SELECTOR, name, ...(status ? [`status=${status}`] : [])].join(',');
}

/**
 * The newest revision of one release (of those in `status`, when given), read in full from its
 * records (one list): what Helm itself holds as the release's state, chart, values and manifest.
 * Undefined when there is no record.
 */
export async function readRelease(
  client: KubeClient,
  namespace: string,
  release: string,
  status?: string,
): Promise<ReleasePayload | undefined> {
  const list = await client.list(collectionPath('Secret', namespace), {
    labelSelector: releaseRecordSelector([release], status),
  });
  const payloads = list.items.map(decodeRelease).filter((p): p is ReleasePayload => p !== undefined);
  return payloads.sort((a, b) => b.revision - a.revision)[0];
}
