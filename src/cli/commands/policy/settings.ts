import { readFileSync } from 'node:fs';
import { usageError } from '../../../core/errors.ts';
import {
  PROFILES,
  type SettingsLayer,
  parseLimits,
  parseOwner,
  parsePolicyFile,
  parseProfile,
  parseQuota,
} from '../../../core/policy/settings.ts';
import { TENANT_SOURCES } from '../../../core/tenant/contract.ts';
import { assertTenantName } from '../../../core/tenant/name.ts';
import { type Flags, positionals } from '../../spec.ts';

/** --source, which every policy subcommand takes. */
export const SOURCE_FLAG = {
  source: { type: 'string', choices: TENANT_SOURCES, describe: 'The source of the tenant, when both have the name' },
} as const satisfies Flags;

/** The settings of a policy, which apply and diff both take. */
export const SETTINGS_FLAGS = {
  profile: { type: 'string', describe: `The profile, ${PROFILES.join('|')}` },
  quota: { type: 'string', describe: 'ResourceQuota, e.g. cpu=4,memory=8Gi,pods=50' },
  limits: { type: 'string', describe: 'Container defaults, e.g. requests.cpu=100m,limits.memory=512Mi' },
  owner: { type: 'string', describe: 'user:NAME or group:NAME bound to admin in the tenant' },
  'from-file': { type: 'string', describe: 'A YAML file with profile, quota, limits, owner' },
} as const satisfies Flags;

export const POLICY_FORMATS = ['table', 'json', 'yaml', 'name'] as const;

/** The positionals `names` stand for; `optional` of them at the end may be left out. */
export function positionalsOf(
  command: string,
  args: { _: (string | number)[] },
  names: string[],
  optional = 0,
): string[] {
  const given = positionals(args);
  if (given.length > names.length || given.length < names.length - optional) {
    throw usageError(`${command} takes ${names.join(' ')}, got ${given.length ? given.join(' ') : 'nothing'}`);
  }
  return given;
}

export const oneTenant = (command: string, args: { _: (string | number)[] }): string =>
  assertTenantName(positionalsOf(command, args, ['TENANT'])[0] as string);

/** The settings layer given on the command line: --from-file first, the flags over it. */
export function readSettings(args: {
  profile?: string;
  quota?: string;
  limits?: string;
  owner?: string;
  fromFile?: string;
}): SettingsLayer {
  let file: SettingsLayer = {};
  if (args.fromFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(args.fromFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw usageError(
        `profile file "${args.fromFile}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      );
    }
    file = parsePolicyFile(text, args.fromFile);
  }
  const flags: SettingsLayer = {};
  if (args.profile !== undefined) flags.profile = parseProfile(args.profile);
  if (args.quota !== undefined) flags.quota = parseQuota(args.quota);
  if (args.limits !== undefined) flags.limits = parseLimits(args.limits);
  if (args.owner !== undefined) flags.owner = parseOwner(args.owner);
  return { ...file, ...flags };
}
