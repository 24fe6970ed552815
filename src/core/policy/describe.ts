import type { KubeObject } from '../kube/objects.ts';
import { parseQuantity } from '../quantity.ts';
import { managerOf as managerOfLabels, isProfileObject as isProfileLabels } from '../tenant/contract.ts';
import { describeNetworkPolicy } from './network.ts';

/**
 * Who put an object there: mimt (install or its profile), a `policy allow`, a `policy kubeconfig`, or whatever
 * app.kubernetes.io/managed-by says (Helm for a chart's own objects); `user` when nothing says.
 */
export const managerOf = (object: KubeObject): string => managerOfLabels(object.metadata.labels ?? {});

/** Whether mimt's profile owns the object (what `policy apply` may change and prune). */
export const isProfileObject = (object: KubeObject): boolean => isProfileLabels(object.metadata.labels ?? {});

export interface QuotaLine {
  resource: string;
  used: string;
  hard: string;
  /** used/hard, undefined when hard is zero (nothing of it may exist). */
  share?: number;
}

/** Use against the hard limit for each resource of a quota, as the quota controller reports it. */
export function quotaLines(quota: KubeObject): QuotaLine[] {
  const status = (quota.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
  const hard = status.hard ?? (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
  return Object.entries(hard).map(([resource, hardText]) => {
    const used = status.used?.[resource] ?? '0';
    const h = parseQuantity(hardText);
    const u = parseQuantity(used);
    return { resource, used, hard: hardText, share: h && u !== undefined ? u / h : undefined };
  });
}

function describeQuota(quota: KubeObject): string {
  const lines = quotaLines(quota);
  if (!lines.length) return 'no limits';
  return lines
    .map((l) => `${l.resource} ${l.used}/${l.hard}${l.share === undefined ? '' : ` (${Math.round(l.share * 100)}%)`}`)
    .join(', ');
}

function resources(values: Record<string, string> | undefined): string {
  return Object.entries(values ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function describeLimitRange(range: KubeObject): string {
  type Item = { type?: string } & Record<string, Record<string, string> | undefined>;
  const items = ((range.spec as { limits?: Item[] } | undefined)?.limits ?? []) as Item[];
  const parts = items.map((item) => {
    const said = [
      ['defaultRequest', 'default requests'],
      ['default', 'default limits'],
      ['min', 'min'],
      ['max', 'max'],
      ['maxLimitRequestRatio', 'max limit/request'],
    ]
      .filter(([key]) => item[key as string])
      .map(([key, label]) => `${label} ${resources(item[key as string])}`);
    return `${String(item.type ?? 'Container').toLowerCase()}s: ${said.join(', ') || 'nothing'}`;
  });
  return parts.join('; ') || 'nothing';
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

export function subjectsOf(binding: KubeObject): Subject[] {
  return (binding.subjects as Subject[] | undefined) ?? [];
}

export function subjectText(subject: Subject): string {
  return subject.kind === 'ServiceAccount'
    ? `ServiceAccount ${subject.namespace ?? '?'}/${subject.name}`
    : `${subject.kind} ${subject.name}`;
}

function describeRoleBinding(binding: KubeObject): string {
  const role = binding.roleRef as { kind: string; name: string } | undefined;
  const who = subjectsOf(binding).map(subjectText).join(', ') || 'nobody';
  return `${role?.kind ?? 'Role'} ${role?.name ?? '?'} in this namespace to ${who}`;
}

/** What an object allows, in one plain line. */
export function describePolicyObject(object: KubeObject): string {
  switch (object.kind) {
    case 'NetworkPolicy':
      return describeNetworkPolicy(object);
    case 'ResourceQuota':
      return describeQuota(object);
    case 'LimitRange':
      return describeLimitRange(object);
    case 'RoleBinding':
      return describeRoleBinding(object);
    default:
      return '';
  }
}

/** The namespace's Pod Security Admission levels, in one line. */
export function describePodSecurity(labels: Record<string, string>): string {
  const modes = ['enforce', 'warn', 'audit']
    .map((mode) => [mode, labels[`pod-security.kubernetes.io/${mode}`]])
    .filter(([, level]) => level !== undefined)
    .map(([mode, level]) => `${mode} ${level}`);
  return modes.length ? `Pod Security: ${modes.join(', ')}` : 'Pod Security: not enforced (privileged pods allowed)';
}
