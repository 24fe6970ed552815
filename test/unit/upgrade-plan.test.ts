import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldChanges } from '../../src/core/install/field-diff.ts';
import type { TenantPlan } from '../../src/core/install/plan.ts';
import { upgradePlanResult } from '../../src/views/install.ts';
import type { Cell } from '../../src/output/result.ts';

describe('fieldChanges: what differs between the live object and the dry run', () => {
  it('names each changed leaf by its path, labels and annotations in brackets', () => {
    const live = {
      metadata: { labels: { 'helm.sh/chart': 'webapp-0.1.0', app: 'web' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    };
    const after = {
      metadata: { labels: { 'helm.sh/chart': 'webapp-0.2.0', app: 'web' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    };
    assert.deepEqual(fieldChanges(live, after), [
      { path: 'metadata.labels["helm.sh/chart"]', before: 'webapp-0.1.0', after: 'webapp-0.2.0' },
      { path: 'spec.replicas', before: 2, after: 3 },
      { path: 'spec.template.spec.containers[name=web].image', before: 'web:1', after: 'web:2' },
    ]);
  });

  it('compares lists of named items by name: a container added in front changes nothing else', () => {
    const before = { containers: [{ name: 'web', image: 'web:1' }] };
    const after = {
      containers: [
        { name: 'proxy', image: 'envoy:1' },
        { name: 'web', image: 'web:1' },
      ],
    };
    assert.deepEqual(fieldChanges(before, after), [
      { path: 'containers[name=proxy]', after: { name: 'proxy', image: 'envoy:1' } },
    ]);
  });

  it('compares other lists by position, and a field gone or new is one change with one side', () => {
    assert.deepEqual(fieldChanges({ args: ['a', 'b'], x: 1 }, { args: ['a', 'c', 'd'], y: { z: 1 } }), [
      { path: 'args[1]', before: 'b', after: 'c' },
      { path: 'args[2]', after: 'd' },
      { path: 'x', before: 1 },
      { path: 'y', after: { z: 1 } },
    ]);
  });

  it('finds nothing in equal objects, whatever their key order', () => {
    assert.deepEqual(fieldChanges({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), []);
  });
});

const chart = { name: 'webapp', version: '0.2.0' };

function plan(tenant: string, objects: TenantPlan['objects'], extra: Partial<TenantPlan> = {}): TenantPlan {
  return {
    tenant,
    namespace: tenant,
    release: tenant,
    from: '0.1.0',
    to: chart,
    objects,
    hooks: [],
    notes: [],
    ...extra,
  };
}

const chartLabel = { path: 'metadata.labels["helm.sh/chart"]', before: 'webapp-0.1.0', after: 'webapp-0.2.0' };
const text = (cells: unknown): string => (cells as Cell[]).map((c) => c.text).join('\n');

describe('install --plan output', () => {
  it('one tenant: a summary line, then each object and field, with labels-only objects folded', () => {
    const result = upgradePlanResult(
      [
        plan(
          'acme',
          [
            {
              kind: 'Deployment',
              name: 'acme-webapp',
              namespace: 'acme',
              action: 'change',
              fields: [chartLabel, { path: 'spec.replicas', before: 2, after: 3 }],
            },
            { kind: 'Service', name: 'acme-webapp', namespace: 'acme', action: 'change', fields: [chartLabel] },
            { kind: 'ConfigMap', name: 'acme-extra', namespace: 'acme', action: 'add', fields: [] },
            { kind: 'Secret', name: 'acme-old', namespace: 'acme', action: 'remove', fields: [] },
          ],
          { hooks: ['Job/acme-migrate'] },
        ),
      ],
      false,
    );
    assert.equal(
      text(result.text),
      [
        'tenant/acme: webapp 0.1.0 -> 0.2.0: 1 changed, 1 added, 1 removed, 1 with new labels or annotations only',
        '  ~ Deployment/acme-webapp',
        '      metadata.labels["helm.sh/chart"]: "webapp-0.1.0" -> "webapp-0.2.0"',
        '      spec.replicas: 2 -> 3',
        '  + ConfigMap/acme-extra',
        '  - Secret/acme-old',
        '  labels or annotations only: Service/acme-webapp (metadata.labels["helm.sh/chart"])',
        '  hooks the upgrade would run: Job/acme-migrate',
      ].join('\n'),
    );
    assert.equal(result.exitCode, 1);
    assert.equal((result.document as { kind: string }).kind, 'TenantUpgradePlan');
  });

  it('a profile other than the recorded one is a change of its own', () => {
    const result = upgradePlanResult(
      [plan('acme', [], { policy: { from: 'strict', to: 'standard', settings: true } })],
      false,
    );
    assert.equal(
      text(result.text),
      'tenant/acme: webapp 0.1.0 -> 0.2.0: policy changed\n  ~ policy: profile strict -> standard, with other quota, limits or owner',
    );
    assert.equal(result.exitCode, 1);
  });

  it('exits 0 when no tenant would change, and names none for -o name', () => {
    const result = upgradePlanResult([plan('acme', []), plan('beta', [])], true);
    assert.equal(result.exitCode, 0);
    assert.equal(result.name, undefined);
    assert.match(text(result.text), /^tenant\/acme: webapp 0\.1\.0 -> 0\.2\.0: no change$/m);
    assert.match(
      text(result.text),
      /^2 tenants: 0 would change, 0 only in labels or annotations, 2 unchanged, 0 would fail$/m,
    );
  });

  it('several tenants: a closing count, exit 1, and the refused or unrenderable ones said as failing', () => {
    const result = upgradePlanResult(
      [
        plan('acme', [{ kind: 'Service', name: 's', namespace: 'acme', action: 'change', fields: [chartLabel] }]),
        plan('beta', [
          {
            kind: 'Deployment',
            name: 'd',
            namespace: 'beta',
            action: 'change',
            fields: [],
            refused: 'Deployment.apps "d" is invalid: spec.selector: field is immutable',
          },
        ]),
        plan('gamma', [], { error: 'values do not meet the chart schema' }),
        plan('delta', []),
      ],
      true,
    );
    const shown = text(result.text);
    assert.match(shown, /^tenant\/beta: webapp 0\.1\.0 -> 0\.2\.0: the upgrade would fail on 1 object$/m);
    assert.match(shown, /^ {2}! Deployment\/d: refused by the API server: .*field is immutable$/m);
    assert.match(
      shown,
      /^tenant\/gamma: webapp 0\.1\.0 -> 0\.2\.0: the upgrade would fail: values do not meet the chart schema$/m,
    );
    assert.match(shown, /^4 tenants: 0 would change, 1 only in labels or annotations, 1 unchanged, 2 would fail$/m);
    assert.equal(result.name, 'tenant/acme\ntenant/beta\ntenant/gamma');
    assert.equal(result.exitCode, 1);
    const items = (result.document as { items: { metadata: { name: string }; verdict: string }[] }).items;
    assert.deepEqual(
      items.map((i) => [i.metadata.name, i.verdict]),
      [
        ['acme', 'metadata'],
        ['beta', 'fails'],
        ['gamma', 'fails'],
        ['delta', 'none'],
      ],
    );
  });
});
