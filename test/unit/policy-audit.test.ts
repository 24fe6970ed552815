import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { renderAllow } from '../../src/core/policy/allow.ts';
import { type AuditTenant, type Finding, auditTenants } from '../../src/core/policy/audit.ts';
import { podSecurityLabels, renderPolicy } from '../../src/core/policy/profiles.ts';
import { type PolicySettings, recordSettings } from '../../src/core/policy/settings.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';

function tenant(name: string, settings?: PolicySettings, labels?: Record<string, string>): AuditTenant {
  const base: Tenant = {
    name,
    namespace: name,
    source: 'mimt',
    labels: {},
    annotations: {},
    terminating: false,
    namespaceMissing: false,
    problems: [],
  };
  return {
    tenant: base,
    labels: labels ?? (settings ? podSecurityLabels(settings.profile) : {}),
    annotations: settings
      ? { 'mimt.io/profile': settings.profile, 'mimt.io/policy-settings': recordSettings(settings) }
      : {},
  };
}

const standard: PolicySettings = { profile: 'standard', quota: {}, limits: {} };
const owned: PolicySettings = { ...standard, owner: { kind: 'Group', name: 'globex-admins' } };

/** The profile's objects as live: a quota with its status. */
function inForce(namespace: string, settings: PolicySettings): KubeObject[] {
  return renderPolicy(namespace, settings).map((o) =>
    o.kind === 'ResourceQuota' ? { ...o, status: { hard: (o.spec as { hard: object }).hard, used: {} } } : o,
  );
}

const brief = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.tenant} ${f.rule} ${f.object}`);

describe('policy audit rules', () => {
  const acme = tenant('acme', standard);
  const globex = tenant('globex', owned);
  const tenants = [acme, globex];

  it('finds nothing in tenants whose policy is in force', () => {
    const objects = [...inForce('acme', standard), ...inForce('globex', owned)];
    assert.deepEqual(auditTenants({ audited: tenants, tenants, objects, pods: [] }), []);
  });

  it('finds a deleted NetworkPolicy, an allow-all policy and a cross-tenant RoleBinding, all high', () => {
    const objects = [
      ...inForce('acme', standard).filter((o) => o.kind !== 'NetworkPolicy'),
      {
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-all', namespace: 'acme' },
        spec: { podSelector: {}, ingress: [{}] },
      },
      {
        kind: 'RoleBinding',
        metadata: { name: 'help', namespace: 'acme' },
        roleRef: { kind: 'ClusterRole', name: 'edit' },
        subjects: [
          { kind: 'ServiceAccount', name: 'deployer', namespace: 'globex' },
          { kind: 'Group', name: 'globex-admins' },
          { kind: 'ServiceAccount', name: 'ci', namespace: 'acme' },
        ],
      },
    ];
    const findings = auditTenants({ audited: [acme], tenants, objects, pods: [] });
    assert.deepEqual(brief(findings), [
      'high acme open-ingress NetworkPolicy/allow-all',
      'high acme missing-policy NetworkPolicy/mimt-same-namespace-ingress',
      'high acme cross-tenant-binding RoleBinding/help',
    ]);
    assert.equal(
      findings[2]?.message,
      'grants ClusterRole edit to ServiceAccount globex/deployer (tenant globex), Group globex-admins (tenant globex)',
    );
  });

  it('rates how far a user policy opens the tenant', () => {
    const policy = (name: string, from: unknown[]): KubeObject => ({
      kind: 'NetworkPolicy',
      metadata: { name, namespace: 'acme' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from }] },
    });
    const objects = [
      ...inForce('acme', standard),
      policy('any-ns', [{ namespaceSelector: {} }]),
      policy('world', [{ ipBlock: { cidr: '0.0.0.0/0' } }]),
      policy('office', [{ ipBlock: { cidr: '10.1.0.0/16' } }]),
      policy('labelled', [{ namespaceSelector: { matchLabels: { team: 'x' } } }]),
      policy('globex', [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'globex' } } }]),
      policy('ingress-nginx', [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      ]),
      policy('own', [{ podSelector: { matchLabels: { app: 'db' } } }]),
    ];
    const findings = auditTenants({ audited: [acme], tenants, objects, pods: [] });
    assert.deepEqual(brief(findings), [
      'high acme open-ingress NetworkPolicy/any-ns',
      'high acme open-ingress NetworkPolicy/world',
      'medium acme open-ingress NetworkPolicy/globex',
      'medium acme open-ingress NetworkPolicy/labelled',
      'medium acme open-ingress NetworkPolicy/office',
    ]);
    assert.equal(findings[0]?.message, 'opens ingress to pods labelled app=web from pods in any namespace');
  });

  it('reads a policy allow as intentional (low), unless someone widened it', () => {
    const allow = renderAllow({ from: 'globex', to: 'acme', fromNamespace: 'globex', toNamespace: 'acme' });
    const widened = structuredClone(allow) as KubeObject & { spec: { ingress: { from: unknown[] }[] } };
    widened.metadata.name = 'mimt-allow-from-widened';
    widened.spec.ingress[0]?.from.push({ namespaceSelector: {} });
    const findings = auditTenants({
      audited: [acme],
      tenants,
      objects: [...inForce('acme', standard), allow, widened],
      pods: [],
    });
    assert.deepEqual(brief(findings), [
      'high acme open-ingress NetworkPolicy/mimt-allow-from-widened',
      'low acme intentional-allow NetworkPolicy/mimt-allow-from-globex',
    ]);
  });

  it('finds pods without requests, quotas at 90% or more, and weakened Pod Security', () => {
    const weakened = tenant('acme', standard, {
      ...podSecurityLabels('standard'),
      'pod-security.kubernetes.io/enforce': 'privileged',
    });
    const objects = inForce('acme', standard).map((o) =>
      o.kind === 'ResourceQuota'
        ? { ...o, status: { hard: { pods: '10', 'requests.cpu': '2' }, used: { pods: '9', 'requests.cpu': '1' } } }
        : o,
    );
    const pods: KubeObject[] = [
      {
        metadata: { name: 'bare', namespace: 'acme' },
        spec: { containers: [{ name: 'app' }, { name: 'side', resources: { requests: { cpu: '10m' } } }] },
      },
      {
        metadata: { name: 'sized', namespace: 'acme' },
        spec: { containers: [{ name: 'app', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
      },
    ];
    const findings = auditTenants({ audited: [weakened], tenants, objects, pods });
    assert.deepEqual(brief(findings), [
      'high acme pod-security Namespace/acme',
      'medium acme no-requests Pod/bare',
      'medium acme quota-near-limit ResourceQuota/mimt-quota',
    ]);
    assert.equal(findings[1]?.message, 'containers without requests: app (cpu, memory), side (memory)');
    assert.equal(findings[2]?.message, 'used: pods 9/10 (90%)');
  });

  it('says when a tenant has no mimt policy or the profile none', () => {
    const kubeplus = tenant('wp');
    const open = tenant('open', { profile: 'none', quota: {}, limits: {} });
    const findings = auditTenants({ audited: [kubeplus, open], tenants: [kubeplus, open], objects: [], pods: [] });
    assert.deepEqual(brief(findings), ['medium wp no-policy Namespace/wp', 'low open no-isolation Namespace/open']);
  });

  it('does not count an owner shared by two tenants as another tenant in either', () => {
    const shared: PolicySettings = { ...standard, owner: { kind: 'Group', name: 'platform' } };
    const [a, b] = [tenant('a', shared), tenant('b', shared)];
    assert.deepEqual(auditTenants({ audited: [a], tenants: [a, b], objects: inForce('a', shared), pods: [] }), []);
  });

  it("finds rights a tenant's identities hold outside its namespace, naming what they may do where", () => {
    const objects = [
      ...inForce('acme', standard),
      ...inForce('globex', owned),
      {
        kind: 'RoleBinding',
        metadata: { name: 'ops-view', namespace: 'kube-system' },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'Group', name: 'globex-admins' }],
      },
    ];
    const clusterBindings: KubeObject[] = [
      {
        kind: 'ClusterRoleBinding',
        metadata: { name: 'acme-operator' },
        roleRef: { kind: 'ClusterRole', name: 'secret-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'acme' }],
      },
      {
        // Every ServiceAccount: the cluster's own business, not one tenant's.
        kind: 'ClusterRoleBinding',
        metadata: { name: 'system:discovery' },
        roleRef: { kind: 'ClusterRole', name: 'system:discovery' },
        subjects: [{ kind: 'Group', name: 'system:authenticated' }],
      },
    ];
    const clusterRoles: KubeObject[] = [
      {
        kind: 'ClusterRole',
        metadata: { name: 'secret-reader' },
        rules: [
          { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['example.test'], resources: ['gadgets'], verbs: ['update'] },
        ],
      },
    ];
    const findings = auditTenants({ audited: tenants, tenants, objects, pods: [], clusterBindings, clusterRoles });
    assert.deepEqual(brief(findings), [
      'high acme cluster-wide-access ClusterRoleBinding/acme-operator',
      'high globex access-outside-namespace RoleBinding/kube-system/ops-view',
    ]);
    assert.equal(
      findings[0]?.message,
      'gives ServiceAccount acme/operator ClusterRole secret-reader in every namespace: get, list, watch secrets; update gadgets.example.test',
    );
    assert.equal(findings[1]?.message, 'gives Group globex-admins ClusterRole view in namespace kube-system');
  });
});
