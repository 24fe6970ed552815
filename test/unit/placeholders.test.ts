import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadReport } from '../../src/core/kube/read.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import type { Inventory } from '../../src/core/tenant/inventory.ts';
import { render } from '../../src/output/render.ts';
import type { OutputFormat } from '../../src/output/result.ts';
import { tenantListing } from '../../src/views/ls.ts';
import { viewTenants } from '../../src/views/tenant.ts';

/** What JavaScript prints for a value that was never there: none of it is for users to read. */
const PLACEHOLDER = /undefined|NaN|\[object Object\]/;

const bare = (tenant: Partial<Tenant> & Pick<Tenant, 'name' | 'source'>): Tenant => ({
  namespace: tenant.name,
  labels: {},
  annotations: {},
  terminating: false,
  namespaceMissing: false,
  problems: [],
  ...tenant,
});

/** Tenants with every optional field left out, the way the sparsest records describe them. */
const sparse: Tenant[] = [
  bare({ name: 'no-release', source: 'kubeplus' }),
  bare({ name: 'no-kind', source: 'kubeplus', release: 'x-no-kind' }),
  bare({ name: 'gone', source: 'kubeplus', kind: 'HelloSvc', namespaceMissing: true }),
  bare({
    name: 'failed',
    source: 'kubeplus',
    kind: 'HelloSvc',
    kubePlusError: 'Error: INSTALLATION FAILED: x',
    namespaceMissing: true,
  }),
  bare({ name: 'plain', source: 'mimt' }),
];

function inventory(tenants: Tenant[]): Inventory {
  return {
    tenants,
    releases: new Map([['no-kind', [{ name: 'x-no-kind', namespace: 'no-kind', revision: 1, status: 'deployed' }]]]),
    pods: new Map(),
    quotas: new Map(),
    namespaces: new Map(),
    kubePlusCharts: new Map(),
    releaseCharts: new Map([['no-kind/x-no-kind', {}]]),
    kubePlusNamespaces: { home: ['default'], unclaimed: [] },
    workloads: new Map(),
    events: new Map(),
    unreadable: { pods: new Map(), releases: new Map(), quotas: new Map() },
    listedAt: [],
    report: new ReadReport(),
  };
}

describe('what reaches the renderers', () => {
  const formats: OutputFormat[] = ['table', 'wide', 'json', 'yaml', 'name'];
  const views = viewTenants(inventory(sparse));
  const warnings = views.flatMap((v) => v.tenant.problems.map((p) => `warning: tenant ${v.tenant.name}: ${p}`));
  for (const format of formats) {
    it(`holds no undefined, NaN or [object Object] for tenants with fields missing (-o ${format})`, () => {
      const out = render(tenantListing(views, 'name', Date.parse('2026-12-01T00:00:00Z'), warnings), {
        format,
        noHeaders: false,
        colour: false,
      });
      assert.doesNotMatch(out.stdout, PLACEHOLDER);
      assert.doesNotMatch(out.stderr.join('\n'), PLACEHOLDER);
    });
  }

  it('says what is missing instead: no release name, no release, a KubePlus error', () => {
    const reasons = Object.fromEntries(views.map((v) => [v.tenant.name, v.status.reason]));
    assert.equal(reasons['no-release'], 'no Helm release in the namespace');
    assert.equal(reasons.failed, 'KubePlus reports: Error: INSTALLATION FAILED: x');
  });
});
