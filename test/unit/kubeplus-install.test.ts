import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeRelease, releaseRecordSelector } from '../../src/core/helm/records.ts';
import { type StructuralSchema, schemaProblems } from '../../src/core/kube/schema.ts';

/** A Kind's spec schema in the shape KubePlus generates from a chart's values.yaml. */
const spec: StructuralSchema = {
  type: 'object',
  properties: {
    replicaCount: { type: 'integer' },
    plan: { type: 'string' },
    service: { type: 'object', properties: { port: { type: 'integer' }, type: { type: 'string' } } },
    podAnnotations: { type: 'object', additionalProperties: true },
    hosts: { type: 'array', items: { type: 'string' } },
    ratio: { type: 'number' },
  },
};

describe("a spec against its Kind's schema, without the API server", () => {
  it('accepts what fits, integers where numbers go, and anything under an open object', () => {
    const value = { replicaCount: 2, plan: 'gold', service: { port: 80 }, podAnnotations: { a: { b: 1 } }, ratio: 1 };
    assert.deepEqual(schemaProblems(value, spec, 'spec'), []);
  });

  it('names each field of the wrong type, with its path', () => {
    assert.deepEqual(schemaProblems({ replicaCount: 'two', service: { port: 1.5 }, hosts: ['a', 3] }, spec, 'spec'), [
      'spec.replicaCount: must be integer, not string',
      'spec.service.port: must be integer, not number',
      'spec.hosts[1]: must be string, not integer',
    ]);
  });

  it('names fields the schema does not have, which the API server would drop', () => {
    assert.deepEqual(schemaProblems({ servce: { port: 80 } }, spec, 'spec'), [
      'spec.servce: not in the schema (the API server would drop it)',
    ]);
    const open: StructuralSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    assert.deepEqual(schemaProblems({ anything: 1 }, open, 'spec'), []);
  });

  it('checks enums, required fields, null and int-or-string', () => {
    const strict: StructuralSchema = {
      type: 'object',
      required: ['tier'],
      properties: { tier: { type: 'string', enum: ['a', 'b'] }, port: { 'x-kubernetes-int-or-string': true } },
    };
    assert.deepEqual(schemaProblems({ tier: 'c', port: 'http' }, strict, 'spec'), [
      'spec.tier: must be one of "a", "b"',
    ]);
    assert.deepEqual(schemaProblems({ port: null }, strict, 'spec'), [
      'spec.tier: required',
      'spec.port: must not be null',
    ]);
  });
});

/** A release Secret as the API server returns it: Helm's base64 of gzipped JSON, base64 again. */
function releaseSecret(release: Record<string, unknown>, labels: Record<string, string> = {}) {
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    metadata: { name: 'sh.helm.release.v1.r.v2', namespace: 'a1', labels: { owner: 'helm', ...labels } },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

describe("Helm's release payload", () => {
  it('gives the chart that runs, the values it was given and its manifest', () => {
    const secret = releaseSecret({
      name: 'webappservice-a1',
      namespace: 'a1',
      version: 2,
      info: { status: 'deployed' },
      chart: { metadata: { name: 'webapp', version: '0.2.0' } },
      config: { replicaCount: 1 },
      manifest: '---\nkind: Service\n',
    });
    assert.deepEqual(decodeRelease(secret), {
      name: 'webappservice-a1',
      namespace: 'a1',
      revision: 2,
      status: 'deployed',
      chart: { name: 'webapp', version: '0.2.0' },
      config: { replicaCount: 1 },
      manifest: '---\nkind: Service\n',
    });
  });

  it('takes a release installed without values as given {} and passes over what is not a release', () => {
    const secret = releaseSecret({ name: 'r', version: 1, info: { status: 'deployed' }, config: null });
    assert.deepEqual(decodeRelease(secret)?.config, {});
    assert.equal(
      decodeRelease({ metadata: { name: 'x' }, data: { release: 'bm90IGEgcmVsZWFzZQ==' } } as never),
      undefined,
    );
    assert.equal(decodeRelease({ metadata: { name: 'x' } }), undefined);
  });

  it('reads the records of many releases with one selector', () => {
    assert.equal(releaseRecordSelector(['b', 'a', 'b'], 'deployed'), 'owner=helm,name in (a,b),status=deployed');
    assert.equal(releaseRecordSelector(['a']), 'owner=helm,name=a');
  });
});
