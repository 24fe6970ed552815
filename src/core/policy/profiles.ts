import { policyAnnotations, policyLabels } from '../tenant/contract.ts';
import type { KubeObject } from '../kube/objects.ts';
import { type PolicySettings, type ProfileName, recordSettings } from './settings.ts';

/** Every object mimt owns in a tenant namespace is named with this prefix and carries these labels. */
export const POLICY_PREFIX = 'mimt-';

/** Sized for a small web application; every value can be overridden with --quota and --limits. */
export const DEFAULT_QUOTA: Record<string, string> = {
  'requests.cpu': '2',
  'requests.memory': '4Gi',
  'limits.cpu': '4',
  'limits.memory': '8Gi',
  pods: '50',
};

/** strict also caps object counts; Helm keeps release history in Secrets, hence room for them. */
export const STRICT_COUNTS: Record<string, string> = {
  pods: '20',
  services: '10',
  secrets: '30',
  configmaps: '30',
  persistentvolumeclaims: '5',
  'services.loadbalancers': '0',
  'services.nodeports': '0',
};

export const DEFAULT_LIMITS: Record<string, string> = {
  'requests.cpu': '100m',
  'requests.memory': '128Mi',
  'limits.cpu': '500m',
  'limits.memory': '512Mi',
};

const POD_SECURITY: Record<ProfileName, string | undefined> = {
  standard: 'baseline',
  strict: 'restricted',
  none: undefined,
};

/** The Pod Security Admission labels mimt sets, in the order it sets them. */
export const POD_SECURITY_KEYS = ['enforce', 'enforce-version', 'warn', 'audit'].map(
  (mode) => `pod-security.kubernetes.io/${mode}`,
);

/** The Pod Security Admission labels of a profile, for the tenant namespace. */
export function podSecurityLabels(profile: ProfileName): Record<string, string> {
  const level = POD_SECURITY[profile];
  if (!level) return {};
  const [enforce, version, warn, audit] = POD_SECURITY_KEYS as [string, string, string, string];
  return { [enforce]: level, [version]: 'latest', [warn]: level, [audit]: level };
}

/** Pod Security levels from the most permissive; a tenant below its profile's level is exposed. */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;

/** What a profile sets on the tenant namespace itself: Pod Security labels and the settings record. */
export function policyNamespaceFields(settings: PolicySettings): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
} {
  return {
    labels: podSecurityLabels(settings.profile),
    annotations: policyAnnotations(settings.profile, recordSettings(settings)),
  };
}

function meta(name: string, namespace: string, profile: ProfileName) {
  return {
    name: `${POLICY_PREFIX}${name}`,
    namespace,
    labels: policyLabels(profile),
  };
}

const DNS_PORTS = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

/**
 * The objects a profile puts in a tenant namespace. Pure data: the same settings always render the
 * same objects, so diff and audit can compare them with what is live.
 */
export function renderPolicy(namespace: string, settings: PolicySettings): KubeObject[] {
  const { profile } = settings;
  const owner = settings.owner ? [ownerBinding(namespace, settings)] : [];
  if (profile === 'none') return owner;
  const objects: KubeObject[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('same-namespace-ingress', namespace, profile),
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    },
  ];
  if (profile === 'strict') {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('restrict-egress', namespace, profile),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: DNS_PORTS,
          },
        ],
      },
    });
  }
  const hard = { ...DEFAULT_QUOTA, ...(profile === 'strict' ? STRICT_COUNTS : {}), ...settings.quota };
  objects.push({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: meta('quota', namespace, profile),
    spec: { hard },
  });
  const limits = { ...DEFAULT_LIMITS, ...settings.limits };
  objects.push({
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta('limits', namespace, profile),
    spec: {
      limits: [
        {
          type: 'Container',
          defaultRequest: { cpu: limits['requests.cpu'], memory: limits['requests.memory'] },
          default: { cpu: limits['limits.cpu'], memory: limits['limits.memory'] },
        },
      ],
    },
  });
  return [...objects, ...owner];
}

function ownerBinding(namespace: string, settings: PolicySettings): KubeObject {
  const owner = settings.owner as NonNullable<PolicySettings['owner']>;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta('owner', namespace, settings.profile),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: owner.kind, name: owner.name }],
  };
}
