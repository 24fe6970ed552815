import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { COMMANDS } from '../../src/cli/registry.ts';
import { isGroup } from '../../src/cli/spec.ts';
import { type Run, plugin, run } from '../support/run.ts';

/**
 * The build swaps parts of the help layout and of yargs' platform for lighter ones
 * (scripts/lean-start.ts). What a user reads must not change: the built executable's help and usage
 * errors are the sources' word for word.
 */
async function invocations(): Promise<string[][]> {
  const all: string[][] = [['--help'], ['ls', '--output', 'bogus'], ['ls', '--bogus'], ['policy', 'bogus']];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    all.push([name, '--help']);
    const command = await entry.load();
    if (isGroup(command)) for (const sub of Object.keys(command.subcommands)) all.push([name, sub, '--help']);
  }
  return all;
}

/** The sources run in this process, writing to a pipe as the executable does (no terminal width). */
async function fromSources(argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const exitCode = await main(undefined, argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: {},
  });
  return { exitCode, stdout, stderr };
}

describe('the built executables', () => {
  it("print the sources' help and usage errors", async () => {
    const all = await invocations();
    const built = await Promise.all(all.map((argv) => run(plugin('kubectl-mimt'), argv)));
    for (const [index, argv] of all.entries()) {
      assert.deepEqual(built[index], await fromSources(argv), `kubectl mimt ${argv.join(' ')}`);
    }
  });
});
