import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import {
  deniesEgressByDefault,
  intentionalAllowFrom,
  renderAllow,
  renderEgressAllow,
} from '../../src/core/policy/allow.ts';
import { describePolicyObject } from '../../src/core/policy/describe.ts';
import { describeNetworkPolicy } from '../../src/core/policy/network.ts';
import { podSecurityLabels, renderPolicy } from '../../src/core/policy/profiles.ts';
import {
  mergeSettings,
  parseLimits,
  parseOwner,
  parsePolicyFile,
  parseProfile,
  parseQuota,
  readRecorded,
  recordSettings,
  recordedSettings,
} from '../../src/core/policy/settings.ts';
import { namespaceApplyObject, namespacePolicyView } from '../../src/core/policy/tenant.ts';

const names = (objects: { kind?: string; metadata: { name: string } }[]) =>
  objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('policy settings from flags', () => {
  it('maps cpu and memory to requests and keeps ResourceQuota names', () => {
    assert.deepEqual(parseQuota('cpu=4,memory=8Gi,pods=50,limits.cpu=8,services.loadbalancers=0'), {
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      pods: '50',
      'limits.cpu': '8',
      'services.loadbalancers': '0',
    });
  });

  it('rejects malformed quota and limits, naming the part and the rule', () => {
    assert.throws(() => parseQuota('cpu=abc'), /invalid --quota "cpu=abc": "abc" is not a Kubernetes quantity/);
    assert.throws(() => parseQuota('cpu'), /invalid --quota "cpu": expected key=quantity/);
    assert.throws(() => parseQuota('CPU!=1'), /invalid --quota key "CPU!"/);
    assert.throws(() => parseLimits('cpu=1'), /invalid --limits key "cpu": use requests.cpu/);
    assert.throws(() => parseLimits('requests.cpu=2,limits.cpu=1'), /requests.cpu=2 is above limits.cpu=1/);
  });

  it('accepts the three profiles and user: or group: owners only', () => {
    assert.equal(parseProfile('strict'), 'strict');
    assert.throws(() => parseProfile('paranoid'), /unknown profile "paranoid": use one of standard, strict, none/);
    assert.deepEqual(parseOwner('group:admins'), { kind: 'Group', name: 'admins' });
    assert.deepEqual(parseOwner('user:jane@example.com'), { kind: 'User', name: 'jane@example.com' });
    assert.throws(() => parseOwner('jane'), /use user:NAME or group:NAME/);
  });
});

describe('profile rendering', () => {
  it('standard: same-namespace ingress, quota with defaults and overrides, container defaults', () => {
    const objects = renderPolicy('acme', { profile: 'standard', quota: { 'requests.cpu': '4' }, limits: {} });
    assert.deepEqual(names(objects), [
      'NetworkPolicy/mimt-same-namespace-ingress',
      'ResourceQuota/mimt-quota',
      'LimitRange/mimt-limits',
    ]);
    const quota = objects[1] as unknown as { spec: { hard: Record<string, string> } };
    assert.equal(quota.spec.hard['requests.cpu'], '4');
    assert.equal(quota.spec.hard['requests.memory'], '4Gi');
    for (const object of objects) {
      assert.equal(object.metadata.namespace, 'acme');
      assert.deepEqual(object.metadata.labels, {
        'app.kubernetes.io/managed-by': 'kubectl-mimt',
        'mimt.io/policy': 'standard',
      });
    }
    assert.equal(podSecurityLabels('standard')['pod-security.kubernetes.io/enforce'], 'baseline');
  });

  it('strict: adds egress restricted to the namespace and DNS, object counts and restricted Pod Security', () => {
    const objects = renderPolicy('acme', { profile: 'strict', quota: {}, limits: {} });
    assert.ok(names(objects).includes('NetworkPolicy/mimt-restrict-egress'));
    const egress = objects.find((o) => o.metadata.name === 'mimt-restrict-egress') as unknown as {
      spec: { egress: { ports?: { port: number }[] }[] };
    };
    assert.deepEqual(
      egress.spec.egress[1]?.ports?.map((p) => p.port),
      [53, 53],
    );
    const quota = objects.find((o) => o.kind === 'ResourceQuota') as unknown as {
      spec: { hard: Record<string, string> };
    };
    assert.equal(quota.spec.hard['services.nodeports'], '0');
    assert.equal(podSecurityLabels('strict')['pod-security.kubernetes.io/enforce'], 'restricted');
  });

  it('none: nothing but the owner binding when one is asked for', () => {
    assert.deepEqual(renderPolicy('acme', { profile: 'none', quota: {}, limits: {} }), []);
    const owned = renderPolicy('acme', {
      profile: 'none',
      quota: {},
      limits: {},
      owner: { kind: 'User', name: 'jane' },
    });
    assert.deepEqual(names(owned), ['RoleBinding/mimt-owner']);
    assert.deepEqual(podSecurityLabels('none'), {});
  });
});

describe('settings from a profile file and from the namespace record', () => {
  it('reads profile, quota and limits mappings and the owner, with the flag aliases', () => {
    const layer = parsePolicyFile(
      'profile: strict\nquota:\n  cpu: 4\n  memory: 8Gi\n  pods: 20\nlimits:\n  limits.memory: 1Gi\nowner: group:acme-admins\n',
      'acme.yaml',
    );
    assert.deepEqual(layer, {
      profile: 'strict',
      quota: { 'requests.cpu': '4', 'requests.memory': '8Gi', pods: '20' },
      limits: { 'limits.memory': '1Gi' },
      owner: { kind: 'Group', name: 'acme-admins' },
    });
  });

  it('rejects a bad file naming the file and the rule', () => {
    assert.throws(() => parsePolicyFile('profile: [', 'p.yaml'), /profile file "p.yaml" is not valid YAML/);
    assert.throws(() => parsePolicyFile('- a', 'p.yaml'), /profile file "p.yaml" must be a mapping/);
    assert.throws(() => parsePolicyFile('quotas: {}', 'p.yaml'), /unknown key "quotas" in profile file "p.yaml"/);
    assert.throws(
      () => parsePolicyFile('quota: {cpu: abc}', 'p.yaml'),
      /invalid quota in p.yaml "cpu=abc": "abc" is not a Kubernetes quantity/,
    );
    assert.throws(() => parsePolicyFile('quota: cpu=4', 'p.yaml'), /invalid quota in p.yaml: expected a mapping/);
    assert.throws(() => parsePolicyFile('profile: paranoid', 'p.yaml'), /unknown profile "paranoid"/);
  });

  it('takes each setting from the first source that has it: flags, file, record, default', () => {
    const flags = { quota: { pods: '9' } };
    const file = { profile: 'strict' as const, quota: { pods: '5' }, limits: { 'requests.cpu': '50m' } };
    const record = readRecorded({
      'mimt.io/profile': 'none',
      'mimt.io/policy-settings': '{"quota":{"pods":"1"},"limits":{},"owner":{"kind":"User","name":"jane"}}',
    });
    assert.equal(record.problem, undefined);
    assert.deepEqual(mergeSettings(flags, file, record.layer), {
      profile: 'strict',
      quota: { pods: '9' },
      limits: { 'requests.cpu': '50m' },
      owner: { kind: 'User', name: 'jane' },
    });
    assert.deepEqual(mergeSettings(), { profile: 'standard', quota: {}, limits: {} });
  });

  it('reads back what install records, and says what of a hand-edited record it cannot read', () => {
    const settings = {
      profile: 'strict' as const,
      quota: { 'requests.cpu': '4' },
      limits: {},
      owner: { kind: 'Group' as const, name: 'g' },
    };
    const annotations = { 'mimt.io/profile': 'strict', 'mimt.io/policy-settings': recordSettings(settings) };
    assert.deepEqual(recordedSettings(annotations), settings);
    const broken = readRecorded({ 'mimt.io/profile': 'strict', 'mimt.io/policy-settings': '{quota' });
    assert.deepEqual(broken.layer, { profile: 'strict' });
    assert.match(broken.problem ?? '', /annotation mimt.io\/policy-settings is not JSON/);
    const badQuota = readRecorded({ 'mimt.io/policy-settings': '{"quota":{"cpu":"lots"}}' });
    assert.match(badQuota.problem ?? '', /"lots" is not a Kubernetes quantity/);
  });
});

describe('allowances between tenants', () => {
  const request = { from: 'globex', to: 'acme', fromNamespace: 'globex', toNamespace: 'acme', port: 8080 };

  it('lets in the pods of FROM only, by the namespace name label, in TO, labelled as mimt allow', () => {
    const policy = renderAllow(request);
    assert.equal(policy.metadata.namespace, 'acme');
    assert.equal(policy.metadata.name, 'mimt-allow-from-globex');
    assert.equal(policy.metadata.labels?.['mimt.io/allow-from'], 'globex');
    assert.equal(policy.metadata.labels?.['mimt.io/policy'], undefined, 'policy apply must not prune it');
    assert.equal(describeNetworkPolicy(policy), 'ingress to all pods from pods in namespace globex on 8080/TCP');
    assert.equal(
      describeNetworkPolicy(renderEgressAllow(request)),
      'egress from all pods to pods in namespace acme on 8080/TCP',
    );
  });

  it('is intentional only while it lets in no more than FROM', () => {
    const namespaceOf = (tenant: string) => tenant;
    const policy = renderAllow(request);
    assert.equal(intentionalAllowFrom(policy, namespaceOf), 'globex');
    const widened = structuredClone(policy) as unknown as { spec: { ingress: { from: unknown[] }[] } };
    widened.spec.ingress[0]?.from.push({ namespaceSelector: {} });
    assert.equal(intentionalAllowFrom(widened as unknown as typeof policy, namespaceOf), undefined);
    const user = { ...policy, metadata: { ...policy.metadata, labels: {} } };
    assert.equal(intentionalAllowFrom(user, namespaceOf), undefined);
  });

  it('adds the egress side only for a tenant whose egress is denied by default', () => {
    const strict = renderPolicy('globex', { profile: 'strict', quota: {}, limits: {} });
    const standard = renderPolicy('globex', { profile: 'standard', quota: {}, limits: {} });
    assert.equal(deniesEgressByDefault(strict.filter((o) => o.kind === 'NetworkPolicy')), true);
    assert.equal(deniesEgressByDefault(standard.filter((o) => o.kind === 'NetworkPolicy')), false);
  });
});

describe('what each object allows, in one line', () => {
  it('describes the profile objects and an allow-all policy', () => {
    const objects = renderPolicy('acme', {
      profile: 'strict',
      quota: {},
      limits: {},
      owner: { kind: 'Group', name: 'ops' },
    });
    const line = (name: string) => describePolicyObject(objects.find((o) => o.metadata.name === name) as KubeObject);
    assert.equal(line('mimt-same-namespace-ingress'), 'ingress to all pods from pods in this namespace');
    assert.equal(
      line('mimt-restrict-egress'),
      'egress from all pods to pods in this namespace; pods labelled k8s-app=kube-dns in any namespace on 53/UDP, 53/TCP',
    );
    assert.equal(
      line('mimt-limits'),
      'containers: default requests cpu=100m,memory=128Mi, default limits cpu=500m,memory=512Mi',
    );
    assert.equal(line('mimt-owner'), 'ClusterRole admin in this namespace to Group ops');
    const allowAll: KubeObject = {
      kind: 'NetworkPolicy',
      metadata: { name: 'all' },
      spec: { podSelector: {}, ingress: [{}] },
    };
    assert.equal(describePolicyObject(allowAll), 'ingress to all pods from anywhere');
    const denyAll: KubeObject = {
      kind: 'NetworkPolicy',
      metadata: { name: 'deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    assert.equal(describePolicyObject(denyAll), 'ingress to all pods from nowhere (all ingress denied)');
  });

  it('shows quota use as used/hard from the quota status', () => {
    const quota: KubeObject = {
      kind: 'ResourceQuota',
      metadata: { name: 'q' },
      status: { hard: { pods: '20', 'requests.cpu': '2' }, used: { pods: '19', 'requests.cpu': '500m' } },
    };
    assert.equal(describePolicyObject(quota), 'pods 19/20 (95%), requests.cpu 500m/2 (25%)');
  });
});

describe('the tenant namespace under a policy', () => {
  const live: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'acme',
      labels: {
        'mimt.io/tenant': 'acme',
        'app.kubernetes.io/managed-by': 'kubectl-mimt',
        'pod-security.kubernetes.io/enforce': 'baseline',
        team: 'blue',
      },
      annotations: { 'mimt.io/chart': './webapp', 'mimt.io/profile': 'standard', 'owner.example/desk': '4' },
    },
  };

  it('applies every field mimt owns, so that server-side apply drops none of install’s', () => {
    const applied = namespaceApplyObject(live, { profile: 'strict', quota: {}, limits: {} });
    assert.equal(applied.metadata.labels?.['mimt.io/tenant'], 'acme');
    assert.equal(applied.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    assert.equal(applied.metadata.labels?.team, undefined, 'labels of others are not claimed');
    assert.equal(applied.metadata.annotations?.['mimt.io/chart'], './webapp');
    assert.equal(applied.metadata.annotations?.['mimt.io/profile'], 'strict');
    assert.equal(applied.metadata.annotations?.['owner.example/desk'], undefined);
  });

  it('compares only Pod Security labels and the settings record, so dropped labels show', () => {
    const view = namespacePolicyView('acme', live.metadata.labels ?? {}, live.metadata.annotations ?? {});
    assert.deepEqual(view.metadata.labels, { 'pod-security.kubernetes.io/enforce': 'baseline' });
    assert.deepEqual(view.metadata.annotations, { 'mimt.io/profile': 'standard' });
  });
});
