import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SETTINGS_FLAGS, SOURCE_FLAG, oneTenant, readSettings } from './settings.ts';

export default defineCommand({
  name: 'policy diff',
  summary: 'The live policy against the desired one, as a unified diff',
  usage:
    'kubectl mimt policy diff TENANT [--profile P] [--quota Q] [--limits L] [--owner O] [--from-file FILE] [flags]',
  description: [
    "The tenant's policy objects as they are against what policy apply would make of them, as a unified",
    'diff. Exit 0 when they are equal, 1 when they differ.',
  ].join('\n'),
  examples: [
    ['kubectl mimt policy diff acme', 'What drifted since the policy was applied'],
    ['kubectl mimt policy diff acme --profile strict', 'What a move to strict would change'],
  ],
  formats: POLICY_FORMATS,
  flags: { ...SETTINGS_FLAGS, ...SOURCE_FLAG },
  options: (args) => ({ tenant: oneTenant('policy diff', args), source: args.source, settings: readSettings(args) }),
  run: async (options, context) => (await import('../../../commands/policy/diff.ts')).diff(options, context),
});
