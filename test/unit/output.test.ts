import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from 'js-yaml';
import { colourEnabled } from '../../src/output/colour.ts';
import { render } from '../../src/output/render.ts';
import { type ColumnDef, listing } from '../../src/output/result.ts';
import { renderTable } from '../../src/output/table.ts';

interface Row {
  name: string;
  status: string;
  extra: string;
}

const columns: ColumnDef<Row>[] = [
  { header: 'NAME', value: (r) => r.name },
  { header: 'STATUS', value: (r) => r.status, tone: (r) => (r.status === 'Ready' ? 'green' : 'red') },
  { header: 'EXTRA', value: (r) => r.extra, wide: true },
];

const rows: Row[] = [
  { name: 'acme', status: 'Ready', extra: 'x' },
  { name: 'globex-corp', status: 'Failed', extra: 'y' },
];

const result = (items: Row[]) =>
  listing(items, columns, {
    document: { kind: 'RowList', items },
    name: (r) => `row/${r.name}`,
    emptyMessage: 'No rows found',
  });

const plain = { format: 'table', noHeaders: false, colour: false } as const;

describe('renderers', () => {
  it('prints kubectl-style tables: headers, columns three spaces apart, no trailing blanks', () => {
    assert.equal(
      render(result(rows), plain).stdout,
      ['NAME          STATUS', 'acme          Ready', 'globex-corp   Failed', ''].join('\n'),
    );
  });

  it('adds wide columns only with -o wide and drops headers with --no-headers', () => {
    assert.match(
      render(result(rows), { ...plain, format: 'wide' }).stdout,
      /^NAME\s+STATUS\s+EXTRA\nacme\s+Ready\s+x\n/,
    );
    assert.doesNotMatch(render(result(rows), { ...plain, noHeaders: true }).stdout, /NAME/);
  });

  it('prints JSON with four-space indentation and YAML that parses back to the same document', () => {
    const json = render(result(rows), { ...plain, format: 'json' }).stdout;
    assert.match(json, /^\{\n {4}"kind": "RowList"/);
    assert.deepEqual(JSON.parse(json), { kind: 'RowList', items: rows });
    assert.deepEqual(load(render(result(rows), { ...plain, format: 'yaml' }).stdout), { kind: 'RowList', items: rows });
  });

  it('prints resource/name lines with -o name', () => {
    assert.equal(render(result(rows), { ...plain, format: 'name' }).stdout, 'row/acme\nrow/globex-corp\n');
  });

  it('says an empty listing on stderr and prints nothing on stdout', () => {
    assert.deepEqual(render(result([]), plain), { stdout: '', stderr: ['No rows found'] });
  });

  it('aligns columns by what a terminal shows: colour codes take no room, wide characters two', () => {
    const table = renderTable(
      ['NAME', 'STATUS', 'AGE'],
      [
        ['\u001b[32macme\u001b[39m', 'Ready', '5m'],
        ['株式会社', 'Failed', '2d'],
        ['x', 'a\nb', '1s'],
      ],
    );
    assert.equal(
      table.replace(/\u001b\[\d+m/g, ''),
      [
        'NAME       STATUS   AGE',
        'acme       Ready    5m',
        '株式会社   Failed   2d',
        'x          a b      1s',
        '',
      ].join('\n'),
    );
  });

  it('colours only when enabled', () => {
    assert.doesNotMatch(render(result(rows), plain).stdout, /\u001b\[/);
    assert.match(render(result(rows), { ...plain, colour: true }).stdout, /\u001b\[32mReady\u001b\[39m/);
  });

  it('enables colour on a terminal only, never with NO_COLOR or TERM=dumb', () => {
    assert.equal(colourEnabled('auto', true, {}), true);
    assert.equal(colourEnabled('auto', false, {}), false);
    assert.equal(colourEnabled('auto', true, { NO_COLOR: '1' }), false);
    assert.equal(colourEnabled('auto', true, { TERM: 'dumb' }), false);
    assert.equal(colourEnabled('always', false, { NO_COLOR: '1' }), true);
  });
});
