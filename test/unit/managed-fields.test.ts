import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManagedFieldsFilter } from '../../src/core/kube/managed-fields.ts';

/** What the filter lets through of `chunks`, joined. */
function filtered(chunks: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  const filter = new ManagedFieldsFilter((part) => parts.push(Buffer.from(part)));
  for (const chunk of chunks) filter.push(chunk);
  filter.end();
  return Buffer.concat(parts);
}

/** A whole answer through the filter, as one chunk. */
const withoutManagedFields = (json: Buffer): Buffer => filtered([json]);

/** Compact JSON, as the API server writes it. */
const compact = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const parsed = (json: Buffer): unknown => JSON.parse(json.toString('utf8'));

const entry = (manager: string) => ({
  manager,
  operation: 'Update',
  apiVersion: 'v1',
  time: '2026-12-03T06:33:07Z',
  fieldsType: 'FieldsV1',
  // Keys of the field set are strings holding brackets, braces and escaped quotes.
  fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:message]}': {} } } } },
});

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace: 't1', ...extra, labels: { app: 'web' } },
  status: { phase: 'Running' },
});

describe('managedFields are left out of what the API server sends', () => {
  it('drops them from every item of a list, keeping every other field as it was', () => {
    const list = {
      kind: 'PodList',
      items: [
        pod('a', { managedFields: [entry('kube-controller-manager'), entry('kubelet')] }),
        pod('b', { managedFields: [entry('kubectl')] }),
      ],
    };
    assert.deepEqual(parsed(withoutManagedFields(compact(list))), {
      kind: 'PodList',
      items: [pod('a'), pod('b')],
    });
  });

  it('drops them when they come first, last or alone in the metadata', () => {
    const first = { metadata: { managedFields: [entry('helm')], name: 'x' } };
    const last = { metadata: { name: 'x', managedFields: [entry('helm')] } };
    const alone = { metadata: { managedFields: [entry('helm')] }, spec: {} };
    assert.deepEqual(parsed(withoutManagedFields(compact(first))), { metadata: { name: 'x' } });
    assert.deepEqual(parsed(withoutManagedFields(compact(last))), { metadata: { name: 'x' } });
    assert.deepEqual(parsed(withoutManagedFields(compact(alone))), { metadata: {}, spec: {} });
  });

  it('keeps a data key that is named managedFields, and text that mentions them', () => {
    const configMap = {
      metadata: { name: 'c', annotations: { note: '"managedFields":[{"manager":"x"}]' } },
      data: { managedFields: '[{"manager":"x"}]' },
    };
    const json = compact(configMap);
    assert.deepEqual(withoutManagedFields(json), json);
  });

  it('returns an answer without them unchanged, and an empty one empty', () => {
    const json = compact({ kind: 'Status', status: 'Success' });
    assert.deepEqual(withoutManagedFields(json), json);
    assert.equal(withoutManagedFields(Buffer.alloc(0)).length, 0);
  });

  it('gives the same answer however the body is cut into chunks on the wire', () => {
    const list = {
      items: [
        pod('a', { managedFields: [entry('kube-controller-manager')] }),
        { metadata: { managedFields: [entry('kubelet')], name: 'b' } },
        pod('c'),
      ],
    };
    const json = compact(list);
    const whole = JSON.stringify({ items: [pod('a'), { metadata: { name: 'b' } }, pod('c')] });
    for (let cut = 1; cut < json.length; cut += 1)
      for (const size of [1, 3, 29]) {
        const chunks = [json.subarray(0, cut)];
        for (let at = cut; at < json.length; at += size) chunks.push(json.subarray(at, at + size));
        assert.equal(filtered(chunks).toString('utf8'), whole, `cut at ${cut}, then chunks of ${size}`);
      }
  });
});
