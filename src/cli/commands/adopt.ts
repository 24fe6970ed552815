import type { AdoptOptions } from '../../commands/adopt.ts';
import { usageError } from '../../core/errors.ts';
import { PROFILES, parseLimits, parseOwner, parseProfile, parseQuota } from '../../core/policy/settings.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { defineCommand, positionals } from '../spec.ts';

export default defineCommand({
  name: 'adopt',
  usage: 'kubectl mimt adopt NAMESPACE [--release R] [--profile P] [--chart CHART] [--dry-run] [flags]',
  description: [
    'Make a Helm release installed without mimt a mimt tenant: record its chart, version, release and',
    'profile on its namespace as install does, and apply the profile. The release is not touched (no',
    'new Helm revision); from then on install, install --all, uninstall and ls treat it as any tenant.',
    'Refuses namespaces with several releases unless --release picks one, system namespaces and KubePlus',
    'instances.',
  ].join('\n'),
  examples: [
    ['kubectl mimt adopt acme', 'Adopt the one Helm release in namespace acme'],
    ['kubectl mimt adopt acme --release acme-shop --profile strict', 'Pick the release, and a profile'],
    ['kubectl mimt adopt acme --dry-run', 'Show every change, make none'],
  ],
  formats: ['table', 'json', 'yaml', 'name'],
  flags: {
    release: { type: 'string', describe: 'The Helm release to adopt, when the namespace holds several' },
    chart: {
      type: 'string',
      describe: 'The chart reference later installs use (default: the chart name helm recorded)',
    },
    profile: { type: 'string', default: 'standard', describe: `Isolation profile: ${PROFILES.join('|')}` },
    quota: { type: 'string', describe: 'ResourceQuota, e.g. cpu=4,memory=8Gi,pods=50 (cpu/memory mean requests)' },
    limits: { type: 'string', describe: 'Container defaults, e.g. requests.cpu=100m,limits.memory=512Mi' },
    owner: { type: 'string', describe: 'user:NAME or group:NAME to bind to the admin role in the tenant' },
    'dry-run': { type: 'boolean', default: false, describe: 'Show every change; make none' },
  },
  options(args): AdoptOptions {
    const positional = positionals(args);
    if (positional.length !== 1) {
      throw usageError(
        positional.length === 0 ? 'a namespace is required' : `expected one namespace, got ${positional.join(' ')}`,
      );
    }
    return {
      namespace: assertTenantName(positional[0] as string),
      release: args.release,
      chart: args.chart,
      settings: {
        profile: parseProfile(args.profile),
        quota: args.quota ? parseQuota(args.quota) : {},
        limits: args.limits ? parseLimits(args.limits) : {},
        owner: args.owner ? parseOwner(args.owner) : undefined,
      },
      dryRun: args.dryRun,
    };
  },
  run: async (options, context) => (await import('../../commands/adopt.ts')).adopt(options, context),
});
