import { defineCommand } from '../spec.ts';
import { SELECTION_FLAGS, selectionOptions } from './suspend.ts';

export default defineCommand({
  name: 'resume',
  usage: 'kubectl mimt resume TENANT... | --all | -l SELECTOR [--dry-run] [flags]',
  description: [
    'Resume suspended tenants: set every replica count, CronJob and autoscaler bound that suspend',
    'changed back to what it recorded on the object, remove the zero-pod quota and the suspended mark.',
    'Objects suspend did not change are left alone. Running it again changes nothing.',
  ].join('\n'),
  examples: [
    ['kubectl mimt resume acme', 'Resume tenant acme as it was'],
    ['kubectl mimt resume --all --dry-run', 'List what resuming every tenant would change'],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: SELECTION_FLAGS,
  options: (args) => selectionOptions('resume', args),
  run: async (options, context) => (await import('../../commands/suspend.ts')).resume(options, context),
});
