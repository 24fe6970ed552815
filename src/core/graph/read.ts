import { type ReleaseContent, decodeReleaseRecord, newestRecord } from '../helm/manifest.ts';
import { HELM_RECORD_SELECTOR } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { ReadReport, readOptional } from '../kube/read.ts';
import { collectionPath } from '../kube/resources.ts';
import { parseSelector } from '../kube/selector.ts';
import type { Tenant, TenantSource } from '../tenant/contract.ts';
import { findTenant } from '../tenant/inventory.ts';

/**
 * The kinds read in the tenant's namespace, one list each: what charts declare, what controllers
 * make of it, and what relates them. Secrets, ConfigMaps, ServiceAccounts and Roles as metadata
 * only: their names are what the graph needs, never their data.
 */
export const GRAPH_KINDS: readonly { kind: string; metadataOnly?: boolean }[] = [
  { kind: 'Pod' },
  { kind: 'ReplicaSet' },
  { kind: 'Deployment' },
  { kind: 'StatefulSet' },
  { kind: 'DaemonSet' },
  { kind: 'Job' },
  { kind: 'CronJob' },
  { kind: 'Service' },
  { kind: 'EndpointSlice' },
  { kind: 'Ingress' },
  { kind: 'HTTPRoute' },
  { kind: 'PersistentVolumeClaim' },
  { kind: 'HorizontalPodAutoscaler' },
  { kind: 'PodDisruptionBudget' },
  { kind: 'NetworkPolicy' },
  { kind: 'RoleBinding' },
  { kind: 'ResourceQuota' },
  { kind: 'LimitRange' },
  { kind: 'ConfigMap', metadataOnly: true },
  { kind: 'Secret', metadataOnly: true },
  { kind: 'ServiceAccount', metadataOnly: true },
  { kind: 'Role', metadataOnly: true },
];

/** What the graph of one tenant is built from. */
export interface TenantObjects {
  tenant: Tenant;
  /** The newest revision of the tenant's release, decoded; undefined when there is no record. */
  release?: ReleaseContent;
  /** Whether the release records could be read (false: forbidden, so nothing is known of it). */
  releaseReadable: boolean;
  /** Every object of the namespace, its `kind` set (lists leave it out of their items). */
  objects: KubeObject[];
  /** The kinds that could not be listed (forbidden): their objects' state is unknown. */
  unread: Set<string>;
  report: ReadReport;
}

const isReleaseRecord = parseSelector(HELM_RECORD_SELECTOR);

/**
 * Reads one tenant's objects: the tenant's lookup (two requests, plus one per KubePlus Kind), its
 * release's records (one list, the manifest decoded from the newest) and one list per kind of
 * GRAPH_KINDS, all at once: 25 requests without KubePlus, whatever the number of objects.
 */
export async function readTenantObjects(
  client: KubeClient,
  name: string,
  source?: TenantSource,
): Promise<TenantObjects> {
  const report = new ReadReport();
  const tenant = await findTenant(client, name, source, report);
  const ns = tenant.namespace;
  const unread = new Set<string>();
  const records = tenant.release
    ? readOptional(
        'Helm release records (Secrets)',
        client.list(collectionPath('Secret', ns), { labelSelector: `${HELM_RECORD_SELECTOR},name=${tenant.release}` }),
        undefined,
        report,
        ns,
      )
    : Promise.resolve({ items: [] });
  const lists = GRAPH_KINDS.map(async ({ kind, metadataOnly }) => {
    const what = `${kind}s`;
    const list = await readOptional(
      what,
      client.list(collectionPath(kind, ns), { metadataOnly }),
      undefined,
      report,
      ns,
    );
    if (report.refused(what, ns)) unread.add(kind);
    return (list?.items ?? []).map((item) => ({ ...item, kind }));
  });
  const [recordList, ...objectLists] = await Promise.all([records, ...lists]);
  const newest = newestRecord(recordList?.items ?? []);
  return {
    tenant,
    release: newest ? decodeReleaseRecord(newest) : undefined,
    releaseReadable: recordList !== undefined,
    // Helm's records are the release itself, a node of its own, not objects of it.
    objects: objectLists.flat().filter((o) => !(o.kind === 'Secret' && isReleaseRecord(o.metadata.labels ?? {}))),
    unread,
    report,
  };
}
