import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { graphvizChunk, plugin, runTracingModules } from '../support/run.ts';

describe('Graphviz loads only for -o svg', () => {
  it('is not loaded by --help, a flag error or another command', async () => {
    const chunk = new RegExp(graphvizChunk().replace('.', '\\.'));
    for (const [name, args] of [
      ['kubectl-mimt-graph', ['--help']],
      ['kubectl-mimt-graph', ['acme', '-o', 'png']],
      ['kubectl-mimt-ls', ['--help']],
      ['kubectl-mimt', ['events', '--help']],
    ] as const) {
      const result = await runTracingModules(plugin(name), [...args]);
      assert.match(result.stderr, new RegExp(`LOADED .*${name}\\.js`));
      assert.doesNotMatch(result.stderr, chunk, `${name} ${args.join(' ')}`);
    }
  });
});
