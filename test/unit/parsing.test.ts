import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeVerbosity } from '../../src/cli/verbosity.ts';
import { formatDuration, parseDuration } from '../../src/core/duration.ts';
import { parseSelector } from '../../src/core/kube/selector.ts';
import { formatBytes, formatCpu, parseQuantity } from '../../src/core/quantity.ts';

describe('durations', () => {
  it('parses Go durations and bare seconds', () => {
    assert.equal(parseDuration('timeout', '5m'), 300_000);
    assert.equal(parseDuration('timeout', '1h30m'), 5_400_000);
    assert.equal(parseDuration('timeout', '250ms'), 250);
    assert.equal(parseDuration('request-timeout', '7'), 7000);
    assert.equal(parseDuration('request-timeout', '0'), 0);
  });

  it('rejects garbage naming the flag', () => {
    assert.throws(() => parseDuration('timeout', '5 minutes'), /invalid duration "5 minutes" for --timeout/);
    assert.throws(() => parseDuration('timeout', ''), /invalid duration/);
  });

  it('prints ages as kubectl does', () => {
    const s = 1000;
    assert.equal(formatDuration(45 * s), '45s');
    assert.equal(formatDuration(150 * s), '2m30s');
    assert.equal(formatDuration(30 * 60 * s), '30m');
    assert.equal(formatDuration(5 * 3600 * s + 120 * s), '5h2m');
    assert.equal(formatDuration(30 * 3600 * s), '30h');
    assert.equal(formatDuration(3 * 86400 * s + 3600 * s), '3d1h');
    assert.equal(formatDuration(400 * 86400 * s), '400d');
  });
});

describe('quantities', () => {
  it('parses decimal and binary suffixes and exponents', () => {
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('2'), 2);
    assert.equal(parseQuantity('1.5Gi'), 1.5 * 2 ** 30);
    assert.equal(parseQuantity('128Mi'), 128 * 2 ** 20);
    assert.equal(parseQuantity('1k'), 1000);
    assert.equal(parseQuantity('2e3'), 2000);
    assert.equal(parseQuantity('abc'), undefined);
    assert.equal(parseQuantity('1.5.5'), undefined);
  });

  it('formats CPU and memory as kubectl users read them', () => {
    assert.equal(formatCpu(1.2), '1200m');
    assert.equal(formatCpu(4), '4');
    assert.equal(formatBytes(8 * 2 ** 30), '8Gi');
    assert.equal(formatBytes(1.5 * 2 ** 30), '1.5Gi');
    assert.equal(formatBytes(300), '300');
  });
});

describe('label selectors', () => {
  const labels = { tier: 'gold', region: 'eu', 'mimt.io/tenant': 'acme' };

  it('matches equality, inequality, sets and existence', () => {
    assert.equal(parseSelector('tier=gold')(labels), true);
    assert.equal(parseSelector('tier==gold,region=eu')(labels), true);
    assert.equal(parseSelector('tier!=gold')(labels), false);
    assert.equal(parseSelector('region in (eu, us)')(labels), true);
    assert.equal(parseSelector('region notin (eu)')(labels), false);
    assert.equal(parseSelector('mimt.io/tenant')(labels), true);
    assert.equal(parseSelector('!paused')(labels), true);
    assert.equal(parseSelector('tier=silver')(labels), false);
  });

  it('rejects a malformed selector, naming it', () => {
    assert.throws(() => parseSelector('tier=gold,=x'), /invalid label selector "tier=gold,=x"/);
    assert.throws(() => parseSelector('tier=go ld'), /invalid label selector/);
  });
});

describe('verbosity flags', () => {
  it('accepts kubectl spellings and counted -v', () => {
    assert.deepEqual(normalizeVerbosity(['-v=6', 'ls']), ['--verbose=6', 'ls']);
    assert.deepEqual(normalizeVerbosity(['--v=4']), ['--verbose=4']);
    assert.deepEqual(normalizeVerbosity(['-v', '3', 'acme']), ['--verbose=3', 'acme']);
    assert.deepEqual(normalizeVerbosity(['-v', 'acme']), ['--verbose=1', 'acme']);
    assert.deepEqual(normalizeVerbosity(['-vv']), ['--verbose=2']);
    assert.deepEqual(normalizeVerbosity(['--', '-v']), ['--', '-v']);
  });
});
