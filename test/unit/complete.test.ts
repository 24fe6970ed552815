import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete, usageSlots } from '../../src/cli/complete.ts';
import { GLOBAL_FLAGS, walk } from '../../src/cli/flags.ts';

describe('completion: reading usage lines', () => {
  it('finds positionals, their literal words and tenant placeholders, and skips flags and their values', () => {
    assert.deepEqual(usageSlots('kubectl mimt ls [TENANT] [-l selector] [--source mimt|kubeplus] [flags]'), [
      { literals: [], tenant: true },
    ]);
    assert.deepEqual(usageSlots('kubectl mimt install TENANT --chart CHART [--version V] [-f values.yaml]...'), [
      { literals: [], tenant: true },
    ]);
    assert.deepEqual(usageSlots('kubectl mimt policy allow FROM TO [--port P]', 2), [
      { literals: [], tenant: true },
      { literals: [], tenant: true },
    ]);
    assert.deepEqual(usageSlots('kubectl mimt metrics [TENANT | -A] [--pods | --containers]'), [
      { literals: [], tenant: true },
    ]);
    assert.deepEqual(usageSlots('kubectl mimt completion bash|zsh|fish'), [
      { literals: ['bash', 'zsh', 'fish'], tenant: false },
    ]);
  });
});

describe('completion: reading the words typed', () => {
  const flags = { ...GLOBAL_FLAGS, watch: { alias: 'w', type: 'boolean' as const } };

  it('pairs flags with their values in both forms and leaves positionals', () => {
    const walked = walk(['-n', 'team-a', 'acme', '--context=prod', '-w'], flags);
    assert.deepEqual(walked.positionals, ['acme']);
    assert.equal(walked.values.get('namespace'), 'team-a');
    assert.equal(walked.values.get('context'), 'prod');
    assert.equal(walked.values.get('watch'), 'true');
    assert.equal(walked.pending, undefined);
  });

  it('knows when the word being typed is the value of the flag before it', () => {
    assert.equal(walk(['acme', '--namespace'], flags).pending, 'namespace');
    assert.equal(walk(['acme', '-w'], flags).pending, undefined);
  });
});

describe('completion of a command group', () => {
  const none = () => ({ tenants: async () => [], namespaces: async () => [], kubeconfig: async () => [] });
  const values = async (words: string[]) =>
    (await complete(words, none)).candidates.map((c) => c.split('\t')[0] as string);

  it("offers the subcommands first, then each subcommand's own flags and flag values", async () => {
    assert.deepEqual(await values(['policy', 'a']), ['apply', 'audit', 'allow']);
    const auditFlags = await values(['policy', 'audit', '--']);
    assert.ok(auditFlags.includes('--all-namespaces'));
    assert.ok(!auditFlags.includes('--port') && !auditFlags.includes('--profile'), auditFlags.join(' '));
    assert.ok((await values(['policy', 'allow', '--'])).includes('--port'));
    assert.deepEqual(await values(['policy', '-n', 'team', 'kubeconfig', 't1', '--role', '']), [
      'admin',
      'edit',
      'view',
    ]);
  });
});
