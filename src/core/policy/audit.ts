import type { KubeObject } from '../kube/objects.ts';
import { type Tenant, recordedPolicy } from '../tenant/contract.ts';
import { groupByNamespace } from '../tenant/inventory.ts';
import type { Shortfall } from '../tenant/workloads.ts';
import { intentionalAllowFrom } from './allow.ts';
import { type Subject, isProfileObject, quotaLines, subjectText, subjectsOf } from './describe.ts';
import { diffObjects } from './diff.ts';
import { type Reach, isEverywhere, reachOf, reachText, selectedPods } from './network.ts';
import { POD_SECURITY_LEVELS, podSecurityLabels, renderPolicy } from './profiles.ts';
import { type PolicySettings, mergeSettings, readRecorded } from './settings.ts';

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

export interface Finding {
  severity: Severity;
  tenant: string;
  /** A stable name for the rule, for scripts: missing-policy, open-ingress, … (docs/policy.md). */
  rule: string;
  /** kind/name of the object the finding is about. */
  object: string;
  message: string;
}

/** A tenant with its namespace's labels and annotations, where the profile and settings are recorded. */
export interface AuditTenant {
  tenant: Tenant;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AuditInput {
  /** The tenants to check. */
  audited: AuditTenant[];
  /** Every tenant, to tell whose namespaces and owners a policy or binding refers to. */
  tenants: AuditTenant[];
  /** NetworkPolicies, ResourceQuotas, LimitRanges and RoleBindings (kind set) of the audited namespaces. */
  objects: KubeObject[];
  pods: KubeObject[];
  /** ClusterRoleBindings, and the ClusterRoles they name (for what they allow); empty when unread. */
  clusterBindings?: KubeObject[];
  clusterRoles?: KubeObject[];
  /** Controllers of the audited namespaces that want pods they lack, and why. */
  shortfalls?: Shortfall[];
}

/** What a missing or changed profile object costs: open network first, then resources, then access. */
const DRIFT_SEVERITY: Record<string, Severity> = {
  NetworkPolicy: 'high',
  ResourceQuota: 'medium',
  LimitRange: 'medium',
  RoleBinding: 'low',
};

/** Groups that every tenant's users or ServiceAccounts are in. */
const EVERYONE = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

const QUOTA_NEAR = 0.9;

/** The input indexed once: an audit looks up each tenant's share, never scans everyone's for it. */
interface Context {
  input: AuditInput;
  byNamespace: Map<string, AuditTenant>;
  /** tenant name → its namespace. */
  namespaceOf: Map<string, string>;
  /** namespace → its policy objects, and its pods. */
  objects: Map<string, KubeObject[]>;
  pods: Map<string, KubeObject[]>;
  /** user or group (kind/name) → the tenants it owns, from their recorded settings. */
  owners: Map<string, string[]>;
  clusterRoles: Map<string, KubeObject>;
  /** tenant name → the RoleBindings (any namespace) that name one of its identities. */
  bindingsOf: Map<string, KubeObject[]>;
}

/** A finding of one tenant; auditTenants names the tenant. */
type Found = Omit<Finding, 'tenant'>;

function found(severity: Severity, rule: string, object: string, message: string): Found {
  return { severity, rule, object, message };
}

function inNamespace(objects: Map<string, KubeObject[]>, namespace: string, kind?: string): KubeObject[] {
  const all = objects.get(namespace) ?? [];
  return kind === undefined ? all : all.filter((o) => o.kind === kind);
}

function settingsOf(t: AuditTenant): { settings?: PolicySettings; problem?: string } {
  if (recordedPolicy(t.annotations).profile === undefined) return {};
  const recorded = readRecorded(t.annotations);
  return { settings: mergeSettings(recorded.layer), problem: recorded.problem };
}

function driftFindings(t: AuditTenant, settings: PolicySettings, ctx: Context): Found[] {
  const { name, namespace } = t.tenant;
  const live = inNamespace(ctx.objects, namespace);
  return diffObjects(renderPolicy(namespace, settings), live, live.filter(isProfileObject)).map((diff) => {
    if (diff.drift === 'unexpected') {
      const message = `not in profile ${settings.profile}: kubectl mimt policy apply ${name} removes it`;
      return found('low', 'unexpected-policy', diff.object, message);
    }
    const severity = DRIFT_SEVERITY[diff.object.split('/')[0] as string] ?? 'medium';
    const message =
      diff.drift === 'missing'
        ? `missing: kubectl mimt policy apply ${name} restores it`
        : `differs from profile ${settings.profile}: kubectl mimt policy diff ${name} shows how`;
    return found(severity, `${diff.drift}-policy`, diff.object, message);
  });
}

function podSecurityFindings(t: AuditTenant, settings: PolicySettings): Found[] {
  const object = `Namespace/${t.tenant.namespace}`;
  const wanted = podSecurityLabels(settings.profile);
  const enforce = 'pod-security.kubernetes.io/enforce';
  const [want, have] = [wanted[enforce], t.labels[enforce]];
  const rank = (level: string | undefined) => POD_SECURITY_LEVELS.indexOf((level ?? 'privileged') as 'privileged');
  if (want && rank(have) < rank(want)) {
    const message = `Pod Security enforces ${have ?? 'nothing'}, profile ${settings.profile} wants ${want}`;
    return [found('high', 'pod-security', object, message)];
  }
  if (Object.entries(wanted).some(([key, value]) => t.labels[key] !== value)) {
    return [found('low', 'pod-security', object, `Pod Security labels differ from profile ${settings.profile}`)];
  }
  return [];
}

function profileFindings(t: AuditTenant, ctx: Context): Found[] {
  const object = `Namespace/${t.tenant.namespace}`;
  const { settings, problem } = settingsOf(t);
  if (!settings)
    return [found('medium', 'no-policy', object, `no mimt policy: kubectl mimt policy apply ${t.tenant.name}`)];
  return [
    ...(problem ? [found('medium', 'unreadable-settings', object, problem)] : []),
    ...(settings.profile === 'none'
      ? [found('low', 'no-isolation', object, 'profile none: no NetworkPolicy, quota or Pod Security')]
      : []),
    ...driftFindings(t, settings, ctx),
    ...podSecurityFindings(t, settings),
  ];
}

/** How far one reach opens the tenant: undefined when it stays inside, or inside non-tenant namespaces. */
function exposure(reach: Reach, self: string, ctx: Context): Severity | undefined {
  switch (reach.scope) {
    case 'anywhere':
    case 'all-namespaces':
      return 'high';
    case 'cidr':
      return isEverywhere(reach.cidr) ? 'high' : 'medium';
    case 'namespace-labels':
      return 'medium';
    case 'namespaces':
      return reach.names.some((n) => n !== self && ctx.byNamespace.has(n)) ? 'medium' : undefined;
    case 'same-namespace':
      return undefined;
  }
}

function networkFindings(t: AuditTenant, ctx: Context): Found[] {
  const namespaceOf = (name: string) => ctx.namespaceOf.get(name) ?? name;
  return inNamespace(ctx.objects, t.tenant.namespace, 'NetworkPolicy').flatMap((policy): Found[] => {
    const object = `NetworkPolicy/${policy.metadata.name}`;
    const from = intentionalAllowFrom(policy, namespaceOf);
    if (from !== undefined) {
      const message = `allows ingress from tenant ${from} on purpose (kubectl mimt policy allow)`;
      return [found('low', 'intentional-allow', object, message)];
    }
    const open = reachOf(policy, 'Ingress')
      .flatMap((rule) => rule.reach)
      .flatMap((reach) => {
        const severity = exposure(reach, t.tenant.namespace, ctx);
        return severity ? [{ severity, text: reachText(reach) }] : [];
      });
    if (!open.length) return [];
    const worst = SEVERITIES.find((s) => open.some((o) => o.severity === s)) as Severity;
    const message = `opens ingress to ${selectedPods(policy)} from ${open.map((o) => o.text).join('; ')}`;
    return [found(worst, 'open-ingress', object, message)];
  });
}

function podFindings(t: AuditTenant, ctx: Context): Found[] {
  type Container = { name: string; resources?: { requests?: Record<string, string> } };
  return inNamespace(ctx.pods, t.tenant.namespace).flatMap((pod): Found[] => {
    const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
    const lacking = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].flatMap((c) => {
      const missing = ['cpu', 'memory'].filter((r) => c.resources?.requests?.[r] === undefined);
      return missing.length ? [`${c.name} (${missing.join(', ')})`] : [];
    });
    if (!lacking.length) return [];
    return [
      found('medium', 'no-requests', `Pod/${pod.metadata.name}`, `containers without requests: ${lacking.join(', ')}`),
    ];
  });
}

function quotaFindings(t: AuditTenant, ctx: Context): Found[] {
  return inNamespace(ctx.objects, t.tenant.namespace, 'ResourceQuota').flatMap((quota): Found[] => {
    const near = quotaLines(quota).filter((l) => l.share !== undefined && l.share >= QUOTA_NEAR);
    if (!near.length) return [];
    const used = near.map((l) => `${l.resource} ${l.used}/${l.hard} (${Math.round((l.share as number) * 100)}%)`);
    return [found('medium', 'quota-near-limit', `ResourceQuota/${quota.metadata.name}`, `used: ${used.join(', ')}`)];
  });
}

/** Controllers whose pods the tenant's own policy refuses: they cannot run until the chart or the policy changes. */
function blockedFindings(t: AuditTenant, ctx: Context): Found[] {
  return (ctx.input.shortfalls ?? [])
    .filter((s) => s.namespace === t.tenant.namespace && s.refusedBy !== undefined)
    .map((s) =>
      found(
        'high',
        'blocked-workload',
        `${s.kind}/${s.name}`,
        `${s.ready}/${s.desired} ready: ${s.cause ?? `pods are refused by ${s.refusedBy}`}`,
      ),
    );
}

/** The tenants a subject belongs to; `*` for groups that every tenant's identities are in. */
function tenantsOf(subject: Subject, ctx: Context): string[] {
  if (subject.kind === 'Group' && EVERYONE.has(subject.name)) return ['*'];
  // A ServiceAccount may also appear as its user name or its namespace's group.
  const accountNamespace =
    subject.kind === 'ServiceAccount'
      ? subject.namespace
      : subject.kind === 'User'
        ? /^system:serviceaccount:([^:]+):/.exec(subject.name)?.[1]
        : /^system:serviceaccounts:([^:]+)$/.exec(subject.name)?.[1];
  const own = accountNamespace ? ctx.byNamespace.get(accountNamespace)?.tenant.name : undefined;
  return [...(own ? [own] : []), ...(ctx.owners.get(`${subject.kind}/${subject.name}`) ?? [])];
}

function bindingFindings(t: AuditTenant, ctx: Context): Found[] {
  return inNamespace(ctx.objects, t.tenant.namespace, 'RoleBinding').flatMap((binding): Found[] => {
    const role = binding.roleRef as { kind: string; name: string } | undefined;
    const foreign = subjectsOf(binding).flatMap((subject) => {
      const tenants = tenantsOf(subject, ctx);
      if (tenants.includes(t.tenant.name) || !tenants.length) return [];
      const whose = tenants.includes('*') ? 'every tenant' : `tenant ${tenants.join(', ')}`;
      return [`${subjectText(subject)} (${whose})`];
    });
    if (!foreign.length) return [];
    const message = `grants ${role?.kind ?? 'Role'} ${role?.name ?? '?'} to ${foreign.join(', ')}`;
    return [found('high', 'cross-tenant-binding', `RoleBinding/${binding.metadata.name}`, message)];
  });
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs?: string[];
}

/** What a role allows, rule by rule: `get, list, watch secrets; * pods.metrics.k8s.io`. */
export function rightsText(rules: readonly Rule[]): string {
  return rules
    .map((rule) => {
      const verbs = (rule.verbs ?? []).join(', ');
      if (rule.nonResourceURLs?.length) return `${verbs} ${rule.nonResourceURLs.join(', ')}`;
      const groups = rule.apiGroups ?? [''];
      const what = (rule.resources ?? []).flatMap((r) => groups.map((g) => (g === '' ? r : `${r}.${g}`)));
      const named = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(', ')}` : '';
      return `${verbs} ${what.join(', ')}${named}`;
    })
    .join('; ');
}

/** The tenant's own identities (its ServiceAccounts, its owner) among a binding's subjects. */
function ownSubjects(binding: KubeObject, t: AuditTenant, ctx: Context): string[] {
  return subjectsOf(binding)
    .filter((subject) => tenantsOf(subject, ctx).includes(t.tenant.name))
    .map(subjectText);
}

/**
 * Rights a tenant's identities hold outside its namespace: through a ClusterRoleBinding (in every
 * namespace, and over cluster-scoped objects), or a RoleBinding in another namespace.
 */
function escapedAccessFindings(t: AuditTenant, ctx: Context): Found[] {
  const rights = (role: { kind?: string; name?: string } | undefined): string => {
    const rules =
      role?.kind === 'ClusterRole' ? (ctx.clusterRoles.get(role.name ?? '')?.rules as Rule[] | undefined) : undefined;
    return rules?.length ? `: ${rightsText(rules)}` : '';
  };
  const cluster = (ctx.input.clusterBindings ?? []).flatMap((binding): Found[] => {
    const who = ownSubjects(binding, t, ctx);
    if (!who.length) return [];
    const role = binding.roleRef as { kind?: string; name?: string } | undefined;
    const message = `gives ${who.join(', ')} ClusterRole ${role?.name ?? '?'} in every namespace${rights(role)}`;
    return [found('high', 'cluster-wide-access', `ClusterRoleBinding/${binding.metadata.name}`, message)];
  });
  const elsewhere = (ctx.bindingsOf.get(t.tenant.name) ?? [])
    .filter((o) => o.metadata.namespace !== t.tenant.namespace)
    .flatMap((binding): Found[] => {
      const who = ownSubjects(binding, t, ctx);
      if (!who.length) return [];
      const role = binding.roleRef as { kind?: string; name?: string } | undefined;
      const where = binding.metadata.namespace ?? '?';
      const message = `gives ${who.join(', ')} ${role?.kind ?? 'Role'} ${role?.name ?? '?'} in namespace ${where}${rights(role)}`;
      return [found('high', 'access-outside-namespace', `RoleBinding/${where}/${binding.metadata.name}`, message)];
    });
  return [...cluster, ...elsewhere];
}

function addTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/** Every finding for the audited tenants, the most severe first. */
export function auditTenants(input: AuditInput): Finding[] {
  const owners = new Map<string, string[]>();
  for (const t of input.tenants) {
    const owner = settingsOf(t).settings?.owner;
    if (!owner) continue;
    addTo(owners, `${owner.kind}/${owner.name}`, t.tenant.name);
  }
  const ctx: Context = {
    input,
    byNamespace: new Map(input.tenants.map((t) => [t.tenant.namespace, t])),
    namespaceOf: new Map(input.tenants.map((t) => [t.tenant.name, t.tenant.namespace])),
    objects: groupByNamespace(input.objects),
    pods: groupByNamespace(input.pods),
    owners,
    clusterRoles: new Map((input.clusterRoles ?? []).map((r) => [r.metadata.name, r])),
    bindingsOf: new Map(),
  };
  for (const binding of input.objects) {
    if (binding.kind !== 'RoleBinding') continue;
    const named = new Set(subjectsOf(binding).flatMap((subject) => tenantsOf(subject, ctx)));
    for (const tenant of named) addTo(ctx.bindingsOf, tenant, binding);
  }
  const findings = input.audited
    .filter((t) => !t.tenant.namespaceMissing)
    .flatMap((t) =>
      [
        ...profileFindings(t, ctx),
        ...networkFindings(t, ctx),
        ...bindingFindings(t, ctx),
        ...escapedAccessFindings(t, ctx),
        ...blockedFindings(t, ctx),
        ...quotaFindings(t, ctx),
        ...podFindings(t, ctx),
      ].map((f): Finding => ({
        severity: f.severity,
        tenant: t.tenant.name,
        rule: f.rule,
        object: f.object,
        message: f.message,
      })),
    );
  return findings.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.tenant.localeCompare(b.tenant) ||
      a.object.localeCompare(b.object),
  );
}
