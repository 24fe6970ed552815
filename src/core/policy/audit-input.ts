import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { ReadReport, readOptional } from '../kube/read.ts';
import { collectionPath } from '../kube/resources.ts';
import { type Collected, collect, unreadableIn } from '../kube/scope.ts';
import type { Tenant, TenantSource } from '../tenant/contract.ts';
import { PAGE_SIZE, listTenants, readAcrossTenants, readShortfalls } from '../tenant/inventory.ts';
import type { Shortfall } from '../tenant/workloads.ts';
import { resolveTenant } from '../tenant/resolve.ts';
import { POLICY_KINDS } from './apply.ts';
import { type AuditTenant, type Finding, auditTenants } from './audit.ts';

/** Pods that have ended hold no resources and run nothing: no finding is about them. */
const RUNNING_PODS = 'status.phase!=Succeeded,status.phase!=Failed';

interface Read {
  objects: Collected<KubeObject>[];
  pods: Collected<KubeObject>;
  shortfalls: Shortfall[];
}

/** ClusterRoleBindings and ClusterRoles: cluster-scoped, so one list each whatever the scope. */
async function readClusterAccess(client: KubeClient, report: ReadReport) {
  const list = (kind: string, what: string) =>
    readOptional(
      what,
      client
        .list(collectionPath(kind), { pageSize: PAGE_SIZE })
        .then((l) => l.items.map((item) => ({ ...item, kind }))),
      undefined,
      report,
    );
  const [clusterBindings, clusterRoles] = await Promise.all([
    list('ClusterRoleBinding', 'ClusterRoleBindings'),
    list('ClusterRole', 'ClusterRoles'),
  ]);
  return { clusterBindings, clusterRoles };
}

/** One list per policy kind and one of running pods, across the cluster or in each namespace of `scope`. */
async function readPolicies(
  client: KubeClient,
  scope: readonly string[] | undefined,
  report: ReadReport,
): Promise<Read> {
  const [objects, pods, short] = await Promise.all([
    Promise.all(
      POLICY_KINDS.map((kind) =>
        collect(
          `${kind}s`,
          kind,
          scope,
          async (path) => {
            const list = await client.list(path, { pageSize: PAGE_SIZE });
            // List items come without apiVersion and kind; the list itself names the version.
            return { items: list.items.map((item) => ({ ...item, apiVersion: list.apiVersion, kind })) };
          },
          report,
        ),
      ),
    ),
    collect(
      'pods',
      'Pod',
      scope,
      (path) => client.list(path, { fieldSelector: RUNNING_PODS, pageSize: PAGE_SIZE }),
      report,
    ),
    readShortfalls(client, scope, report),
  ]);
  return { objects, pods, shortfalls: short.shortfalls };
}

/** Each tenant with its namespace's labels and annotations (where its settings are recorded). */
function withNamespaces(tenants: Tenant[], namespaces: KubeObject[]): AuditTenant[] {
  const byName = new Map(namespaces.map((ns) => [ns.metadata.name, ns]));
  return tenants.map((tenant) => {
    const namespace = byName.get(tenant.namespace);
    return { tenant, labels: namespace?.metadata.labels ?? {}, annotations: namespace?.metadata.annotations ?? {} };
  });
}

export interface AuditResult {
  audited: number;
  findings: Finding[];
  report: ReadReport;
}

/**
 * Audits one tenant or every tenant, in a fixed number of requests whatever the tenant count: the
 * tenants (THE resolver's lists, whose namespace metadata holds the recorded settings), one list per
 * policy kind and one of pods, across the cluster or in the namespaces the user may read. Nothing
 * is concluded about a kind the user may not read in a namespace: its findings there are left out,
 * and the report names it, rather than reporting what cannot be seen as missing.
 */
export async function auditPolicies(
  client: KubeClient,
  only?: { name: string; source?: TenantSource },
): Promise<AuditResult> {
  const report = new ReadReport();
  let all: AuditTenant[];
  let audited: AuditTenant[];
  let read: Read;
  const clusterAccess = readClusterAccess(client, report);
  if (only) {
    const found = await listTenants(client, { names: [only.name] }, report);
    const chosen = resolveTenant(found.tenants, only.name, only.source);
    all = withNamespaces(found.tenants, found.namespaces);
    audited = all.filter((t) => t.tenant === chosen);
    read = await readPolicies(client, [chosen.namespace], report);
  } else {
    const across = await readAcrossTenants(client, [], report, (scope, into) => readPolicies(client, scope, into));
    all = withNamespaces(across.tenants.tenants, across.tenants.namespaces);
    audited = all;
    read = across.data;
  }
  const findings = auditTenants({
    audited,
    tenants: all,
    objects: read.objects.flatMap((c) => c.items),
    pods: read.pods.items,
    shortfalls: read.shortfalls,
    ...(await clusterAccess),
  });
  const kinds: [string, Collected<KubeObject>][] = [
    ...POLICY_KINDS.map(
      (kind, i) => [kind, read.objects[i] as Collected<KubeObject>] as [string, Collected<KubeObject>],
    ),
    ['Pod', read.pods],
  ];
  const namespaceOf = new Map(audited.map((t) => [t.tenant.name, t.tenant.namespace]));
  const readable = (f: Finding): boolean => {
    const namespace = namespaceOf.get(f.tenant);
    const kind = f.object.split('/', 1)[0];
    const collected = kinds.find(([k]) => k === kind)?.[1];
    return (
      namespace === undefined || collected === undefined || unreadableIn(collected.unreadable, namespace) === undefined
    );
  };
  return { audited: audited.length, findings: findings.filter(readable), report };
}
