import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestReleases } from '../../src/core/helm/records.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import { type PodRow, summarizePods } from '../../src/core/tenant/pods.ts';
import { tenantStatus } from '../../src/core/tenant/status.ts';

const pod = (name: string, ready: string, status: string, restarts = '0'): PodRow => ({
  metadata: { name, namespace: 't' },
  cells: { Name: name, Ready: ready, Status: status, Restarts: restarts },
});

const tenant: Tenant = {
  name: 't',
  namespace: 't',
  source: 'mimt',
  release: 't',
  labels: {},
  annotations: {},
  terminating: false,
  namespaceMissing: false,
  problems: [],
};
const deployed = { name: 't', namespace: 't', revision: 2, status: 'deployed' };

describe('pod summary', () => {
  it('counts ready pods, ignores completed ones and keeps the worst reason', () => {
    const summary = summarizePods([
      pod('a', '1/1', 'Running'),
      pod('b', '0/1', 'ImagePullBackOff'),
      pod('c', '0/1', 'CrashLoopBackOff', '7'),
      pod('d', '0/1', 'Completed'),
      pod('e', '0/1', 'ContainerCreating'),
    ]);
    assert.deepEqual(summary, { ready: 1, total: 4, restarts: 7, worstReason: 'CrashLoopBackOff', starting: true });
  });

  it('treats a running pod with unready containers as not ready', () => {
    assert.equal(summarizePods([pod('a', '1/2', 'Running')]).ready, 0);
  });
});

describe('tenant status', () => {
  const healthy = summarizePods([pod('a', '1/1', 'Running')]);

  it('is Ready when the release is deployed and every pod is ready', () => {
    assert.deepEqual(tenantStatus(tenant, deployed, healthy), { phase: 'Ready' });
  });

  it('is Degraded with the worst pod reason', () => {
    const status = tenantStatus(
      tenant,
      deployed,
      summarizePods([pod('a', '1/1', 'Running'), pod('b', '0/1', 'CrashLoopBackOff')]),
    );
    assert.equal(status.phase, 'Degraded');
    assert.match(status.reason ?? '', /1 of 2 pods not ready: CrashLoopBackOff/);
  });

  it('is Progressing while pods start or the release is pending', () => {
    assert.equal(
      tenantStatus(tenant, deployed, summarizePods([pod('a', '0/1', 'ContainerCreating')])).phase,
      'Progressing',
    );
    assert.equal(tenantStatus(tenant, { ...deployed, status: 'pending-upgrade' }, healthy).phase, 'Progressing');
  });

  it('is Failed when the newest release failed', () => {
    assert.equal(tenantStatus(tenant, { ...deployed, status: 'failed' }, healthy).phase, 'Failed');
  });

  it('is Terminating while the namespace is deleted, before anything else', () => {
    assert.equal(
      tenantStatus({ ...tenant, terminating: true }, { ...deployed, status: 'failed' }, healthy).phase,
      'Terminating',
    );
  });

  it('is Unknown, with why, without a release or without a namespace', () => {
    assert.deepEqual(tenantStatus(tenant, undefined, healthy), {
      phase: 'Unknown',
      reason: 'no Helm release "t" in the namespace',
    });
    assert.match(
      tenantStatus({ ...tenant, namespaceMissing: true }, undefined, healthy).reason ?? '',
      /namespace "t" not found/,
    );
  });
});

describe('Helm release records', () => {
  const record = (name: string, ns: string, version: number, status: string) => ({
    metadata: {
      name: `sh.helm.release.v1.${name}.v${version}`,
      namespace: ns,
      labels: { owner: 'helm', name, version: String(version), status },
    },
  });

  it('keeps the newest revision of each release per namespace', () => {
    const releases = latestReleases([
      record('web', 'a', 1, 'superseded'),
      record('web', 'a', 3, 'failed'),
      record('web', 'a', 2, 'superseded'),
      record('web', 'b', 1, 'deployed'),
    ]);
    assert.deepEqual(
      releases.get('a')?.map((r) => [r.name, r.revision, r.status]),
      [['web', 3, 'failed']],
    );
    assert.deepEqual(
      releases.get('b')?.map((r) => [r.name, r.revision, r.status]),
      [['web', 1, 'deployed']],
    );
  });
});
