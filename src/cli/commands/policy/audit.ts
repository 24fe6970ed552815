import { usageError } from '../../../core/errors.ts';
import { assertTenantName } from '../../../core/tenant/name.ts';
import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SOURCE_FLAG, positionalsOf } from './settings.ts';

export default defineCommand({
  name: 'policy audit',
  summary: 'Findings on tenant isolation with their severity; exit 3 on a high one',
  usage: 'kubectl mimt policy audit TENANT | -A [--source mimt|kubeplus] [-o json|yaml|name] [flags]',
  description: [
    "Audit tenant isolation: one line per finding with its severity (a tenant open to others' traffic, no",
    'quota, pods above Pod Security, grants beyond the namespace …). Exit 3 when any finding is high.',
    'What the user may not read is left out of the audit and named in one note on stderr.',
  ].join('\n'),
  examples: [
    ['kubectl mimt policy audit acme', 'One tenant'],
    ['kubectl mimt policy audit -A -o json', 'Every tenant, for CI (exit 3 on a high finding)'],
  ],
  formats: POLICY_FORMATS,
  flags: {
    'all-namespaces': { alias: 'A', type: 'boolean', default: false, describe: 'Every tenant' },
    ...SOURCE_FLAG,
  },
  options(args) {
    const [tenant] = positionalsOf('policy audit', args, ['[TENANT]'], 1);
    if (tenant !== undefined && args.allNamespaces) throw usageError('give a TENANT or -A, not both');
    if (tenant === undefined && !args.allNamespaces) {
      throw usageError('policy audit needs a TENANT, or -A for every tenant');
    }
    return { tenant: tenant === undefined ? undefined : assertTenantName(tenant), source: args.source };
  },
  run: async (options, context) => (await import('../../../commands/policy/audit.ts')).audit(options, context),
  fleet: {},
});
