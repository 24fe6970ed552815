import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { decodeStoredRelease } from '../../src/core/helm/records.ts';
import { releaseObjects, releaseSecretName } from '../../src/core/helm/release.ts';

/** What the API server sends for Helm's `release` key: base64 of Helm's base64 of gzipped JSON. */
function stored(release: object, gzip = true): string {
  const json = Buffer.from(JSON.stringify(release));
  const helm = (gzip ? gzipSync(json) : json).toString('base64');
  return Buffer.from(helm).toString('base64');
}

const release = {
  manifest:
    '---\n# Source: shop/templates/hpa.yaml\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: t-shop\n' +
    '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: t-reader\n' +
    '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: shared\n',
  hooks: [
    {
      manifest:
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: t-migrate\n  annotations:\n' +
        '    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-delete-policy: hook-succeeded\n',
      events: ['pre-install', 'pre-upgrade'],
    },
  ],
  chart: {
    files: [
      { name: 'README.md', data: Buffer.from('# not a CRD').toString('base64') },
      {
        name: 'crds/gadgets.yaml',
        data: Buffer.from(
          'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.test\n',
        ).toString('base64'),
      },
    ],
  },
};

describe('Helm release records', () => {
  it('decodes the stored release, gzipped or not', () => {
    assert.deepEqual(decodeStoredRelease(stored(release)), release);
    assert.deepEqual(decodeStoredRelease(stored(release, false)), release);
  });

  it('lists every object: CRDs from crds/, the manifest with namespaces as written, and hooks', () => {
    assert.deepEqual(releaseObjects(release), [
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'gadgets.example.test',
        part: 'crd',
      },
      { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 't-shop', part: 'template' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 't-reader', part: 'template' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'elsewhere', namespace: 'shared', part: 'template' },
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 't-migrate',
        part: 'hook',
        hookEvents: ['pre-install', 'pre-upgrade'],
        hookDeletePolicies: ['hook-succeeded'],
      },
    ]);
  });

  it('names the Secret of a revision as Helm does', () => {
    assert.equal(releaseSecretName({ name: 'acme', revision: 3 }), 'sh.helm.release.v1.acme.v3');
  });
});
