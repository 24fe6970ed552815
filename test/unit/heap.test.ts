import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * The young generation's size after parsing JSON that dies young, as a listing does, in a process
 * of its own: V8's flags are per process.
 */
function youngGenerationMb(keepSmall: boolean): { mb: number; stderr: string } {
  const script = `
    import v8 from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(new URL('../../src/cli/heap.ts', import.meta.url).href)};
    if (${keepSmall}) keepYoungGenerationSmall();
    const kept = [];
    for (let i = 0; i < 100000; i += 1) {
      const item = JSON.parse(JSON.stringify({ metadata: { name: 'web-' + i, labels: { app: 'web' } }, cells: ['x'.repeat(200)] }));
      if (i % 20 === 0) kept.push(item.metadata);
    }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(young.space_size / 1048576));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return { mb: Number(run.stdout), stderr: run.stderr };
}

describe('memory of commands that read a cluster', () => {
  it('keeps the young generation at its start size, and V8 takes the flag without a word', () => {
    const grown = youngGenerationMb(false);
    const kept = youngGenerationMb(true);
    assert.ok(grown.mb >= 8, `without the setting the young generation grows (${grown.mb} MB)`);
    assert.ok(kept.mb <= 4, `with it, it stays small (${kept.mb} MB)`);
    assert.equal(kept.stderr, '');
  });
});
