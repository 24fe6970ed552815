import { SHELLS, type Shell } from '../../commands/completion.ts';
import { usageError } from '../../core/errors.ts';
import { COMMANDS } from '../registry.ts';
import { defineCommand, positionals } from '../spec.ts';

export default defineCommand({
  name: 'completion',
  usage: `kubectl mimt completion ${SHELLS.join('|')}`,
  description: [
    'Print a completion script for typing kubectl-mimt and kubectl-mimt-<command> directly. Through',
    "kubectl (kubectl mimt <Tab>), kubectl's own completion asks the executable kubectl_complete-mimt,",
    'which the npm package installs; see docs/distribution.md for the other installs.',
  ].join('\n'),
  examples: [
    ['source <(kubectl mimt completion bash)', 'Complete in this bash session; add it to ~/.bashrc to keep it'],
    ['source <(kubectl mimt completion zsh)', 'The same for zsh (after compinit)'],
    ['kubectl mimt completion fish | source', 'The same for fish'],
  ],
  formats: ['table'],
  flags: {},
  options(args) {
    const positional = positionals(args);
    const shell = positional[0];
    if (positional.length !== 1 || !SHELLS.includes(shell as Shell)) {
      throw usageError(
        `expected one shell, got ${positional.length ? `"${positional.join(' ')}"` : 'none'}: use one of ${SHELLS.join(', ')}`,
      );
    }
    return { shell: shell as Shell, commands: Object.keys(COMMANDS) };
  },
  run: async (options) => (await import('../../commands/completion.ts')).completionScript(options),
});
