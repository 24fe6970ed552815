import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import { type PodRow, summarizePods } from '../../src/core/tenant/pods.ts';
import { tenantStatus } from '../../src/core/tenant/status.ts';
import { type WarningEventObject, refusalText, shortfalls } from '../../src/core/tenant/workloads.ts';

const POD_SECURITY_REFUSAL =
  'pods "web-7c7bdc5569-cpxs9" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false ' +
  '(container "app" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true ' +
  '(pod or container "app" must set securityContext.runAsNonRoot=true)';

const deployment = (name: string, replicas: number, ready: number, conditions: unknown[] = []): KubeObject => ({
  kind: 'Deployment',
  metadata: { name, namespace: 't' },
  spec: { replicas },
  status: { readyReplicas: ready, conditions },
});

const event = (kind: string, name: string, reason: string, message: string): WarningEventObject => ({
  metadata: { name: `${name}.1`, namespace: 't' },
  type: 'Warning',
  reason,
  message,
  involvedObject: { kind, name, namespace: 't' },
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
const deployed = { name: 't', namespace: 't', revision: 1, status: 'deployed' };
const noPods = summarizePods([] as PodRow[]);

describe('admission refusals in plain words', () => {
  it('names the Pod Security level without its version, and keeps every violation', () => {
    assert.equal(
      refusalText(`Error creating: ${POD_SECURITY_REFUSAL}`),
      'rejected by Pod Security "restricted": allowPrivilegeEscalation != false ' +
        '(container "app" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true ' +
        '(pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
  });

  it('names the quota that refused, and other refusals as the API server said them', () => {
    assert.equal(
      refusalText(
        'pods "a-1" is forbidden: exceeded quota: mimt-quota, requested: pods=1, used: pods=20, limited: pods=20',
      ),
      'refused by ResourceQuota mimt-quota, requested: pods=1, used: pods=20, limited: pods=20',
    );
    assert.equal(
      refusalText('pods "a-1" is forbidden: maximum cpu usage per Container is 500m, but limit is 2'),
      'forbidden: maximum cpu usage per Container is 500m, but limit is 2',
    );
    assert.equal(
      refusalText('Error creating: serviceaccount "x" not found'),
      'not created: serviceaccount "x" not found',
    );
  });
});

describe('workloads that lack pods', () => {
  it('takes the reason from a Deployment ReplicaFailure condition', () => {
    const [found, ...rest] = shortfalls([
      deployment('web', 1, 0, [
        { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: POD_SECURITY_REFUSAL },
      ]),
      deployment('fine', 2, 2),
    ]);
    assert.equal(rest.length, 0);
    assert.equal(found?.name, 'web');
    assert.deepEqual([found?.desired, found?.ready, found?.blocking, found?.causeReason], [1, 0, true, 'FailedCreate']);
    assert.match(found?.cause ?? '', /^pods are rejected by Pod Security "restricted": allowPrivilegeEscalation/);
  });

  it('finds the FailedCreate events of a Deployment on its ReplicaSets, and of a StatefulSet on itself', () => {
    const statefulSet: KubeObject = {
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 't' },
      spec: { replicas: 1 },
      status: {},
    };
    const found = shortfalls(
      [deployment('web', 2, 0), statefulSet, deployment('web-api', 1, 0)],
      [
        event('ReplicaSet', 'web-7c7bdc5569', 'FailedCreate', `Error creating: ${POD_SECURITY_REFUSAL}`),
        event(
          'StatefulSet',
          'db',
          'FailedCreate',
          'create Pod db-0 in StatefulSet db failed error: pods "db-0" is forbidden: exceeded quota: q, requested: pods=1',
        ),
      ],
    );
    assert.deepEqual(
      found.map((s) => [s.kind, s.name, s.blocking]),
      [
        ['Deployment', 'web', true],
        ['StatefulSet', 'db', true],
        // web-api's ReplicaSets would be named web-api-<hash>: web's events are not about it.
        ['Deployment', 'web-api', false],
      ],
    );
    assert.equal(found[1]?.cause, 'pods are refused by ResourceQuota q, requested: pods=1');
  });

  it('counts a running Job by its active pods and a finished one not at all; a failed Job blocks', () => {
    const job = (name: string, status: Record<string, unknown>): KubeObject => ({
      kind: 'Job',
      metadata: { name, namespace: 't' },
      spec: { parallelism: 1, completions: 1 },
      status,
    });
    const found = shortfalls([
      job('running', { active: 1 }),
      job('done', { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }),
      job('broken', {
        failed: 3,
        conditions: [
          {
            type: 'Failed',
            status: 'True',
            reason: 'BackoffLimitExceeded',
            message: 'Job has reached the specified backoff limit',
          },
        ],
      }),
    ]);
    assert.deepEqual(
      found.map((s) => [s.name, s.cause]),
      [['broken', 'failed: BackoffLimitExceeded: Job has reached the specified backoff limit']],
    );
  });
});

describe('tenant status from workloads', () => {
  it('is never Ready while a controller wants pods it does not have', () => {
    const status = tenantStatus(tenant, deployed, noPods, undefined, {
      shortfalls: shortfalls([deployment('web', 1, 0)]),
    });
    assert.deepEqual(status, { phase: 'Progressing', reason: 'Deployment web 0/1 ready' });
  });

  it('is Degraded with the refusal when pods are rejected', () => {
    const status = tenantStatus(tenant, deployed, noPods, undefined, {
      shortfalls: shortfalls([
        deployment('web', 1, 0, [{ type: 'ReplicaFailure', status: 'True', message: POD_SECURITY_REFUSAL }]),
      ]),
    });
    assert.equal(status.phase, 'Degraded');
    assert.equal(status.cause, 'FailedCreate');
    assert.match(status.reason ?? '', /^Deployment web 0\/1 ready: pods are rejected by Pod Security "restricted"/);
  });

  it('says why pods are Pending when the scheduler said so', () => {
    const pending: PodRow = { metadata: { name: 'db-0', namespace: 't' }, cells: { Ready: '0/1', Status: 'Pending' } };
    const status = tenantStatus(tenant, deployed, summarizePods([pending]), undefined, {
      shortfalls: [],
      scheduling: 'pod db-0 cannot be scheduled: 0/3 nodes are available',
    });
    assert.deepEqual(status, {
      phase: 'Progressing',
      reason: '1 pods starting; pod db-0 cannot be scheduled: 0/3 nodes are available',
    });
  });
});
