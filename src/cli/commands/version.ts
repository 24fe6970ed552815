import { usageError } from '../../core/errors.ts';
import { defineCommand, positionals } from '../spec.ts';

export default defineCommand({
  name: 'version',
  usage: 'kubectl mimt version [--client] [-o json|yaml] [flags]',
  description: [
    "Print mimt's version and the git commit it was built from, the Node.js that runs it (built into the",
    "standalone executables) and the Kubernetes version of the server, or 'unreachable' when the server",
    'does not answer within 2 seconds. --version on any mimt executable prints the same without the server.',
  ].join('\n'),
  examples: [
    ['kubectl mimt version', 'Versions of mimt, its Node.js and the cluster'],
    ['kubectl mimt version --client -o json', 'Without asking the server, as JSON'],
    ['kubectl-mimt-ls --version', 'The same as version --client, from any mimt executable'],
  ],
  formats: ['table', 'json', 'yaml'],
  flags: {
    client: { type: 'boolean', default: false, describe: 'Do not ask the server for its version' },
  },
  options(args) {
    const positional = positionals(args);
    if (positional.length > 0) throw usageError(`version takes no arguments, got ${positional.join(' ')}`);
    return { client: args.client };
  },
  run: async (options, context) => (await import('../../commands/version.ts')).version(options, context),
});
