import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import type { KubeObject, KubePlusInstance } from '../../src/core/kube/objects.ts';
import type { Tenant } from '../../src/core/tenant/contract.ts';
import {
  discoverTenants,
  kubePlusNamespaces,
  kubePlusVerdict,
  parseHelmRelease,
} from '../../src/core/tenant/discover.ts';
import { tenantStatus } from '../../src/core/tenant/status.ts';
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

  it("lists no namespace labelled managedby=kubeplus that no instance claims, and tells KubePlus's own apart", () => {
    const records = {
      namespaces: [
        namespace('default', { managedby: 'kubeplus' }),
        kubeplusNamespace('left', 'hellosvc-left'),
        kubeplusNamespace('hs1', 'hellosvc-hs1'),
      ],
      instances: [instance('HelloSvc', 'hs1', 'hs1:hellosvc-hs1')],
    };
    assert.deepEqual(
      discoverTenants(records).map((t) => t.name),
      ['hs1'],
    );
    assert.deepEqual(kubePlusNamespaces(records, ['default']), { home: ['default'], unclaimed: ['left'] });
  });

  it('marks a namespace being deleted as terminating', () => {
    const ns = mimt('leaving');
    ns.metadata.deletionTimestamp = '2026-11-24T00:00:00Z';
    assert.equal(discoverTenants({ namespaces: [ns], instances: [] })[0]?.terminating, true);
  });

  it('parses status.helmrelease and rejects what is not "<namespace>:<release>"', () => {
    assert.deepEqual(parseHelmRelease('ns:rel\nnotes\nmore'), { namespace: 'ns', release: 'rel', rest: 'notes\nmore' });
    assert.deepEqual(parseHelmRelease('ns:rel'), { namespace: 'ns', release: 'rel', rest: '' });
    assert.equal(parseHelmRelease('just-text'), undefined);
    assert.equal(parseHelmRelease('Error: INSTALLATION FAILED: x'), undefined);
    assert.equal(parseHelmRelease(undefined), undefined);
  });
});

describe('what KubePlus says about its Helm runs', () => {
  const installFailed =
    'wp2:wordpressservice-wp2\nError: INSTALLATION FAILED: 1 error occurred:\n\t* Service "wp" is invalid: port 0\n';
  const upgradedText =
    'file:///webapp-0.2.0.tgz upgrade output:Release "webappservice-a1" has been upgraded. Happy Helming!NAME: webappservice-a1LAST DEPLOYED: Mon Dec  1 10:00:00 2026NAMESPACE: a1STATUS: deployedREVISION: 2';

  it("reads Helm's error after the first line of status.helmrelease, with no status.error", () => {
    assert.deepEqual(kubePlusVerdict({ helmrelease: installFailed }), {
      error: 'Error: INSTALLATION FAILED: 1 error occurred:\n\t* Service "wp" is invalid: port 0',
    });
  });

  it("takes the chart's notes after the first line for what they are", () => {
    assert.deepEqual(kubePlusVerdict({ helmrelease: 'a1:webappservice-a1\nThank you for installing webapp.\n' }), {});
    assert.deepEqual(kubePlusVerdict({ helmrelease: 'a1:webappservice-a1\nIf you see an Error: page, reload\n' }), {});
  });

  it("does not take Helm's successful upgrade output in status.error for an error", () => {
    assert.deepEqual(kubePlusVerdict({ helmrelease: 'a1:webappservice-a1\n', error: upgradedText }), {
      upgraded: upgradedText,
    });
  });

  it('takes a failed upgrade in status.error, and text it cannot place, for errors', () => {
    const failedUpgrade =
      'file:///webapp-0.2.0.tgz upgrade output:Error: UPGRADE FAILED: "webappservice-a1" has no deployed releases';
    assert.deepEqual(kubePlusVerdict({ error: failedUpgrade }), {
      error: 'Error: UPGRADE FAILED: "webappservice-a1" has no deployed releases',
    });
    assert.deepEqual(kubePlusVerdict({ error: 'chart not found' }), { error: 'chart not found' });
    assert.deepEqual(kubePlusVerdict({ error: '  ' }), {});
  });

  it("turns a failed install into a Failed tenant with Helm's error, its namespace deleted", () => {
    const [tenant] = discoverTenants({
      namespaces: [],
      instances: [instance('WordpressService', 'wp2', installFailed)],
    });
    assert.equal(tenant?.namespaceMissing, true);
    assert.match(tenant?.kubePlusError ?? '', /^Error: INSTALLATION FAILED/);
    assert.match(tenant?.problems.join('|') ?? '', /KubePlus reports: Error: INSTALLATION FAILED/);
    const status = tenantStatus(tenant as Tenant, undefined, { ready: 0, total: 0, restarts: 0, starting: false });
    assert.deepEqual(status, {
      phase: 'Failed',
      reason: 'KubePlus reports: Error: INSTALLATION FAILED: 1 error occurred:',
    });
  });

  it('reports no problem for an instance upgraded with its chart', () => {
    const upgraded = instance('WebappService', 'a1', 'a1:webappservice-a1\n');
    upgraded.status = { ...upgraded.status, error: upgradedText };
    const [tenant] = discoverTenants({
      namespaces: [kubeplusNamespace('a1', 'webappservice-a1')],
      instances: [upgraded],
    });
    assert.deepEqual(tenant?.problems, []);
    assert.equal(tenant?.kubePlusError, undefined);
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
