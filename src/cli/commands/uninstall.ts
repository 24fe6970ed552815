import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { defineCommand, positionals } from '../spec.ts';

export default defineCommand({
  name: 'uninstall',
  usage: 'kubectl mimt uninstall TENANT [--keep-namespace] [--yes] [--dry-run] [flags]',
  description: [
    'Uninstall a tenant: helm uninstall its release, then delete its namespace, but only if the namespace',
    "carries mimt's tenant labels. System namespaces, unlabelled namespaces and KubePlus instances are",
    'refused. Asks for confirmation on a terminal; elsewhere it needs --yes.',
  ].join('\n'),
  examples: [
    ['kubectl mimt uninstall acme', 'Ask, then remove tenant acme and its namespace'],
    ['kubectl mimt uninstall acme --yes', 'Without asking (scripts, CI)'],
    ['kubectl mimt uninstall acme --keep-namespace --yes', 'Remove the release only'],
    ['kubectl mimt uninstall acme --dry-run', 'Say what would be removed'],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: {
    'keep-namespace': { type: 'boolean', default: false, describe: 'Remove the Helm release but keep the namespace' },
    yes: { alias: 'y', type: 'boolean', default: false, describe: 'Do not ask for confirmation' },
    'dry-run': { type: 'boolean', default: false, describe: 'Say what would be removed; change nothing' },
    timeout: { type: 'string', default: '2m', describe: 'How long to wait for the release and namespace to go' },
  },
  options(args) {
    const positional = positionals(args);
    if (positional.length !== 1) {
      throw usageError(
        positional.length === 0 ? 'a tenant name is required' : `expected one tenant name, got ${positional.join(' ')}`,
      );
    }
    return {
      tenant: assertTenantName(positional[0] as string),
      keepNamespace: args.keepNamespace,
      yes: args.yes,
      dryRun: args.dryRun,
      timeoutMs: parseDuration('timeout', args.timeout),
    };
  },
  run: async (options, context) => (await import('../../commands/uninstall.ts')).uninstall(options, context),
});
