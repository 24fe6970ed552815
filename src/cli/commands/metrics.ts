import type { Breakdown, MetricsSortKey } from '../../views/metrics.ts';
import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { parseSelector } from '../../core/kube/selector.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { defineCommand, positionals } from '../spec.ts';

const SORT_KEYS: readonly MetricsSortKey[] = ['name', 'cpu', 'memory'];
const DEFAULT_INTERVAL = '15s';
/** metrics-server samples every 15 s by default; faster than a second only repeats the same figures. */
const MIN_INTERVAL_MS = 1000;

function watchInterval(watch: boolean, given: string | undefined): number | undefined {
  if (!watch) {
    if (given !== undefined) throw usageError(`--interval ${given} needs --watch: it sets how often to measure again`);
    return undefined;
  }
  const ms = parseDuration('interval', given ?? DEFAULT_INTERVAL);
  if (ms < MIN_INTERVAL_MS) throw usageError(`invalid --interval "${given}": must be at least 1s`);
  return ms;
}

export default defineCommand({
  name: 'metrics',
  usage: 'kubectl mimt metrics [TENANT | -A] [--pods | --containers] [-o wide|json|yaml|prometheus] [-w] [flags]',
  description: [
    'Measure tenants: CPU and memory usage (metrics.k8s.io) against requests, limits and ResourceQuota,',
    'pod health, containers, nodes and storage claims. Without TENANT every tenant is measured, as with -A.',
    'Without metrics-server the usage shows as <unavailable> and the rest is still shown; a pod not',
    'measured yet shows as <pending> (null in JSON), never as zero.',
  ].join('\n'),
  examples: [
    ['kubectl mimt metrics', 'Every tenant, usage against requests and quota'],
    ['kubectl mimt metrics --sort-by cpu', 'The busiest tenants first'],
    ['kubectl mimt metrics acme --pods', 'One tenant, pod by pod'],
    ['kubectl mimt metrics -A -o prometheus > tenants.prom', 'Prometheus text format, e.g. for a textfile collector'],
    ['kubectl mimt metrics -A -o json', 'A TenantMetricsList in base units (cores, bytes)'],
    ['kubectl mimt metrics -w --interval 30s', 'Measure again every 30 s until Ctrl-C'],
  ],
  formats: ['table', 'wide', 'json', 'yaml', 'prometheus'],
  flags: {
    'all-tenants': {
      alias: 'A',
      type: 'boolean',
      default: false,
      describe: 'Every tenant (the default without TENANT)',
    },
    selector: { alias: 'l', type: 'string', describe: 'Label selector on tenants, e.g. tier=gold' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'Only tenants of this source' },
    pods: { type: 'boolean', default: false, describe: 'One row per pod' },
    containers: { type: 'boolean', default: false, describe: 'One row per container' },
    'sort-by': {
      type: 'string',
      choices: SORT_KEYS,
      default: 'name',
      describe: 'Sort order; cpu and memory put the highest usage first',
    },
    watch: { alias: 'w', type: 'boolean', default: false, describe: 'Measure again every --interval until Ctrl-C' },
    interval: { type: 'string', describe: `How often --watch measures (default ${DEFAULT_INTERVAL}, at least 1s)` },
  },
  options(args) {
    const positional = positionals(args);
    if (positional.length > 1)
      throw usageError(`expected at most one tenant name, got ${positional.length}: ${positional.join(' ')}`);
    const tenant = positional[0];
    if (tenant !== undefined && args.allTenants) {
      throw usageError(`tenant "${tenant}" and -A/--all-tenants exclude each other: give one or the other`);
    }
    if (args.pods && args.containers) {
      throw usageError('--pods and --containers exclude each other: --containers already lists every pod');
    }
    const { selector } = args;
    if (selector !== undefined) parseSelector(selector);
    const breakdown: Breakdown = args.containers ? 'containers' : args.pods ? 'pods' : 'tenants';
    return {
      tenant: tenant === undefined ? undefined : assertTenantName(tenant),
      selector,
      source: args.source,
      breakdown,
      sortBy: args.sortBy,
      watchIntervalMs: watchInterval(args.watch, args.interval),
    };
  },
  run: async (options, context) => (await import('../../commands/metrics.ts')).metrics(options, context),
  fleet: {
    refuse: (options) =>
      options.watchIntervalMs !== undefined ? '--watch measures one cluster: give one --context' : undefined,
  },
});
