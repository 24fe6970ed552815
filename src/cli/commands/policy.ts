import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PolicyAllowOptions, PolicyDenyOptions } from '../../commands/policy/allow.ts';
import type { PolicyApplyOptions } from '../../commands/policy/apply.ts';
import type { PolicyAuditOptions } from '../../commands/policy/audit.ts';
import type { PolicyDiffOptions } from '../../commands/policy/diff.ts';
import type { PolicyKubeconfigOptions } from '../../commands/policy/kubeconfig.ts';
import type { PolicyShowOptions } from '../../commands/policy/show.ts';
import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { ACCESS_ROLES, type AccessRole, tokenSeconds } from '../../core/policy/access.ts';
import {
  PROFILES,
  type SettingsLayer,
  parseLimits,
  parseOwner,
  parsePolicyFile,
  parseProfile,
  parseQuota,
} from '../../core/policy/settings.ts';
import { TENANT_SOURCES, type TenantSource } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import type { GlobalArgs } from '../flags.ts';
import { defineCommand } from '../spec.ts';

export type PolicyOptions =
  | PolicyShowOptions
  | PolicyApplyOptions
  | PolicyDiffOptions
  | PolicyAuditOptions
  | PolicyAllowOptions
  | PolicyDenyOptions
  | PolicyKubeconfigOptions;

type Args = GlobalArgs & Record<string, unknown>;
type Subcommand = PolicyOptions['command'];

const SETTINGS_FLAGS = ['profile', 'quota', 'limits', 'owner', 'from-file'];

/** The flags each subcommand takes; any other of policy's own flags is a usage error there. */
const FLAGS_OF: Record<Subcommand, string[]> = {
  show: ['source'],
  apply: [...SETTINGS_FLAGS, 'dry-run', 'source'],
  diff: [...SETTINGS_FLAGS, 'source'],
  audit: ['all-namespaces', 'source'],
  allow: ['port', 'source'],
  deny: ['source'],
  kubeconfig: ['name', 'role', 'duration', 'file', 'source'],
};
const SUBCOMMANDS = Object.keys(FLAGS_OF) as Subcommand[];
const OWN_FLAGS = [...new Set(Object.values(FLAGS_OF).flat())];

const ACCOUNT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function positionals(args: Args, sub: Subcommand, names: string[], optional = 0): string[] {
  const given = (args._ as unknown[]).slice(1).map(String);
  if (given.length > names.length || given.length < names.length - optional) {
    const want = names.join(' ');
    throw usageError(`policy ${sub} takes ${want}, got ${given.length ? given.join(' ') : 'nothing'}`);
  }
  return given;
}

function readSettings(args: Args): SettingsLayer {
  let file: SettingsLayer = {};
  const fromFile = args['from-file'] as string | undefined;
  if (fromFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(fromFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw usageError(
        `profile file "${fromFile}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
      );
    }
    file = parsePolicyFile(text, fromFile);
  }
  const flags: SettingsLayer = {};
  if (args.profile !== undefined) flags.profile = parseProfile(String(args.profile));
  if (args.quota !== undefined) flags.quota = parseQuota(String(args.quota));
  if (args.limits !== undefined) flags.limits = parseLimits(String(args.limits));
  if (args.owner !== undefined) flags.owner = parseOwner(String(args.owner));
  return { ...file, ...flags };
}

function port(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw usageError(`invalid --port "${text}": use a TCP port number from 1 to 65535`);
  }
  return Number(text);
}

function outputFile(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const file = String(value);
  const dir = path.dirname(path.resolve(file));
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`invalid --file "${file}": directory "${dir}" does not exist`);
  }
  return file;
}

function kubeconfigOptions(args: Args, tenant: string, source?: TenantSource): PolicyKubeconfigOptions {
  const role = String(args.role ?? 'view');
  if (!ACCESS_ROLES.includes(role as AccessRole)) {
    throw usageError(`invalid --role "${role}": use one of ${ACCESS_ROLES.join(', ')}`);
  }
  const user = String(args.name ?? 'tenant-user');
  const duration = String(args.duration ?? '24h');
  if (user.length > 63 || !ACCOUNT_NAME.test(user)) {
    throw usageError(`invalid --name "${user}": a ServiceAccount name, a DNS-1123 label of at most 63 characters`);
  }
  return {
    command: 'kubeconfig',
    tenant: assertTenantName(tenant),
    source,
    user,
    role: role as AccessRole,
    seconds: tokenSeconds(duration, parseDuration('duration', duration)),
    file: outputFile(args.file),
  };
}

function policyOptions(args: Args): PolicyOptions {
  const sub = String((args._ as unknown[])[0] ?? '') as Subcommand;
  if (!SUBCOMMANDS.includes(sub)) {
    throw usageError(
      sub ? `unknown policy subcommand "${sub}": use one of ${SUBCOMMANDS.join(', ')}` : 'a subcommand is required',
    );
  }
  for (const flag of OWN_FLAGS) {
    if (args[flag] !== undefined && !FLAGS_OF[sub].includes(flag)) {
      const where = SUBCOMMANDS.filter((s) => FLAGS_OF[s].includes(flag)).join(', ');
      throw usageError(`--${flag} applies to policy ${where}, not to policy ${sub}`);
    }
  }
  const source = args.source as TenantSource | undefined;
  switch (sub) {
    case 'show': {
      const [tenant] = positionals(args, sub, ['TENANT']);
      return { command: sub, tenant: assertTenantName(tenant as string), source };
    }
    case 'apply':
    case 'diff': {
      const [tenant] = positionals(args, sub, ['TENANT']);
      const settings = readSettings(args);
      const common = { tenant: assertTenantName(tenant as string), source, settings };
      return sub === 'apply'
        ? { command: sub, ...common, dryRun: Boolean(args['dry-run']) }
        : { command: sub, ...common };
    }
    case 'audit': {
      const [tenant] = positionals(args, sub, ['[TENANT]'], 1);
      if (tenant !== undefined && args['all-namespaces']) throw usageError('give a TENANT or -A, not both');
      if (tenant === undefined && !args['all-namespaces'])
        throw usageError('policy audit needs a TENANT, or -A for every tenant');
      return { command: sub, tenant: tenant === undefined ? undefined : assertTenantName(tenant), source };
    }
    case 'allow':
    case 'deny': {
      const [from, to] = positionals(args, sub, ['FROM', 'TO']).map(assertTenantName) as [string, string];
      if (from === to) {
        throw usageError(`FROM and TO are both "${from}": a tenant's own traffic is the profile's business`);
      }
      return sub === 'allow'
        ? { command: sub, from, to, port: port(args.port), source }
        : { command: sub, from, to, source };
    }
    case 'kubeconfig': {
      const [tenant] = positionals(args, sub, ['TENANT']);
      return kubeconfigOptions(args, tenant as string, source);
    }
  }
}

export default defineCommand<PolicyOptions>({
  name: 'policy',
  usage: [
    'kubectl mimt policy show TENANT',
    'kubectl mimt policy apply TENANT [--profile P] [--quota Q] [--limits L] [--owner O] [--dry-run]',
    'kubectl mimt policy apply TENANT --from-file FILE [--dry-run]',
    'kubectl mimt policy diff TENANT [the settings flags of apply]',
    'kubectl mimt policy audit TENANT|-A',
    'kubectl mimt policy allow FROM TO [--port P]',
    'kubectl mimt policy deny FROM TO',
    'kubectl mimt policy kubeconfig TENANT [--name N] [--role admin|edit|view] [--duration D] [--file F]',
  ].join('\n'),
  description: [
    `A tenant's isolation, rendered from a profile (${PROFILES.join(', ')}): NetworkPolicies,`,
    'a ResourceQuota, a LimitRange, Pod Security labels and an owner binding. Settings not given',
    'on the command line or in --from-file come from what the tenant namespace recorded.',
    '',
    "show: the policy objects in force, mimt's and users', what each allows, and quota used/hard.",
    "apply: server-side apply; removes mimt's objects the profile no longer has, never users' own.",
    'diff: live against desired as a unified diff; exit 0 when equal, 1 when different.',
    'audit: one line per finding with its severity; exit 3 when any finding is high.',
    'allow, deny: open or close traffic from tenant FROM to tenant TO with a labelled NetworkPolicy.',
    'NetworkPolicies take effect only where the network plugin enforces them; on the simulated test',
    'cluster they are stored and checked, not enforced.',
    'kubeconfig: a ServiceAccount bound to a role in the tenant namespace only, with a token from the',
    'TokenRequest API: no long-lived secret, nothing cluster-wide, no impersonation.',
  ].join('\n'),
  examples: [
    ['kubectl mimt policy show acme', 'What isolates tenant acme, and its quota use'],
    ['kubectl mimt policy apply acme --profile strict --quota cpu=4,memory=8Gi', 'Tighten a tenant'],
    ['kubectl mimt policy apply acme --from-file acme-policy.yaml --dry-run', 'Settings from a file, change nothing'],
    ['kubectl mimt policy diff acme', 'What drifted since the policy was applied'],
    ['kubectl mimt policy audit -A -o json', 'Every tenant, for CI (exit 3 on a high finding)'],
    ['kubectl mimt policy allow frontend backend --port 8080', 'Let tenant frontend reach backend on 8080'],
    [
      'kubectl mimt policy kubeconfig acme --name jane --role edit --duration 8h --file jane.kubeconfig',
      'Scoped access',
    ],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: {
    profile: { type: 'string', describe: `apply, diff: the profile, ${PROFILES.join('|')}` },
    quota: { type: 'string', describe: 'apply, diff: ResourceQuota, e.g. cpu=4,memory=8Gi,pods=50' },
    limits: { type: 'string', describe: 'apply, diff: container defaults, e.g. requests.cpu=100m,limits.memory=512Mi' },
    owner: { type: 'string', describe: 'apply, diff: user:NAME or group:NAME bound to admin in the tenant' },
    'from-file': { type: 'string', describe: 'apply, diff: a YAML file with profile, quota, limits, owner' },
    'dry-run': { type: 'boolean', describe: 'apply: send with dryRun, change nothing' },
    'all-namespaces': { alias: 'A', type: 'boolean', describe: 'audit: every tenant' },
    port: { type: 'string', describe: 'allow: only this TCP port' },
    name: { type: 'string', describe: 'kubeconfig: the ServiceAccount and user name (default tenant-user)' },
    role: { type: 'string', describe: `kubeconfig: ${ACCESS_ROLES.join('|')} (default view)` },
    duration: { type: 'string', describe: 'kubeconfig: token lifetime, 10m or more (default 24h)' },
    file: { type: 'string', describe: 'kubeconfig: write to this file (mode 0600) instead of stdout' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'The source of the tenant, when both have the name' },
  },
  options: (args) => policyOptions(args),
  async run(options, context) {
    switch (options.command) {
      case 'show':
        return (await import('../../commands/policy/show.ts')).show(options, context);
      case 'apply':
        return (await import('../../commands/policy/apply.ts')).apply(options, context);
      case 'diff':
        return (await import('../../commands/policy/diff.ts')).diff(options, context);
      case 'audit':
        return (await import('../../commands/policy/audit.ts')).audit(options, context);
      case 'allow':
        return (await import('../../commands/policy/allow.ts')).allow(options, context);
      case 'deny':
        return (await import('../../commands/policy/allow.ts')).deny(options, context);
      case 'kubeconfig':
        return (await import('../../commands/policy/kubeconfig.ts')).kubeconfig(options, context);
    }
  },
});
