import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { diffObjects, driftOf, projectOnto, unifiedDiff } from '../../src/core/policy/diff.ts';
import { renderPolicy } from '../../src/core/policy/profiles.ts';

const [ingress, quota, limits] = renderPolicy('acme', { profile: 'standard', quota: {}, limits: {} }) as [
  KubeObject,
  KubeObject,
  KubeObject,
];

/** The quota as the API server returns it: canonical quantities, defaults, status, server metadata. */
function liveQuota(hard: Record<string, string>): KubeObject {
  return {
    ...quota,
    metadata: { ...quota.metadata, uid: 'u1', resourceVersion: '42', creationTimestamp: '2026-11-24T10:00:00Z' },
    spec: { hard },
    status: { hard, used: { pods: '1' } },
  };
}

const canonical = {
  'requests.cpu': '2',
  'requests.memory': '4Gi',
  'limits.cpu': '4',
  'limits.memory': '8Gi',
  pods: '50',
};

describe('desired against live', () => {
  it('ignores what the server adds and how it writes quantities', () => {
    assert.equal(driftOf(quota, liveQuota(canonical)), undefined);
    const asked = renderPolicy('acme', { profile: 'standard', quota: { 'requests.cpu': '2000m' }, limits: {} })[1];
    assert.equal(driftOf(asked as KubeObject, liveQuota(canonical)), undefined, '2000m and 2 are the same quantity');
  });

  it('keeps list items someone added, since they change what the object allows', () => {
    const live = structuredClone(ingress) as KubeObject & { spec: { ingress: unknown[] } };
    live.spec.ingress.push({});
    const projected = projectOnto(ingress, live) as { spec: { ingress: unknown[] } };
    assert.equal(projected.spec.ingress.length, 2);
  });

  it('reports missing, changed and no-longer-wanted objects', () => {
    const diffs = diffObjects(
      [ingress, quota, limits],
      [liveQuota({ ...canonical, 'requests.cpu': '100' })],
      [{ ...quota, kind: 'NetworkPolicy', metadata: { ...quota.metadata, name: 'mimt-restrict-egress' } }],
    );
    assert.deepEqual(
      diffs.map((d) => [d.object, d.drift]),
      [
        ['NetworkPolicy/mimt-same-namespace-ingress', 'missing'],
        ['ResourceQuota/mimt-quota', 'changed'],
        ['LimitRange/mimt-limits', 'missing'],
        ['NetworkPolicy/mimt-restrict-egress', 'unexpected'],
      ],
    );
  });
});

describe('unified diff', () => {
  it('shows a changed value with headers, a hunk header and context, as diff -u does', () => {
    const diff = driftOf(quota, liveQuota({ ...canonical, 'requests.cpu': '100' }));
    assert.ok(diff);
    const lines = unifiedDiff(diff);
    assert.deepEqual(lines.slice(0, 2), ['--- live/ResourceQuota/mimt-quota', '+++ desired/ResourceQuota/mimt-quota']);
    assert.match(lines[2] ?? '', /^@@ -\d+,7 \+\d+,7 @@$/);
    assert.deepEqual(
      lines.filter((l) => /^[-+] /.test(l)),
      ["-    requests.cpu: '100'", "+    requests.cpu: '2'"],
    );
    assert.equal(lines.filter((l) => l.startsWith(' ')).length, 6, 'three lines of context on each side');
  });

  it('shows a missing object as all additions and an unwanted one as all removals', () => {
    const [missing] = diffObjects([limits], [], []);
    const added = unifiedDiff(missing as NonNullable<typeof missing>);
    assert.equal(added[0], '--- /dev/null');
    assert.ok(added.slice(3).every((l) => l.startsWith('+')));
    assert.match(added[2] ?? '', /^@@ -0,0 \+1,\d+ @@$/);
    const [extra] = diffObjects([], [], [limits]);
    const removed = unifiedDiff(extra as NonNullable<typeof extra>);
    assert.equal(removed[1], '+++ /dev/null');
    assert.ok(removed.slice(3).every((l) => l.startsWith('-')));
  });

  it('joins changes closer than the context into one hunk and splits distant ones', () => {
    const live = Array.from({ length: 20 }, (_, i) => `line ${i}`);
    const desired = [...live];
    desired[2] = 'changed 2';
    desired[5] = 'changed 5';
    desired[17] = 'changed 17';
    const lines = unifiedDiff({ object: 'X/x', drift: 'changed', live: live.join('\n'), desired: desired.join('\n') });
    assert.deepEqual(
      lines.filter((l) => l.startsWith('@@')),
      ['@@ -1,9 +1,9 @@', '@@ -15,6 +15,6 @@'],
    );
  });
});
