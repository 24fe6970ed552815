import { usageError } from '../../core/errors.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import type { LsSortKey } from '../../views/ls.ts';
import { defineCommand, positionals } from '../spec.ts';

const SORT_KEYS: readonly LsSortKey[] = ['name', 'age', 'status'];

export default defineCommand({
  name: 'ls',
  usage: 'kubectl mimt ls [TENANT] [-l selector] [--source mimt|kubeplus] [-o wide|json|yaml|name] [-w]',
  description:
    "List every tenant (mimt's own and KubePlus instances) with its chart, release and pod health, or " +
    'describe one: its resources, pods, URLs, policy and recent Warning events.\n\n' +
    'Without the right to list namespaces cluster-wide, only the namespace of the context (-n) and the ' +
    'tenants named are looked at, and a note on stderr says so.',
  examples: [
    ['kubectl mimt ls', 'List all tenants'],
    ['kubectl mimt ls -o wide', 'Add release, revision, profile, policy state and quota use'],
    ['kubectl mimt ls acme', 'Describe one tenant: resources, pods, URLs, policy, events'],
    ['kubectl mimt ls acme -o json', 'One tenant as a Tenant object, with its resources, URLs and events'],
    ['kubectl mimt ls -l tier=gold --sort-by status', 'Gold tenants, the worst first'],
    ['kubectl mimt ls -w', 'Show the list again whenever a tenant, pod or release changes; Ctrl-C ends'],
  ],
  formats: ['table', 'wide', 'json', 'yaml', 'name'],
  flags: {
    selector: { alias: 'l', type: 'string', describe: 'Label selector on tenants, e.g. tier=gold' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'Only tenants of this source' },
    'sort-by': { type: 'string', choices: SORT_KEYS, default: 'name', describe: 'Sort order' },
    watch: {
      alias: 'w',
      type: 'boolean',
      default: false,
      describe: 'After the first answer, show it again on every change (watch API); Ctrl-C ends',
    },
  },
  options(args, format) {
    const positional = positionals(args);
    if (positional.length > 1)
      throw usageError(`expected at most one tenant name, got ${positional.length}: ${positional.join(' ')}`);
    const tenant = positional[0];
    return {
      tenant: tenant === undefined ? undefined : assertTenantName(tenant),
      selector: args.selector,
      source: args.source,
      sortBy: args.sortBy,
      watch: args.watch,
      // The plain table and names keep to the inventory's requests; the audit costs three lists more.
      policy: format === 'wide' || format === 'json' || format === 'yaml',
      notes: format === 'wide',
    };
  },
  run: async (options, context) => (await import('../../commands/ls.ts')).ls(options, context),
  fleet: { refuse: (options) => (options.watch ? '--watch follows one cluster: give one --context' : undefined) },
});
