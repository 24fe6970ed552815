import type { KubeObject } from '../kube/objects.ts';
import { allowFromLabels, allowToLabels, allowedFrom, isAllowTo } from '../tenant/contract.ts';
import { NAMESPACE_NAME_LABEL, governs, isEmptySelector, reachOf, specOf } from './network.ts';
import { POLICY_PREFIX } from './profiles.ts';

/**
 * Allowances are not part of a profile: they carry these labels and not mimt.io/policy, so that
 * `policy apply` never prunes them, and audit can tell them from what users added.
 */

export function allowName(from: string): string {
  return `${POLICY_PREFIX}allow-from-${from}`;
}

export function egressAllowName(to: string): string {
  return `${POLICY_PREFIX}allow-to-${to}`;
}

export interface AllowRequest {
  /** Tenant names, for the labels and the object names. */
  from: string;
  to: string;
  /** The tenants' namespaces, which the selectors match by their kubernetes.io/metadata.name label. */
  fromNamespace: string;
  toNamespace: string;
  port?: number;
}

function ports(port: number | undefined): Record<string, unknown> {
  return port === undefined ? {} : { ports: [{ protocol: 'TCP', port }] };
}

/** The NetworkPolicy in TO that lets every pod of FROM's namespace in. */
export function renderAllow(request: AllowRequest): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: allowName(request.from),
      namespace: request.toNamespace,
      labels: allowFromLabels(request.from),
    },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: request.fromNamespace } } }],
          ...ports(request.port),
        },
      ],
    },
  };
}

/**
 * The NetworkPolicy in FROM that lets its pods reach TO, for a FROM whose egress is denied by
 * default (the strict profile); elsewhere it would deny the egress it does not name.
 */
export function renderEgressAllow(request: AllowRequest): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: egressAllowName(request.to),
      namespace: request.fromNamespace,
      labels: allowToLabels(request.to),
    },
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: request.toNamespace } } }],
          ...ports(request.port),
        },
      ],
    },
  };
}

/** Whether some policy in the namespace denies egress to all its pods by default, as strict does. */
export function deniesEgressByDefault(policies: KubeObject[]): boolean {
  return policies.some(
    (p) => !isAllowTo(p.metadata.labels ?? {}) && governs(p, 'Egress') && isEmptySelector(specOf(p).podSelector),
  );
}

/**
 * The tenant a policy was made by `policy allow` for, when it still lets in no more than that
 * tenant's namespace; undefined for anything else, including an allowance someone widened.
 */
export function intentionalAllowFrom(policy: KubeObject, namespaceOf: (tenant: string) => string): string | undefined {
  const from = allowedFrom(policy.metadata.labels ?? {});
  if (from === undefined) return undefined;
  const reach = reachOf(policy, 'Ingress').flatMap((rule) => rule.reach);
  const allowed = namespaceOf(from);
  const narrow = reach.every((r) => r.scope === 'namespaces' && r.names.every((n) => n === allowed));
  return reach.length && narrow ? from : undefined;
}
