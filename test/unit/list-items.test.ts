import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListItemsParser } from '../../src/core/kube/list-items.ts';

/** The answer as the client hands it on: the envelope parsed, the items put back in their member. */
function parsed(chunks: Buffer[]): unknown {
  const parser = new ListItemsParser();
  for (const chunk of chunks) parser.push(chunk);
  const answer = parser.end();
  const value = JSON.parse(answer.envelope.toString('utf8'));
  if (answer.key) value[answer.key] = answer.items;
  return value;
}

const compact = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Strings that end where a naive scan would go wrong: escaped quotes, backslashes, brackets. */
const awkward = {
  quote: 'say "}]" then \\',
  backslashes: '\\\\"\\',
  brackets: '{[{[',
  unicode: 'naïve – 東京 🚀',
  key: '"items":[',
};

const list = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '4711', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ' },
  items: [
    {
      metadata: { name: 'a', namespace: 't1', annotations: awkward },
      spec: { containers: [{ name: 'c', args: ['[', ']'] }] },
    },
    {
      metadata: { name: 'b', namespace: 't2', labels: { 'app.kubernetes.io/name': 'web' } },
      status: { phase: 'Running' },
    },
    { metadata: { name: 'c', namespace: 't3' }, data: { 'x.json': '{"items":[{"a":1}]}' } },
  ],
};

const table = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '88' },
  columnDefinitions: [{ name: 'Name', type: 'string', format: 'name' }],
  rows: [
    {
      cells: ['web-0', '1/1', 'Running', 0, '5m'],
      object: { kind: 'PartialObjectMetadata', metadata: { name: 'web-0' } },
    },
    { cells: ['web-1', '0/1', 'Pending', 2, '5m'], object: { metadata: { name: 'web-1', annotations: awkward } } },
  ],
};

describe('a list answer parsed item by item', () => {
  it('gives the list and the table as JSON.parse gives them', () => {
    assert.deepEqual(parsed([compact(list)]), list);
    assert.deepEqual(parsed([compact(table)]), table);
  });

  it('keeps the envelope without the items, and says which member held them', () => {
    const parser = new ListItemsParser();
    parser.push(compact(list));
    const answer = parser.end();
    assert.equal(answer.key, 'items');
    assert.equal(answer.items.length, 3);
    assert.deepEqual(JSON.parse(answer.envelope.toString('utf8')), { ...list, items: [] });
  });

  it('gives the same answer however the body is cut into chunks on the wire', () => {
    for (const value of [list, table]) {
      const json = compact(value);
      for (let cut = 1; cut < json.length; cut += 1)
        for (const size of [1, 2, 7, 64]) {
          const chunks = [json.subarray(0, cut)];
          for (let at = cut; at < json.length; at += size) chunks.push(json.subarray(at, at + size));
          assert.deepEqual(parsed(chunks), value, `cut at ${cut}, then chunks of ${size}`);
        }
    }
  });

  it('takes a Status, an empty list and a null list whole', () => {
    const status = {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'pods is forbidden: User "alice" cannot list resource "pods"',
      details: { causes: [{ message: 'x' }] },
      code: 403,
    };
    assert.deepEqual(parsed([compact(status)]), status);
    assert.deepEqual(parsed([compact({ kind: 'List', metadata: {}, items: [] })]), {
      kind: 'List',
      metadata: {},
      items: [],
    });
    assert.deepEqual(parsed([compact({ kind: 'Table', rows: null })]), { kind: 'Table', rows: null });
  });

  it('does not take an array of another member for the items', () => {
    const parser = new ListItemsParser();
    parser.push(compact({ metadata: { finalizers: ['kubernetes'] }, columnDefinitions: [{ name: 'Name' }] }));
    assert.equal(parser.end().key, undefined);
  });

  it('fails on an item that is not JSON, rather than dropping it', () => {
    const parser = new ListItemsParser();
    assert.throws(() => parser.push(Buffer.from('{"items":[{"a":tru}]}')), SyntaxError);
  });
});
