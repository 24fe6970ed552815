import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planWaves, soakPolls, soakVerdict, stopReason } from '../../src/core/install/waves.ts';

const tenants = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

describe('planWaves', () => {
  it('without a canary, each wave is --max-parallel tenants, as the batches were', () => {
    assert.deepEqual(planWaves(tenants, 0, 3), [['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });
  it('a canary is wave 1 on its own, then waves of --max-parallel', () => {
    assert.deepEqual(planWaves(tenants, 1, 3), [['a'], ['b', 'c', 'd'], ['e', 'f', 'g']]);
  });
  it('a canary larger than --max-parallel is still one wave', () => {
    assert.deepEqual(planWaves(tenants, 4, 2), [['a', 'b', 'c', 'd'], ['e', 'f'], ['g']]);
  });
  it('a canary of every tenant, or more, is the one wave', () => {
    assert.deepEqual(planWaves(tenants.slice(0, 2), 5, 1), [['a', 'b']]);
  });
  it('no tenants, no waves', () => {
    assert.deepEqual(planWaves([], 2, 5), []);
  });
});

describe('stopReason', () => {
  it('by default (1) the first failure stops the rollout, as before waves', () => {
    assert.equal(stopReason([], 1), undefined);
    assert.equal(stopReason(['b'], 1), 'b failed, --max-failures is 1');
  });
  it('goes on below --max-failures and stops once it is reached, naming who failed', () => {
    assert.equal(stopReason(['b', 'e'], 3), undefined);
    assert.equal(stopReason(['b', 'e', 'f'], 3), '3 tenants failed (b, e, f), --max-failures is 3');
    assert.equal(stopReason(['b', 'e', 'f', 'g'], 3), '4 tenants failed (b, e, f, g), --max-failures is 3');
  });
});

describe('soakVerdict', () => {
  const ready = { phase: 'Ready' } as const;
  const rolling = { phase: 'Progressing', reason: '1/2 pods ready' } as const;
  const degraded = { phase: 'Degraded', reason: 'Deployment/web: 0/2 ready', cause: 'CrashLoopBackOff' } as const;
  it('Ready and Suspended hold', () => {
    assert.equal(soakVerdict(ready, false, true), 'healthy');
    assert.equal(soakVerdict({ phase: 'Suspended' }, false, false), 'healthy');
  });
  it('Progressing is the new pods rolling out: waited for until first Ready, never at the last poll', () => {
    assert.equal(soakVerdict(rolling, false, false), 'waiting');
    assert.equal(soakVerdict(rolling, true, false), 'unhealthy');
    assert.equal(soakVerdict(rolling, false, true), 'unhealthy');
  });
  it('Degraded, Failed and Unknown fail at once', () => {
    assert.equal(soakVerdict(degraded, false, false), 'unhealthy');
    assert.equal(soakVerdict({ phase: 'Failed', reason: 'release revision 3 failed' }, false, false), 'unhealthy');
    assert.equal(soakVerdict({ phase: 'Unknown', reason: 'tenant not listed' }, true, false), 'unhealthy');
  });
});

describe('soakPolls', () => {
  it('polls four times, the last at the end of the soak', () => {
    assert.deepEqual(soakPolls(120_000), [30_000, 60_000, 90_000, 120_000]);
  });
  it('no closer than a second apart: a 2 s soak polls twice, a short one once at its end', () => {
    assert.deepEqual(soakPolls(2000), [1000, 2000]);
    assert.deepEqual(soakPolls(500), [500]);
  });
});
