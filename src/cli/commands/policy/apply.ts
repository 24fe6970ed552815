import { PROFILES } from '../../../core/policy/settings.ts';
import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SETTINGS_FLAGS, SOURCE_FLAG, oneTenant, readSettings } from './settings.ts';

export default defineCommand({
  name: 'policy apply',
  summary: "Apply a profile by server-side apply; remove mimt's objects it no longer has",
  usage: [
    'kubectl mimt policy apply TENANT [--profile P] [--quota Q] [--limits L] [--owner O] [--dry-run] [flags]',
    'kubectl mimt policy apply TENANT --from-file FILE [--dry-run] [flags]',
  ].join('\n'),
  description: [
    `Render a tenant's isolation from a profile (${PROFILES.join(', ')}): NetworkPolicies, a ResourceQuota,`,
    'a LimitRange, Pod Security labels and an owner binding, and apply it by server-side apply. Settings',
    'not given here or in --from-file come from what the tenant namespace recorded. Objects of mimt that',
    "the profile no longer has are removed; users' own objects never are.",
  ].join('\n'),
  examples: [
    ['kubectl mimt policy apply acme --profile strict --quota cpu=4,memory=8Gi', 'Tighten a tenant'],
    ['kubectl mimt policy apply acme --from-file acme-policy.yaml --dry-run', 'Settings from a file, change nothing'],
  ],
  formats: POLICY_FORMATS,
  flags: {
    ...SETTINGS_FLAGS,
    'dry-run': { type: 'boolean', default: false, describe: 'Send with dryRun; change nothing' },
    ...SOURCE_FLAG,
  },
  options: (args) => ({
    tenant: oneTenant('policy apply', args),
    source: args.source,
    settings: readSettings(args),
    dryRun: args.dryRun,
  }),
  run: async (options, context) => (await import('../../../commands/policy/apply.ts')).apply(options, context),
});
