import type { KubeObject } from '../kube/objects.ts';

/** The namespace label the API server sets on every namespace: the one selector that names a namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Port[];
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  ingress?: Rule[];
  egress?: Rule[];
}

/** Where traffic that a rule lets in (or out) may come from (or go to). */
export type Reach =
  | { scope: 'anywhere' }
  | { scope: 'same-namespace'; pods: string }
  | { scope: 'all-namespaces'; pods: string }
  | { scope: 'namespaces'; names: string[]; pods: string }
  | { scope: 'namespace-labels'; selector: string; pods: string }
  | { scope: 'cidr'; cidr: string; except: string[] };

export interface ReachRule {
  reach: Reach[];
  ports: string;
}

export function specOf(policy: KubeObject): NetworkPolicySpec {
  return (policy.spec as NetworkPolicySpec | undefined) ?? {};
}

export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length);
}

function selectorText(selector: LabelSelector | undefined): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = (selector?.matchExpressions ?? []).map(
    (e) => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(',')})` : ''}`,
  );
  return [...labels, ...expressions].join(',');
}

function podsText(selector: LabelSelector | undefined): string {
  return isEmptySelector(selector) ? 'pods' : `pods labelled ${selectorText(selector)}`;
}

/** The namespaces a selector names one by one, or undefined when it matches by other labels. */
function namedNamespaces(selector: LabelSelector): string[] | undefined {
  const byLabel = selector.matchLabels?.[NAMESPACE_NAME_LABEL];
  if (byLabel !== undefined) return [byLabel];
  const byIn = selector.matchExpressions?.find((e) => e.key === NAMESPACE_NAME_LABEL && e.operator === 'In');
  return byIn?.values;
}

function peerReach(peer: Peer): Reach {
  if (peer.ipBlock) return { scope: 'cidr', cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] };
  const pods = podsText(peer.podSelector);
  if (!peer.namespaceSelector) return { scope: 'same-namespace', pods };
  if (isEmptySelector(peer.namespaceSelector)) return { scope: 'all-namespaces', pods };
  const names = namedNamespaces(peer.namespaceSelector);
  if (names) return { scope: 'namespaces', names, pods };
  return { scope: 'namespace-labels', selector: selectorText(peer.namespaceSelector), pods };
}

function portsText(ports: Port[] | undefined): string {
  return (ports ?? [])
    .map((p) => {
      const port = p.port === undefined ? 'all ports' : p.endPort ? `${p.port}-${p.endPort}` : String(p.port);
      return `${port}/${p.protocol ?? 'TCP'}`;
    })
    .join(', ');
}

/** Whether the policy governs a direction; without policyTypes, Ingress always and Egress when it has rules. */
export function governs(policy: KubeObject, direction: 'Ingress' | 'Egress'): boolean {
  const spec = specOf(policy);
  if (spec.policyTypes) return spec.policyTypes.includes(direction);
  return direction === 'Ingress' || spec.egress !== undefined;
}

/** What each rule of one direction lets through; a rule without peers lets everything through. */
export function reachOf(policy: KubeObject, direction: 'Ingress' | 'Egress'): ReachRule[] {
  if (!governs(policy, direction)) return [];
  const spec = specOf(policy);
  const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
  return rules.map((rule) => {
    const peers = direction === 'Ingress' ? rule.from : rule.to;
    const reach: Reach[] = peers?.length ? peers.map(peerReach) : [{ scope: 'anywhere' }];
    return { reach, ports: portsText(rule.ports) };
  });
}

export function reachText(reach: Reach): string {
  switch (reach.scope) {
    case 'anywhere':
      return 'anywhere';
    case 'same-namespace':
      return `${reach.pods} in this namespace`;
    case 'all-namespaces':
      return `${reach.pods} in any namespace`;
    case 'namespaces':
      return `${reach.pods} in namespace ${reach.names.join(', ')}`;
    case 'namespace-labels':
      return `${reach.pods} in namespaces labelled ${reach.selector}`;
    case 'cidr':
      return `addresses ${reach.cidr}${reach.except.length ? ` except ${reach.except.join(', ')}` : ''}`;
  }
}

/** A CIDR that covers every address: 0.0.0.0/0, ::/0. */
export function isEverywhere(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** The pods a policy applies to, in words. */
export function selectedPods(policy: KubeObject): string {
  const selector = specOf(policy).podSelector;
  return isEmptySelector(selector) ? 'all pods' : `pods labelled ${selectorText(selector)}`;
}

/** One plain line: which pods, which directions, from or to where, on which ports. */
export function describeNetworkPolicy(policy: KubeObject): string {
  const selected = selectedPods(policy);
  const parts: string[] = [];
  for (const direction of ['Ingress', 'Egress'] as const) {
    if (!governs(policy, direction)) continue;
    const rules = reachOf(policy, direction);
    const lead = direction === 'Ingress' ? `ingress to ${selected} from` : `egress from ${selected} to`;
    if (!rules.length) {
      parts.push(`${lead} nowhere (all ${direction.toLowerCase()} denied)`);
      continue;
    }
    const what = rules.map((r) => `${r.reach.map(reachText).join(' or ')}${r.ports ? ` on ${r.ports}` : ''}`);
    parts.push(`${lead} ${what.join('; ')}`);
  }
  return parts.join(' | ') || 'nothing (no policy type)';
}
