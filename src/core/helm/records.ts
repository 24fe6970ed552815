import type { KubeObject } from '../kube/objects.ts';

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
