import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SOURCE_FLAG, oneTenant } from './settings.ts';

export default defineCommand({
  name: 'policy show',
  summary: 'The policy objects in force and what each allows, and quota used/hard',
  usage: 'kubectl mimt policy show TENANT [--source mimt|kubeplus] [-o json|yaml|name] [flags]',
  description: [
    "A tenant's isolation as it is: mimt's objects and users' own NetworkPolicies, ResourceQuotas,",
    'LimitRanges and RoleBindings, what each allows, Pod Security labels, and quota used against hard.',
    'Kinds the user may not read are left out and named in one note on stderr.',
  ].join('\n'),
  examples: [
    ['kubectl mimt policy show acme', 'What isolates tenant acme, and its quota use'],
    ['kubectl mimt policy show acme -o yaml', 'The same as a TenantPolicy document'],
  ],
  formats: POLICY_FORMATS,
  flags: { ...SOURCE_FLAG },
  options: (args) => ({ tenant: oneTenant('policy show', args), source: args.source }),
  run: async (options, context) => (await import('../../../commands/policy/show.ts')).show(options, context),
});
