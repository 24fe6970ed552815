import { statSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../../core/duration.ts';
import { usageError } from '../../../core/errors.ts';
import { ACCESS_ROLES, type AccessRole, tokenSeconds } from '../../../core/policy/access.ts';
import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SOURCE_FLAG, oneTenant } from './settings.ts';

const ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function outputFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const dir = path.dirname(path.resolve(file));
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`invalid --file "${file}": directory "${dir}" does not exist`);
  }
  return file;
}

export default defineCommand({
  name: 'policy kubeconfig',
  summary: "A kubeconfig for a tenant's user: a ServiceAccount with a role in the tenant only",
  usage: 'kubectl mimt policy kubeconfig TENANT [--name N] [--role admin|edit|view] [--duration D] [--file F] [flags]',
  description: [
    'A kubeconfig for a user of the tenant: a ServiceAccount bound to a role in the tenant namespace only,',
    'with a token from the TokenRequest API: no long-lived secret, nothing cluster-wide, no impersonation.',
  ].join('\n'),
  examples: [
    [
      'kubectl mimt policy kubeconfig acme --name jane --role edit --duration 8h --file jane.kubeconfig',
      'Scoped access for jane, for 8 hours',
    ],
  ],
  formats: POLICY_FORMATS,
  flags: {
    name: { type: 'string', default: 'tenant-user', describe: 'The ServiceAccount and user name' },
    role: { type: 'string', choices: ACCESS_ROLES, default: 'view', describe: 'The role in the tenant' },
    duration: { type: 'string', default: '24h', describe: 'Token lifetime, 10m or more' },
    file: { type: 'string', describe: 'Write to this file (mode 0600) instead of stdout' },
    ...SOURCE_FLAG,
  },
  options(args) {
    const tenant = oneTenant('policy kubeconfig', args);
    if (args.name.length > 63 || !ACCOUNT_NAME.test(args.name)) {
      throw usageError(
        `invalid --name "${args.name}": a ServiceAccount name, a DNS-1123 label of at most 63 characters`,
      );
    }
    return {
      tenant,
      source: args.source,
      user: args.name,
      role: args.role as AccessRole,
      seconds: tokenSeconds(args.duration, parseDuration('duration', args.duration)),
      file: outputFile(args.file),
    };
  },
  run: async (options, context) =>
    (await import('../../../commands/policy/kubeconfig.ts')).kubeconfig(options, context),
});
