import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podSecurityLabels, renderPolicy } from '../../src/core/policy/profiles.ts';
import { parseLimits, parseOwner, parseProfile, parseQuota } from '../../src/core/policy/settings.ts';

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
