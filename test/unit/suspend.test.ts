import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import {
  type SuspendedKind,
  readWorkloads,
  resumeChange,
  resumeNamespace,
  suspendChange,
  suspendNamespace,
} from '../../src/core/install/suspend.ts';
import type { KubeClient, RequestSpec } from '../../src/core/kube/client.ts';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { ownedNamespaceMetadata, type Tenant } from '../../src/core/tenant/contract.ts';
import { discoverTenants } from '../../src/core/tenant/discover.ts';
import { tenantStatus } from '../../src/core/tenant/status.ts';
import { changeText } from '../../src/views/suspend.ts';

type Json = Record<string, unknown>;

/** RFC 7386: null removes a key, objects merge, anything else replaces. */
function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Json = target !== null && typeof target === 'object' ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
}

const PLURAL: Record<string, string> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  cronjobs: 'CronJob',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  resourcequotas: 'ResourceQuota',
};

/**
 * A small API server in memory: namespaced objects by kind and name, lists, GET, merge patches
 * (with the resourceVersion precondition and the scale subresource), apply and delete.
 */
class FakeApi {
  objects = new Map<string, KubeObject>();
  namespace: KubeObject = { metadata: { name: 'acme', annotations: {} } };
  sent: string[] = [];
  version = 1;
  /** Makes the next patch of this path fail with 409 after changing the object as someone else would. */
  interfere = new Map<string, (object: KubeObject) => void>();

  add(kind: string, name: string, spec: Json, annotations: Record<string, string> = {}) {
    this.objects.set(`${kind}/${name}`, {
      metadata: { name, namespace: 'acme', annotations, resourceVersion: String(this.version++) },
      spec,
    });
  }

  get(kind: string, name: string): KubeObject {
    return this.objects.get(`${kind}/${name}`) as KubeObject;
  }

  client(): KubeClient {
    const request = async (spec: RequestSpec) => this.handle(spec);
    return {
      request,
      get: (path: string) => request({ path }),
      list: (path: string) => request({ path }),
    } as unknown as KubeClient;
  }

  private handle(spec: RequestSpec): unknown {
    const method = spec.method ?? 'GET';
    this.sent.push(`${method} ${spec.path}`);
    if (spec.path === '/api/v1/namespaces/acme') {
      if (method === 'PATCH') this.namespace = merge(this.namespace, spec.body) as KubeObject;
      return this.namespace;
    }
    const match = /\/namespaces\/acme\/([a-z]+)(?:\/([^/]+))?(?:\/(scale))?$/.exec(spec.path);
    if (!match) throw new Error(`unexpected path ${spec.path}`);
    const [, plural, name, sub] = match;
    const kind = PLURAL[plural as string] as string;
    const key = `${kind}/${name}`;
    if (name === undefined) {
      const items = [...this.objects].filter(([k]) => k.startsWith(`${kind}/`)).map(([, o]) => o);
      return { items };
    }
    const object = this.objects.get(key);
    if (method === 'DELETE') {
      if (!object) throw new MimtError('not found', { status: 404 });
      this.objects.delete(key);
      return {};
    }
    if (method === 'PATCH' && spec.contentType === 'application/apply-patch+yaml') {
      this.objects.set(key, spec.body as KubeObject);
      return spec.body;
    }
    if (!object) throw new MimtError('not found', { status: 404 });
    if (method === 'GET') return object;
    const interfere = this.interfere.get(key);
    if (interfere) {
      this.interfere.delete(key);
      interfere(object);
      object.metadata.resourceVersion = String(this.version++);
    }
    const patch = spec.body as KubeObject;
    const wanted = patch.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== object.metadata.resourceVersion) {
      throw new MimtError('the object has been modified', { status: 409 });
    }
    const patched = sub
      ? (merge(object, { spec: { replicas: (patch.spec as Json).replicas } }) as KubeObject)
      : (merge(object, patch) as KubeObject);
    patched.metadata.resourceVersion = String(this.version++);
    this.objects.set(key, patched);
    return patched;
  }
}

function cluster(): FakeApi {
  const api = new FakeApi();
  api.add('Deployment', 'web', { replicas: 3 });
  api.add('Deployment', 'idle', { replicas: 0 });
  api.add('StatefulSet', 'db', { replicas: 1 });
  // As the API server defaults it.
  api.add('CronJob', 'report', { schedule: '0 3 * * *', suspend: false });
  api.add('CronJob', 'paused', { schedule: '0 4 * * *', suspend: true });
  api.add('HorizontalPodAutoscaler', 'web', { minReplicas: 2, maxReplicas: 5 });
  api.add('HorizontalPodAutoscaler', 'queue', { minReplicas: 0, maxReplicas: 4 });
  return api;
}

const field = (api: FakeApi, kind: string, name: string, key: string) => (api.get(kind, name).spec as Json)[key];
const now = new Date('2026-12-01T10:00:00Z');
const specs = (api: FakeApi) => Object.fromEntries([...api.objects].map(([key, o]) => [key, o.spec as Json]));
const patches = (api: FakeApi) => api.sent.filter((line) => !line.startsWith('GET '));

async function suspendAll(api: FakeApi, dryRun = false) {
  const client = api.client();
  const workloads = await readWorkloads(client, ['acme']);
  return suspendNamespace(client, 'acme', workloads.get('acme'), { dryRun, now });
}

async function resumeAll(api: FakeApi, dryRun = false) {
  const client = api.client();
  const workloads = await readWorkloads(client, ['acme']);
  return resumeNamespace(client, 'acme', workloads.get('acme'), { dryRun });
}

describe('suspend and resume, on a cluster in memory', () => {
  it('scales to 0, suspends CronJobs, raises a 0 autoscaler minimum, records each, and guards the namespace', async () => {
    const api = cluster();
    const outcome = await suspendAll(api);
    assert.deepEqual(outcome.changes.map(changeText), [
      'mark suspended at 2026-12-01T10:00:00.000Z',
      'create (pods 0)',
      'minReplicas 0 → 1',
      'suspend false → true',
      'replicas 3 → 0',
      'replicas 1 → 0',
    ]);
    assert.equal(field(api, 'Deployment', 'web', 'replicas'), 0);
    assert.equal(field(api, 'StatefulSet', 'db', 'replicas'), 0);
    assert.equal(field(api, 'CronJob', 'report', 'suspend'), true);
    assert.equal(field(api, 'HorizontalPodAutoscaler', 'queue', 'minReplicas'), 1);
    assert.deepEqual(field(api, 'HorizontalPodAutoscaler', 'web', 'minReplicas'), 2, 'min 2 stays');
    assert.deepEqual(field(api, 'ResourceQuota', 'mimt-suspended', 'hard'), { pods: '0' });
    assert.equal(api.namespace.metadata.annotations?.['mimt.io/suspended-at'], '2026-12-01T10:00:00.000Z');
    assert.equal(api.get('Deployment', 'web').metadata.annotations?.['mimt.io/before-suspend'], '{"replicas":3}');
    assert.ok(patches(api).includes('PATCH /apis/apps/v1/namespaces/acme/deployments/web/scale'));
  });

  it('changes nothing when run again, and resume restores exactly what was there', async () => {
    const api = cluster();
    const before = specs(api);
    await suspendAll(api);
    api.sent = [];
    const again = await suspendAll(api);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(patches(api), []);

    const resumed = await resumeAll(api);
    assert.deepEqual(resumed.changes.map(changeText), [
      'delete (pods 0)',
      'replicas 0 → 3',
      'replicas 0 → 1',
      'minReplicas 1 → 0',
      'suspend true → false',
      'unmark suspended',
    ]);
    assert.deepEqual(specs(api), before);
    for (const object of api.objects.values()) {
      assert.equal(object.metadata.annotations?.['mimt.io/before-suspend'], undefined, object.metadata.name);
    }
    assert.equal(api.namespace.metadata.annotations?.['mimt.io/suspended-at'], undefined);
    api.sent = [];
    assert.deepEqual((await resumeAll(api)).changes, []);
    assert.deepEqual(patches(api), []);
  });

  it('with --dry-run lists the same changes and sends no write', async () => {
    const api = cluster();
    const planned = await suspendAll(api, true);
    assert.deepEqual(patches(api), []);
    assert.equal(planned.changes.length, 6);
    assert.equal(field(api, 'Deployment', 'web', 'replicas'), 3);
  });

  it('records anew what an upgrade set while suspended, so that resume starts the new counts', async () => {
    const api = cluster();
    await suspendAll(api);
    // helm upgrade: the chart's new replica count, and the CronJob back as the chart has it.
    api.get('Deployment', 'web').spec = { replicas: 5 };
    api.get('CronJob', 'report').spec = { schedule: '0 3 * * *', suspend: false };
    const again = await suspendAll(api);
    assert.deepEqual(again.changes.map(changeText), ['suspend false → true', 'replicas 5 → 0']);
    await resumeAll(api);
    assert.equal(field(api, 'Deployment', 'web', 'replicas'), 5);
  });

  it('reads the object again and records what is there when it changed between read and write', async () => {
    const api = cluster();
    api.interfere.set('Deployment/web', (object) => {
      object.spec = { replicas: 4 };
    });
    await suspendAll(api);
    assert.equal(api.get('Deployment', 'web').metadata.annotations?.['mimt.io/before-suspend'], '{"replicas":4}');
    assert.equal(field(api, 'Deployment', 'web', 'replicas'), 0);
  });

  it('refuses to guess when a record is not what suspend writes, naming the object', async () => {
    const api = cluster();
    api.add('Deployment', 'odd', { replicas: 0 }, { 'mimt.io/before-suspend': '{"replicas":"three"}' });
    await assert.rejects(resumeAll(api), /Deployment\/odd in "acme": the suspend record has no valid replicas/);
    api.add('Deployment', 'odd', { replicas: 0 }, { 'mimt.io/before-suspend': 'three' });
    await assert.rejects(
      resumeAll(api),
      /Deployment\/odd in "acme": annotation mimt.io\/before-suspend is not a JSON object/,
    );
  });
});

describe('what suspend and resume change on one object', () => {
  const object = (spec: Json, annotations: Record<string, string> = {}): KubeObject => ({
    metadata: { name: 'x', namespace: 'acme', annotations },
    spec,
  });
  const cases: [SuspendedKind, Json, string | undefined][] = [
    ['Deployment', {}, 'replicas 1 → 0'],
    ['Deployment', { replicas: 0 }, undefined],
    ['StatefulSet', { replicas: 2 }, 'replicas 2 → 0'],
    ['CronJob', {}, 'suspend false → true'],
    ['CronJob', { suspend: true }, undefined],
    ['HorizontalPodAutoscaler', {}, undefined],
    ['HorizontalPodAutoscaler', { minReplicas: 3 }, undefined],
    ['HorizontalPodAutoscaler', { minReplicas: 0 }, 'minReplicas 0 → 1'],
  ];
  for (const [kind, spec, expected] of cases) {
    it(`${kind} ${JSON.stringify(spec)}: ${expected ?? 'nothing'}`, () => {
      const change = suspendChange(kind, object(spec));
      assert.equal(change && changeText(change), expected);
    });
  }

  it('resumes only what carries a record', () => {
    assert.equal(resumeChange('Deployment', object({ replicas: 0 })), undefined);
    const change = resumeChange(
      'CronJob',
      object({ suspend: true }, { 'mimt.io/before-suspend': '{"suspend":false}' }),
    );
    assert.equal(change && changeText(change), 'suspend true → false');
  });
});

describe('the status of a suspended tenant', () => {
  const tenant: Tenant = {
    name: 't',
    namespace: 't',
    source: 'mimt',
    release: 't',
    labels: {},
    annotations: {},
    suspendedAt: '2026-12-01T10:00:00Z',
    terminating: false,
    namespaceMissing: false,
    problems: [],
  };
  const deployed = { name: 't', namespace: 't', revision: 2, status: 'deployed' };
  const none = { ready: 0, total: 0, restarts: 0, starting: false };

  it('is Suspended, since the mark, and says when pods are left', () => {
    assert.deepEqual(tenantStatus(tenant, deployed, none), {
      phase: 'Suspended',
      reason: 'suspended since 2026-12-01T10:00:00Z',
    });
    assert.equal(
      tenantStatus(tenant, deployed, { ...none, ready: 2, total: 2 }).reason,
      'suspended since 2026-12-01T10:00:00Z; 2 pods still present',
    );
  });

  it('still shows a failed release as Failed', () => {
    assert.equal(tenantStatus(tenant, { ...deployed, status: 'failed' }, none).phase, 'Failed');
  });
});

describe('the suspension mark on a namespace', () => {
  const mark = { 'mimt.io/suspended-at': '2026-12-01T10:00:00Z' };

  it("is read for mimt tenants and for KubePlus instances, from the instance's namespace", () => {
    const tenants = discoverTenants({
      namespaces: [
        {
          metadata: {
            name: 'acme',
            labels: { 'mimt.io/tenant': 'acme', 'app.kubernetes.io/managed-by': 'kubectl-mimt' },
            annotations: mark,
          },
        },
        { metadata: { name: 'shop', labels: { managedby: 'kubeplus' }, annotations: mark } },
        { metadata: { name: 'idle', labels: { managedby: 'kubeplus' }, annotations: {} } },
      ],
      instances: [{ kind: 'ShopService', metadata: { name: 'shop', namespace: 'default' } }],
    });
    assert.deepEqual(
      tenants.map((t) => [t.name, t.source, t.suspendedAt]),
      [
        ['acme', 'mimt', '2026-12-01T10:00:00Z'],
        // A labelled namespace no instance claims is no tenant (KubePlus's own namespace, say).
        ['shop', 'kubeplus', '2026-12-01T10:00:00Z'],
      ],
    );
  });

  it('is not among what server-side apply re-sends, so that no install or policy apply drops it', () => {
    const { annotations } = ownedNamespaceMetadata({}, { ...mark, 'mimt.io/profile': 'strict' });
    assert.deepEqual(annotations, { 'mimt.io/profile': 'strict' });
  });
});
