import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)$/;

/**
 * Parses exposition text with the npm parser (a port of the Python client's), then checks what that
 * lenient parser lets through: each family once and contiguous, with HELP and TYPE, valid names and
 * values that Go's ParseFloat reads.
 */
export function parseExposition(text: string): ParsedFamily[] {
  assert.ok(text === '' || text.endsWith('\n'), 'the exposition ends with a newline');
  const families = parsePrometheusTextFormat(text);
  const names = families.map((f) => f.name);
  assert.equal(new Set(names).size, names.length, `each family once and contiguous: ${names.join(', ')}`);
  for (const family of families) {
    assert.match(family.name, METRIC_NAME);
    assert.notEqual(family.help, '', `${family.name} has # HELP`);
    assert.notEqual(family.type, 'UNTYPED', `${family.name} has # TYPE`);
    for (const sample of family.metrics) {
      assert.match(sample.value, VALUE, `${family.name} value`);
      for (const label of Object.keys(sample.labels ?? {})) assert.match(label, LABEL_NAME);
    }
  }
  const lines = text.split('\n');
  const declared = lines.filter((l) => l.startsWith('# TYPE ')).length;
  assert.equal(families.length, declared, 'every family the parser found was declared with # TYPE');
  // The parser merges neighbouring samples with equal labels: a duplicate series would vanish.
  const samples = lines.filter((l) => l !== '' && !l.startsWith('#')).length;
  assert.equal(
    families.reduce((sum, f) => sum + f.metrics.length, 0),
    samples,
    'no two samples of a family share their labels',
  );
  return families;
}
