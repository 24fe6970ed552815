import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import { recentWarnings } from '../../src/core/tenant/events.ts';
import { policySummary } from '../../src/core/policy/summary.ts';
import { tenantStatus } from '../../src/core/tenant/status.ts';
import { summarizePods } from '../../src/core/tenant/pods.ts';
import { type Ingress, type Service, ingressUrls, serviceUrls } from '../../src/core/tenant/urls.ts';
import { renderDescribe } from '../../src/output/describe.ts';

const tenant: Tenant = {
  name: 'acme',
  namespace: 'acme',
  source: 'mimt',
  release: 'acme',
  profile: 'standard',
  labels: {},
  annotations: {},
  terminating: false,
  namespaceMissing: false,
  problems: [],
};

const ingress = (spec: Ingress['spec'], status: Ingress['status'] = {}): Ingress => ({
  metadata: { name: 'web' },
  spec,
  status,
});

describe('tenant URLs', () => {
  it('uses https for Ingress hosts that a TLS entry covers, wildcards included, and http for the rest', () => {
    const urls = ingressUrls(
      ingress({
        tls: [{ hosts: ['*.example.com'] }],
        rules: [
          { host: 'shop.example.com', http: { paths: [{ path: '/' }, { path: '/api' }] } },
          { host: 'a.b.example.com' },
          { host: 'example.org' },
        ],
      }),
    );
    assert.deepEqual(
      urls.map((u) => u.url),
      ['https://shop.example.com/', 'https://shop.example.com/api', 'http://a.b.example.com/', 'http://example.org/'],
    );
  });

  it('answers a host-less Ingress rule on the controller address, or as pending without one', () => {
    const rule = { rules: [{ http: { paths: [{ path: '/app' }] } }] };
    assert.deepEqual(
      ingressUrls(ingress(rule, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } })).map((u) => u.url),
      ['http://203.0.113.9/app'],
    );
    assert.deepEqual(ingressUrls(ingress(rule)), [{ url: null, type: 'Ingress', object: 'ingress/web' }]);
  });

  const service = (
    type: string,
    ports: NonNullable<Service['spec']>['ports'],
    status: Service['status'] = {},
  ): Service => ({
    metadata: { name: 'web' },
    spec: { type, clusterIP: '10.0.0.1', ports },
    status,
  });

  it('gives LoadBalancer addresses with each TCP port, https by port name or 443, pending without address', () => {
    const ports = [
      { name: 'http', port: 80, nodePort: 30080 },
      { name: 'web-https', port: 8443, nodePort: 30443 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ];
    const assigned = service('LoadBalancer', ports, {
      loadBalancer: { ingress: [{ hostname: 'lb.example.net' }, { ip: '2001:db8::1' }] },
    });
    assert.deepEqual(
      serviceUrls(assigned, []).map((u) => u.url),
      [
        'http://lb.example.net:80',
        'https://lb.example.net:8443',
        'http://[2001:db8::1]:80',
        'https://[2001:db8::1]:8443',
      ],
    );
    assert.deepEqual(serviceUrls(service('LoadBalancer', ports), []), [
      { url: null, type: 'LoadBalancer', object: 'service/web' },
    ]);
  });

  it('gives NodePorts on every given node address, and the bare port when no node could be read', () => {
    const nodePort = service('NodePort', [{ port: 443, nodePort: 31443 }]);
    const nodes = [
      { name: 'n1', internalIP: '10.1.0.1', externalIP: '198.51.100.1' },
      { name: 'n2', internalIP: '10.1.0.2' },
    ];
    assert.deepEqual(
      serviceUrls(nodePort, nodes).map((u) => [u.url, u.node]),
      [
        ['https://198.51.100.1:31443', 'n1'],
        ['https://10.1.0.1:31443', 'n1'],
        ['https://10.1.0.2:31443', 'n2'],
      ],
    );
    assert.deepEqual(serviceUrls(nodePort, []), [
      { url: null, type: 'NodePort', object: 'service/web', nodePort: 31443 },
    ]);
    assert.deepEqual(serviceUrls(service('ClusterIP', [{ port: 80 }]), nodes), []);
  });
});

describe('recent Warning events', () => {
  const event = (name: string, type: string, time: string, extra: object = {}) => ({
    metadata: { name, creationTimestamp: '2026-01-01T00:00:00Z' },
    type,
    reason: `R-${name}`,
    message: `m ${name}\n`,
    involvedObject: { kind: 'Pod', name: 'web-0' },
    lastTimestamp: time,
    ...extra,
  });

  it('keeps Warnings only, newest first by the time kubectl shows, at most ten', () => {
    const items = [
      event('old', 'Warning', '2026-01-01T10:00:00Z'),
      event('normal', 'Normal', '2026-01-01T12:00:00Z'),
      event('series', 'Warning', '2026-01-01T09:00:00Z', {
        series: { count: 7, lastObservedTime: '2026-01-01T11:30:00.123456Z' },
      }),
      ...Array.from({ length: 10 }, (_, i) => event(`n${i}`, 'Warning', `2026-01-01T08:0${i}:00Z`)),
    ];
    const recent = recentWarnings(items);
    assert.equal(recent.length, 10);
    assert.deepEqual(
      recent.slice(0, 3).map((e) => [e.reason, e.count, e.object, e.message]),
      [
        ['R-series', 7, 'pod/web-0', 'm series'],
        ['R-old', 1, 'pod/web-0', 'm old'],
        ['R-n9', 1, 'pod/web-0', 'm n9'],
      ],
    );
    assert.ok(!recent.some((e) => e.reason === 'R-normal'));
  });

  it('counts alike events together, the generated names of refused pods aside, with first and last seen', () => {
    const refused = (pod: string, first: string, last: string, count: number) => ({
      metadata: { name: `web-7c7bdc5569.${pod}` },
      type: 'Warning',
      reason: 'FailedCreate',
      message: `Error creating: pods "web-7c7bdc5569-${pod}" is forbidden: violates PodSecurity "restricted:latest"`,
      involvedObject: { kind: 'ReplicaSet', name: 'web-7c7bdc5569' },
      firstTimestamp: first,
      lastTimestamp: last,
      count,
    });
    const recent = recentWarnings([
      refused('cpxs9', '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z', 1),
      refused('lt4hq', '2026-01-01T10:00:01Z', '2026-01-01T10:05:00Z', 3),
      refused('q4z5b', '2026-01-01T10:00:02Z', '2026-01-01T10:00:02Z', 1),
      {
        ...refused('n4kx2', '2026-01-01T10:00:03Z', '2026-01-01T10:00:03Z', 1),
        message:
          '(combined from similar events): Error creating: pods "web-7c7bdc5569-n4kx2" is forbidden: violates PodSecurity "restricted:latest"',
      },
      event('other', 'Warning', '2026-01-01T09:00:00Z'),
    ]);
    assert.deepEqual(
      recent.map((e) => [e.reason, e.count, e.firstSeen, e.lastSeen]),
      [
        ['FailedCreate', 6, '2026-01-01T10:00:00Z', '2026-01-01T10:05:00Z'],
        // Without a first time, the event's creation is when it was first seen.
        ['R-other', 1, '2026-01-01T00:00:00Z', '2026-01-01T09:00:00Z'],
      ],
    );
    assert.match(recent[0]?.message ?? '', /pods "web-7c7bdc5569-lt4hq" is forbidden/);
  });
});

describe('status when the tenant cannot be read', () => {
  it('is Unknown with the reason, whatever the release and pods seem to say', () => {
    const status = tenantStatus(
      tenant,
      undefined,
      summarizePods([]),
      'cannot list Helm release records (Secrets): forbidden',
    );
    assert.deepEqual(status, { phase: 'Unknown', reason: 'cannot list Helm release records (Secrets): forbidden' });
  });

  it('still says Terminating first', () => {
    assert.equal(
      tenantStatus({ ...tenant, terminating: true }, undefined, summarizePods([]), 'x').phase,
      'Terminating',
    );
  });
});

describe('policy summary', () => {
  const namespace = {
    metadata: {
      name: 'acme',
      labels: {},
      annotations: { 'mimt.io/profile': 'standard' },
    },
  };

  it('is unknown, with why, when a policy kind could not be read', () => {
    assert.deepEqual(policySummary(tenant, namespace, [], ['RoleBindings']), {
      profile: 'standard',
      state: 'unknown',
      reason: 'cannot list RoleBindings',
      findings: [],
    });
  });

  it('is missing when the profile objects are not there', () => {
    const summary = policySummary(tenant, namespace, [], []);
    assert.equal(summary.state, 'missing');
    assert.ok(
      summary.findings.some(
        (f) => f.rule === 'missing-policy' && f.object === 'NetworkPolicy/mimt-same-namespace-ingress',
      ),
    );
  });

  it('is none without a recorded profile', () => {
    assert.equal(policySummary(tenant, { metadata: { name: 'acme' } }, [], []).state, 'none');
  });

  it('is none with profile none, which isolates nothing', () => {
    const none = { metadata: { name: 'acme', annotations: { 'mimt.io/profile': 'none' } } };
    assert.deepEqual((({ profile, state }) => ({ profile, state }))(policySummary(tenant, none, [], [])), {
      profile: 'none',
      state: 'none',
    });
  });
});

describe('describe layout', () => {
  it('aligns the fields, indents each section table and says <none> for an empty one', () => {
    const text = renderDescribe(
      {
        fields: [
          ['Name', { text: 'acme' }],
          ['Namespace', { text: 'acme' }],
        ],
        sections: [
          { title: 'Pods', headers: ['NAME', 'READY'], rows: [[{ text: 'web-1' }, { text: '1/1' }]] },
          { title: 'Events', note: 'newest first', headers: ['REASON'], rows: [] },
        ],
      },
      false,
    );
    assert.equal(
      text,
      [
        'Name:       acme',
        'Namespace:  acme',
        '',
        'Pods:',
        '  NAME    READY',
        '  web-1   1/1',
        '',
        'Events:  <none>',
        '',
      ].join('\n'),
    );
  });
});
