import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPrometheus } from '../../src/output/prometheus.ts';
import { parseExposition } from '../support/prometheus.ts';

describe('Prometheus text format', () => {
  it('writes HELP and TYPE before the samples of each family', () => {
    const text = renderPrometheus([
      {
        name: 'mimt_tenant_cpu_usage_cores',
        help: 'CPU used.',
        type: 'gauge',
        samples: [
          { labels: { tenant: 'acme', namespace: 'acme' }, value: 0.08 },
          { labels: { tenant: 'globex', namespace: 'globex' }, value: 1.5 },
        ],
      },
      { name: 'mimt_metrics_api_available', help: 'Up.', type: 'gauge', samples: [{ labels: {}, value: 1 }] },
    ]);
    assert.equal(
      text,
      [
        '# HELP mimt_tenant_cpu_usage_cores CPU used.',
        '# TYPE mimt_tenant_cpu_usage_cores gauge',
        'mimt_tenant_cpu_usage_cores{tenant="acme",namespace="acme"} 0.08',
        'mimt_tenant_cpu_usage_cores{tenant="globex",namespace="globex"} 1.5',
        '# HELP mimt_metrics_api_available Up.',
        '# TYPE mimt_metrics_api_available gauge',
        'mimt_metrics_api_available 1',
        '',
      ].join('\n'),
    );
    const families = parseExposition(text);
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.metrics.length]),
      [
        ['mimt_tenant_cpu_usage_cores', 'GAUGE', 2],
        ['mimt_metrics_api_available', 'GAUGE', 1],
      ],
    );
  });

  it('escapes label values and help text so that a parser reads them back unchanged', () => {
    const odd = 'a "quoted" \\ back\nslash';
    const text = renderPrometheus([
      { name: 'm', help: 'line one\nline \\ two', type: 'counter', samples: [{ labels: { pod: odd }, value: 2 }] },
    ]);
    assert.match(text, /^# HELP m line one\\nline \\\\ two$/m);
    const [family] = parseExposition(text);
    assert.equal(family?.help, 'line one\nline \\ two');
    assert.equal(family?.metrics[0]?.labels?.pod, odd);
  });

  it('writes the special values as the format spells them, and large and small numbers readably', () => {
    const values = [NaN, Infinity, -Infinity, 1e-7, 2 ** 60, 0];
    const text = renderPrometheus([
      { name: 'm', help: 'h', type: 'gauge', samples: values.map((value, i) => ({ labels: { i: String(i) }, value })) },
    ]);
    const parsed = parseExposition(text)[0]?.metrics.map((m) => m.value);
    assert.deepEqual(parsed, ['NaN', '+Inf', '-Inf', '1e-7', '1152921504606847000', '0']);
    assert.equal(Number(parsed?.[4]), 2 ** 60);
  });

  it('leaves out families without samples', () => {
    assert.equal(renderPrometheus([{ name: 'm', help: 'h', type: 'gauge', samples: [] }]), '');
  });

  it('refuses names the format does not allow, and a family given twice', () => {
    const family = (name: string, label = 'tenant') => ({
      name,
      help: 'h',
      type: 'gauge' as const,
      samples: [{ labels: { [label]: 'x' }, value: 1 }],
    });
    assert.throws(() => renderPrometheus([family('mimt-tenant')]), /invalid Prometheus metric name "mimt-tenant"/);
    assert.throws(() => renderPrometheus([family('m', 'a.b')]), /invalid Prometheus label name "a.b"/);
    assert.throws(() => renderPrometheus([family('m', '__name__')]), /invalid Prometheus label name/);
    assert.throws(() => renderPrometheus([family('m'), family('m')]), /given twice/);
  });
});
