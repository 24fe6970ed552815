import { usageError } from '../../core/errors.ts';
import { TENANT_SOURCES, type TenantSource } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import type { LsOptions, SortKey } from '../../commands/ls.ts';
import { defineCommand } from '../spec.ts';

const SORT_KEYS: readonly SortKey[] = ['name', 'age', 'status'];

export default defineCommand<LsOptions>({
  name: 'ls',
  summary: 'List tenants and their state, or show one tenant',
  usage: 'kubectl mimt ls [TENANT] [-l selector] [--source mimt|kubeplus] [-o wide|json|yaml|name] [flags]',
  description: "List every tenant (mimt's own and KubePlus instances) with its chart, release and pod health.",
  examples: [
    ['kubectl mimt ls', 'List all tenants'],
    ['kubectl mimt ls -o wide', 'Add release, revision, profile and quota use'],
    ['kubectl mimt ls acme -o json', 'One tenant as a Tenant object'],
    ['kubectl mimt ls -l tier=gold --sort-by status', 'Gold tenants, the worst first'],
  ],
  formats: ['table', 'wide', 'json', 'yaml', 'name'],
  flags: {
    selector: { alias: 'l', type: 'string', describe: 'Label selector on tenants, e.g. tier=gold' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'Only tenants of this source' },
    'sort-by': { type: 'string', choices: SORT_KEYS, default: 'name', describe: 'Sort order' },
  },
  options(args) {
    const positional = (args._ as unknown[]).map(String);
    if (positional.length > 1)
      throw usageError(`expected at most one tenant name, got ${positional.length}: ${positional.join(' ')}`);
    const tenant = positional[0];
    return {
      tenant: tenant === undefined ? undefined : assertTenantName(tenant),
      selector: args.selector as string | undefined,
      source: args.source as TenantSource | undefined,
      sortBy: args.sortBy as SortKey,
    };
  },
  run: async (options, context) => (await import('../../commands/ls.ts')).ls(options, context),
});
