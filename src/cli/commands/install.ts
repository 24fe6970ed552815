import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { InstallOptions } from '../../commands/install.ts';
import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { PROFILES, parseLimits, parseOwner, parseProfile, parseQuota } from '../../core/policy/settings.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { defineCommand, positionals } from '../spec.ts';

/** A values file must exist and be YAML before anything is sent anywhere. */
function checkValuesFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(`values file "${file}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`);
  }
  try {
    const doc = load(text);
    if (doc !== undefined && doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new Error('the top level must be a mapping of values');
    }
  } catch (error) {
    throw usageError(`values file "${file}" is not valid YAML: ${(error as Error).message.split('\n', 1)[0]}`);
  }
  return file;
}

const kebab = (flag: string): string => flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function checkSet(pair: string): string {
  if (!/^[^=]+=/.test(pair)) throw usageError(`invalid --set "${pair}": expected key=value, e.g. replicaCount=3`);
  return pair;
}

export default defineCommand({
  name: 'install',
  usage:
    'kubectl mimt install TENANT --chart CHART [--version V] [-f values.yaml]... [--set k=v]... [flags]\n' +
    '  kubectl mimt install --all --chart CHART --version V [-l selector] [--max-parallel N]\n' +
    '      [--canary N] [--soak DURATION] [--max-failures K] [flags]\n' +
    '  kubectl mimt install TENANT --kind KIND [-f spec.yaml] [-n KUBEPLUS_NAMESPACE] [flags]',
  description: [
    'Install a tenant: namespace TENANT with the tenancy labels, the isolation policy of --profile, and',
    'the chart as Helm release TENANT. Running it again changes nothing; with a new version or values it',
    'upgrades. If any step fails, what this run created is removed, what it changed is put back, and the',
    'command exits 1.',
  ].join('\n'),
  examples: [
    ['kubectl mimt install acme --chart ./charts/webapp', 'Install tenant acme from a local chart'],
    ['kubectl mimt install acme --chart repo/webapp --version 1.4.0 -f acme.yaml --wait', 'Pin a version, wait'],
    [
      'kubectl mimt install acme --chart ./webapp --profile strict --quota cpu=4,memory=8Gi,pods=50',
      'Strict isolation',
    ],
    ['kubectl mimt install acme --chart ./webapp --owner group:acme-admins', 'Give a group admin in the tenant'],
    ['kubectl mimt install acme --chart ./webapp --dry-run', 'Show what would be created, change nothing'],
    [
      'kubectl mimt install --all --chart repo/webapp --version 1.5.0 --plan',
      "Show each tenant's diff of the upgrade, change nothing",
    ],
    [
      'kubectl mimt install --all --chart repo/webapp --version 1.5.0 --max-parallel 10',
      'Upgrade every tenant on webapp',
    ],
    [
      'kubectl mimt install --all --chart repo/webapp --version 1.5.0 --canary 2 --soak 10m --wait',
      'Two canaries first; each wave must stay Ready 10 minutes',
    ],
    ['kubectl mimt install acme --kind WordpressService -f acme-spec.yaml', 'Through KubePlus: an instance of a Kind'],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: {
    chart: { type: 'string', describe: 'Chart: a directory, a .tgz, repo/name or oci://… (anything helm takes)' },
    version: { type: 'string', describe: 'Chart version (default: the latest helm finds)' },
    values: { alias: 'f', type: 'string', array: true, describe: 'Values file; repeat for several' },
    set: { type: 'string', array: true, describe: 'A value on the command line, key=value; repeat for several' },
    profile: { type: 'string', default: 'standard', describe: `Isolation profile: ${PROFILES.join('|')}` },
    quota: { type: 'string', describe: 'ResourceQuota, e.g. cpu=4,memory=8Gi,pods=50 (cpu/memory mean requests)' },
    limits: { type: 'string', describe: 'Container defaults, e.g. requests.cpu=100m,limits.memory=512Mi' },
    owner: { type: 'string', describe: 'user:NAME or group:NAME to bind to the admin role in the tenant' },
    wait: { type: 'boolean', default: false, describe: 'Wait until the release is ready' },
    timeout: { type: 'string', default: '5m', describe: 'How long Helm may take' },
    'dry-run': { type: 'boolean', default: false, describe: 'Print what would be created; change nothing' },
    plan: {
      type: 'boolean',
      default: false,
      describe:
        'Print what the upgrade would change in each tenant, asked of the API server; change nothing; exit 1 if anything would',
    },
    'allow-cluster-access': {
      type: 'boolean',
      default: false,
      describe: "Profile standard: let the chart give the tenant's identities rights outside its namespace",
    },
    all: { type: 'boolean', default: false, describe: 'Upgrade every tenant on the chart named by --chart' },
    kind: { type: 'string', describe: 'Create the tenant as an instance of this KubePlus Kind (-f: its spec)' },
    selector: { alias: 'l', type: 'string', describe: 'With --all: only tenants matching this label selector' },
    'max-parallel': { type: 'number', default: 5, describe: 'With --all: how many tenants upgrade at once' },
    canary: { type: 'number', default: 0, describe: 'With --all: upgrade this many tenants first, as wave 1' },
    soak: {
      type: 'string',
      default: '0s',
      describe: "With --all: how long each wave's tenants must stay Ready before the next wave starts",
    },
    'max-failures': {
      type: 'number',
      default: 1,
      describe: 'With --all: stop after the wave in which this many tenants in all have failed',
    },
    'max-parallel-clusters': {
      type: 'number',
      default: 1,
      describe: 'With --all across clusters: how many clusters upgrade at once',
    },
  },
  options(args, format): InstallOptions {
    const positional = positionals(args);
    const { chart } = args;
    const timeoutMs = parseDuration('timeout', args.timeout);
    if (args.plan && args.dryRun) {
      throw usageError(
        '--plan and --dry-run do not go together: --plan diffs an upgrade, --dry-run shows a first install',
      );
    }
    if (args.kind) {
      if (args.plan) throw usageError('--plan does not go with --kind: KubePlus renders the chart of the Kind itself');
      if (positional.length !== 1) throw usageError('--kind needs one tenant name: the name of the KubePlus instance');
      const excluded = (
        ['chart', 'set', 'all', 'quota', 'limits', 'owner', 'version', 'allowClusterAccess'] as const
      ).find((flag) => args[flag]);
      if (excluded)
        throw usageError(`--${kebab(excluded)} does not go with --kind: KubePlus installs the chart of the Kind`);
      const files = (args.values ?? []).map(checkValuesFile);
      if (files.length > 1) throw usageError('--kind takes one spec file (-f): the instance spec');
      return {
        mode: 'kubeplus',
        kubeplus: {
          tenant: assertTenantName(positional[0] as string),
          kind: args.kind,
          spec: files[0] ? ((load(readFileSync(files[0], 'utf8')) as Record<string, unknown> | null) ?? {}) : {},
          namespace: args.namespace,
          timeoutMs,
          dryRun: args.dryRun,
        },
      };
    }
    if (args.all) {
      if (positional.length)
        throw usageError(`--all upgrades every tenant on the chart: drop the tenant name "${positional[0]}"`);
      if (!chart) throw usageError('--all needs --chart: the chart whose tenants to upgrade');
      if (args.values || args.set)
        throw usageError("--all keeps each tenant's own values: -f and --set apply to one tenant");
      const { maxParallel } = args;
      if (!Number.isInteger(maxParallel) || maxParallel < 1) {
        throw usageError(`invalid --max-parallel "${args.maxParallel}": use a whole number from 1 up`);
      }
      if (!Number.isInteger(args.canary) || args.canary < 0) {
        throw usageError(`invalid --canary "${args.canary}": use a whole number from 0 up`);
      }
      if (!Number.isInteger(args.maxFailures) || args.maxFailures < 1) {
        throw usageError(`invalid --max-failures "${args.maxFailures}": use a whole number from 1 up`);
      }
      if (!Number.isInteger(args.maxParallelClusters) || args.maxParallelClusters < 1) {
        throw usageError(`invalid --max-parallel-clusters "${args.maxParallelClusters}": use a whole number from 1 up`);
      }
      return {
        mode: 'all',
        plan: args.plan,
        maxParallelClusters: args.maxParallelClusters,
        bulk: {
          chart,
          version: args.version,
          selector: args.selector,
          maxParallel,
          canary: args.canary,
          soakMs: parseDuration('soak', args.soak),
          maxFailures: args.maxFailures,
          wait: args.wait,
          timeoutMs,
          dryRun: args.dryRun,
          allowClusterAccess: args.allowClusterAccess,
        },
      };
    }
    if (positional.length !== 1) {
      throw usageError(
        positional.length === 0
          ? 'a tenant name is required (or --all)'
          : `expected one tenant name, got ${positional.join(' ')}`,
      );
    }
    if (args.selector) throw usageError('-l/--selector goes with --all');
    const rollout =
      args.canary !== 0 ? 'canary' : args.soak !== '0s' ? 'soak' : args.maxFailures !== 1 ? 'max-failures' : undefined;
    if (rollout) throw usageError(`--${rollout} goes with --all: it shapes the waves of a bulk upgrade`);
    if (!chart) throw usageError('--chart is required: a chart directory, a .tgz, repo/name or oci://…');
    const profile = parseProfile(args.profile);
    if (args.allowClusterAccess && profile !== 'standard') {
      throw usageError(
        profile === 'strict'
          ? "--allow-cluster-access does not go with --profile strict: strict never lets a tenant's identities act outside its namespace"
          : '--allow-cluster-access goes with --profile standard: profile none allows cluster access without it',
      );
    }
    return {
      mode: 'one',
      plan: args.plan,
      document: format === 'json' || format === 'yaml',
      request: {
        tenant: assertTenantName(positional[0] as string),
        chart,
        version: args.version,
        valuesFiles: (args.values ?? []).map(checkValuesFile),
        set: (args.set ?? []).map(checkSet),
        settings: {
          profile,
          quota: args.quota ? parseQuota(args.quota) : {},
          limits: args.limits ? parseLimits(args.limits) : {},
          owner: args.owner ? parseOwner(args.owner) : undefined,
        },
        wait: args.wait,
        timeoutMs,
        dryRun: args.dryRun,
        allowClusterAccess: args.allowClusterAccess,
      },
    };
  },
  run: async (options, context) => (await import('../../commands/install.ts')).install(options, context),
  // Across clusters, a rollout: cluster by cluster (or N at once), none started after one fails.
  fleet: {
    refuse: (options) =>
      options.mode === 'all' ? undefined : 'only install --all runs across clusters: give one --context',
    parallel: (options) => (options.mode === 'all' ? options.maxParallelClusters : 1),
    stopOnFailure: true,
  },
});
