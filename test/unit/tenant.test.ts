import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import type { KubeObject, KubePlusInstance } from '../../src/core/kube/objects.ts';
import { discoverTenants, parseHelmRelease } from '../../src/core/tenant/discover.ts';
import { assertTenantName, tenantNameProblem } from '../../src/core/tenant/name.ts';
import { resolveTenant } from '../../src/core/tenant/resolve.ts';

function namespace(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): KubeObject {
  return { metadata: { name, labels, annotations, creationTimestamp: '2026-11-01T00:00:00Z' } };
}

const mimt = (name: string, extra: Record<string, string> = {}) =>
  namespace(
    name,
    { 'mimt.io/tenant': name, 'app.kubernetes.io/managed-by': 'kubectl-mimt', ...extra },
    {
      'mimt.io/chart': 'webapp',
      'mimt.io/chart-version': '1.2.0',
      'mimt.io/profile': 'standard',
    },
  );

function instance(kind: string, name: string, helmrelease?: string): KubePlusInstance {
  return {
    apiVersion: 'platformapi.kubeplus/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', labels: { 'created-by': 'kubeplus' } },
    status: helmrelease === undefined ? {} : { helmrelease },
  };
}

const kubeplusNamespace = (name: string, release: string) =>
  namespace(name, { managedby: 'kubeplus' }, { 'meta.helm.sh/release-name': `"${release}"` });

describe('tenant discovery', () => {
  it('finds mimt tenants by label and reads what was installed from the annotations', () => {
    const [tenant, ...rest] = discoverTenants({ namespaces: [mimt('acme'), namespace('kube-system')], instances: [] });
    assert.equal(rest.length, 0);
    assert.deepEqual(
      {
        name: tenant?.name,
        ns: tenant?.namespace,
        source: tenant?.source,
        chart: tenant?.chart,
        version: tenant?.chartVersion,
        release: tenant?.release,
        problems: tenant?.problems,
      },
      { name: 'acme', ns: 'acme', source: 'mimt', chart: 'webapp', version: '1.2.0', release: 'acme', problems: [] },
    );
  });

  it('ignores a namespace with the tenant label but another manager', () => {
    const foreign = namespace('x', { 'mimt.io/tenant': 'x', 'app.kubernetes.io/managed-by': 'Helm' });
    assert.deepEqual(discoverTenants({ namespaces: [foreign], instances: [] }), []);
  });

  it('links a KubePlus instance through status.helmrelease and strips the quoted release annotation', () => {
    const tenants = discoverTenants({
      namespaces: [kubeplusNamespace('wp-tenant1', 'wordpressservice-wp-tenant1')],
      instances: [
        instance('WordpressService', 'wp-tenant1', 'wp-tenant1:wordpressservice-wp-tenant1\nNOTES: visit the site'),
      ],
    });
    assert.equal(tenants.length, 1);
    assert.equal(tenants[0]?.source, 'kubeplus');
    assert.equal(tenants[0]?.release, 'wordpressservice-wp-tenant1');
    assert.equal(tenants[0]?.kind, 'WordpressService');
    assert.equal(tenants[0]?.instanceNamespace, 'default');
    assert.deepEqual(tenants[0]?.problems, []);
  });

  it('falls back to namespace == instance name and the lower(kind)-name release before status is set', () => {
    const [tenant] = discoverTenants({
      namespaces: [kubeplusNamespace('hs1', 'hellosvc-hs1')],
      instances: [instance('HelloSvc', 'hs1')],
    });
    assert.equal(tenant?.namespace, 'hs1');
    assert.equal(tenant?.release, 'hellosvc-hs1');
    assert.deepEqual(tenant?.problems, []);
  });

  it('reports a mismatch between the instance and its namespace instead of hiding it', () => {
    const [tenant] = discoverTenants({
      namespaces: [kubeplusNamespace('hs1', 'othersvc-hs1'), namespace('elsewhere')],
      instances: [instance('HelloSvc', 'hs1', 'elsewhere:hellosvc-hs1')],
    });
    assert.equal(tenant?.namespace, 'elsewhere');
    assert.match(
      tenant?.problems.join('|') ?? '',
      /status.helmrelease names namespace "elsewhere", not the instance name "hs1"/,
    );
    assert.match(tenant?.problems.join('|') ?? '', /lacks the label managedby=kubeplus/);
  });

  it('lists an instance whose namespace is gone, marked so', () => {
    const [tenant] = discoverTenants({
      namespaces: [],
      instances: [instance('HelloSvc', 'gone', 'gone:hellosvc-gone')],
    });
    assert.equal(tenant?.namespaceMissing, true);
  });

  it('lists a KubePlus namespace that no instance claims, with the problem', () => {
    const tenants = discoverTenants({ namespaces: [kubeplusNamespace('orphan', 'x-orphan')], instances: [] });
    assert.equal(tenants[0]?.name, 'orphan');
    assert.match(tenants[0]?.problems[0] ?? '', /no KubePlus instance claims it/);
  });

  it('marks a namespace being deleted as terminating', () => {
    const ns = mimt('leaving');
    ns.metadata.deletionTimestamp = '2026-11-24T00:00:00Z';
    assert.equal(discoverTenants({ namespaces: [ns], instances: [] })[0]?.terminating, true);
  });

  it('parses status.helmrelease and rejects what is not "<namespace>:<release>"', () => {
    assert.deepEqual(parseHelmRelease('ns:rel\nnotes'), { namespace: 'ns', release: 'rel' });
    assert.equal(parseHelmRelease('just-text'), undefined);
    assert.equal(parseHelmRelease(undefined), undefined);
  });
});

describe('tenant resolution', () => {
  const tenants = discoverTenants({
    namespaces: [mimt('hs1'), mimt('hs10'), kubeplusNamespace('hs100', 'hellosvc-hs100')],
    instances: [instance('HelloSvc', 'hs100')],
  });

  it('matches names exactly, never as prefixes', () => {
    assert.equal(resolveTenant(tenants, 'hs1').namespace, 'hs1');
    assert.equal(resolveTenant(tenants, 'hs10').namespace, 'hs10');
    assert.equal(resolveTenant(tenants, 'hs100').source, 'kubeplus');
    assert.throws(() => resolveTenant(tenants, 'hs'), /tenant "hs" not found/);
  });

  it('refuses a name claimed by both sources unless --source picks one', () => {
    const both = discoverTenants({
      namespaces: [mimt('dup'), kubeplusNamespace('dup2', 'hellosvc-dup')],
      instances: [instance('HelloSvc', 'dup', 'dup2:hellosvc-dup')],
    });
    assert.throws(
      () => resolveTenant(both, 'dup'),
      (error: unknown) =>
        error instanceof MimtError &&
        error.kind === 'usage' &&
        /claimed by kubeplus \(namespace dup2\) and mimt \(namespace dup\)/.test(error.message),
    );
    assert.equal(resolveTenant(both, 'dup', 'kubeplus').namespace, 'dup2');
  });

  it('says when the tenant exists under the other source', () => {
    assert.throws(
      () => resolveTenant(tenants, 'hs1', 'kubeplus'),
      (error: unknown) => error instanceof MimtError && error.hint === 'it exists with source mimt',
    );
  });
});

describe('tenant names', () => {
  it('accepts DNS-1123 labels up to the Helm release limit', () => {
    assert.equal(tenantNameProblem('acme-2'), undefined);
    assert.equal(tenantNameProblem('a'.repeat(53)), undefined);
  });

  it('rejects what is not, naming the value and the rule', () => {
    assert.throws(() => assertTenantName('Acme'), /invalid tenant name "Acme": must be a DNS-1123 label/);
    assert.throws(() => assertTenantName('-acme'), /DNS-1123/);
    assert.throws(() => assertTenantName('a'.repeat(54)), /at most 53 characters \(Helm release name limit\), got 54/);
    assert.throws(() => assertTenantName(''), /must not be empty/);
  });
});
