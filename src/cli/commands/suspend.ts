import type { SuspendOptions } from '../../commands/suspend.ts';
import { usageError } from '../../core/errors.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { type ParsedArgs, defineCommand, positionals } from '../spec.ts';

/** The flags suspend and resume share. */
export const SELECTION_FLAGS = {
  all: { type: 'boolean', default: false, describe: 'Every tenant' },
  selector: { alias: 'l', type: 'string', describe: 'The tenants matching this label selector' },
  source: { type: 'string', choices: TENANT_SOURCES, describe: 'Only tenants of this source' },
  'dry-run': { type: 'boolean', default: false, describe: 'List what would change; change nothing' },
} as const;

/** TENANT… or --all or -l, exactly one of them. */
export function selectionOptions(verb: string, args: ParsedArgs<typeof SELECTION_FLAGS>): SuspendOptions {
  const names = positionals(args);
  const ways = [names.length > 0, args.all, args.selector !== undefined].filter(Boolean).length;
  if (ways === 0) throw usageError(`name the tenants to ${verb}, or pass --all or -l SELECTOR`);
  if (ways > 1) throw usageError('tenant names, --all and -l/--selector exclude each other: use one');
  return {
    tenants: names.map(assertTenantName),
    all: args.all,
    selector: args.selector,
    source: args.source,
    dryRun: args.dryRun,
  };
}

export default defineCommand({
  name: 'suspend',
  usage: 'kubectl mimt suspend TENANT... | --all | -l SELECTOR [--dry-run] [flags]',
  description: [
    'Suspend tenants at zero cost: scale every Deployment and StatefulSet to 0 and suspend every CronJob',
    'of the tenant, recording on each object what it was, so that resume restores exactly that. A',
    'ResourceQuota of zero pods keeps anything else from starting a pod; autoscalers stop by themselves',
    'while their target is at 0. PVCs, Services, Secrets and the Helm release stay. Running it again',
    'changes nothing; install keeps a suspended tenant suspended.',
  ].join('\n'),
  examples: [
    ['kubectl mimt suspend acme', 'Suspend tenant acme'],
    ['kubectl mimt suspend acme globex --dry-run', 'List what would change, change nothing'],
    ['kubectl mimt suspend -l plan=trial', 'Suspend every tenant labelled plan=trial'],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: SELECTION_FLAGS,
  options: (args) => selectionOptions('suspend', args),
  run: async (options, context) => (await import('../../commands/suspend.ts')).suspend(options, context),
});
