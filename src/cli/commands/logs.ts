import type { LogsOptions } from '../../commands/logs.ts';
import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { parseSelector } from '../../core/kube/selector.ts';
import { timestampKey } from '../../core/logs/line.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import type { LogFormat } from '../../output/log-line.ts';
import { defineCommand, positionals } from '../spec.ts';

/** A regex flag; given more than once, a name matching any of them matches. */
function regex(sources: string[] | undefined, flag: string): RegExp | undefined {
  if (sources === undefined || sources.length === 0) return undefined;
  for (const source of sources) {
    try {
      new RegExp(source);
    } catch (error) {
      throw usageError(`invalid regular expression "${source}" for ${flag}: ${(error as Error).message}`);
    }
  }
  return new RegExp(sources.length === 1 ? (sources[0] as string) : sources.map((s) => `(?:${s})`).join('|'));
}

function wholeNumber(text: string, flag: string, min: number): number {
  if (!/^-?\d+$/.test(text.trim()) || Number(text) < min) {
    throw usageError(`invalid value "${text}" for ${flag}: use a whole number of at least ${min}`);
  }
  return Number(text);
}

function since(
  duration: string | undefined,
  time: string | undefined,
): Pick<LogsOptions, 'sinceSeconds' | 'sinceTime'> {
  if (duration !== undefined && time !== undefined) throw usageError('use only one of --since and --since-time');
  if (duration !== undefined) {
    const ms = parseDuration('since', duration);
    if (ms <= 0) throw usageError(`invalid value "${duration}" for --since: use a duration above zero, e.g. 10m`);
    return { sinceSeconds: Math.ceil(ms / 1000) };
  }
  if (time !== undefined && timestampKey(time) === undefined) {
    throw usageError(`invalid time "${time}" for --since-time: use RFC 3339, e.g. 2026-11-24T10:00:00Z`);
  }
  return { sinceTime: time };
}

export default defineCommand({
  name: 'logs',
  usage: 'kubectl mimt logs TENANT [-f] [--since 10m] [--tail N] [-c REGEX] [-E REGEX] [--pod REGEX] [flags]',
  description:
    "Print the logs of all of a tenant's containers, merged in time order, or follow them (-f) as pods come and go.",
  examples: [
    ['kubectl mimt logs acme', 'Every container of every pod of tenant acme, in time order'],
    ['kubectl mimt logs acme -f --since 10m', 'The last ten minutes, then follow new lines and new pods'],
    ['kubectl mimt logs acme -c web -E istio --tail 20', 'The last 20 lines of containers named like web, not istio'],
    ['kubectl mimt logs acme -p --pod api', 'The previous instance of the containers of pods named like api'],
    ['kubectl mimt logs acme -f -o json | jq .message', 'One JSON object per line'],
  ],
  formats: ['text', 'raw', 'json'],
  flags: {
    follow: { alias: 'f', type: 'boolean', default: false, describe: 'Follow the logs, and the pods that come and go' },
    since: { type: 'string', describe: 'Only lines newer than this, e.g. 10m or 1h30m' },
    'since-time': { type: 'string', describe: 'Only lines from this time on (RFC 3339)' },
    tail: { type: 'string', describe: 'How many lines from the end of each log; -1 for all (the default)' },
    container: {
      alias: 'c',
      type: 'string',
      array: true,
      describe: 'Only containers whose name matches this regex; repeat for any of several',
    },
    'exclude-container': {
      alias: 'E',
      type: 'string',
      array: true,
      describe: 'No container whose name matches this regex; repeat for several',
    },
    pod: {
      type: 'string',
      array: true,
      describe: 'Only pods whose name matches this regex; repeat for any of several',
    },
    selector: { alias: 'l', type: 'string', describe: 'Only pods with these labels, e.g. app=web' },
    'include-init': { type: 'boolean', default: false, describe: 'Init containers too' },
    previous: { alias: 'p', type: 'boolean', default: false, describe: "The previous instance's logs (no -f)" },
    timestamps: { alias: 't', type: 'boolean', default: false, describe: 'Print the timestamp of each line' },
    prefix: { type: 'boolean', describe: 'Start each line with pod/container (the default of -o text)' },
    'no-prefix': { type: 'boolean', describe: 'Print the lines without pod/container' },
    grep: { type: 'string', array: true, describe: 'Only lines that match this regex; repeat for any of several' },
    'max-log-requests': { type: 'string', default: '50', describe: 'How many logs to read at once' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'The source of the tenant, when both have the name' },
  },
  options(args, format): LogsOptions {
    const positional = positionals(args);
    if (positional.length !== 1) {
      throw usageError(
        `expected one tenant name, got ${positional.length}${positional.length ? `: ${positional.join(' ')}` : ''}`,
      );
    }
    const { follow, previous } = args;
    if (follow && previous)
      throw usageError('--previous reads a container instance that has ended: it cannot be followed (-f)');
    if (args.prefix && args.noPrefix) throw usageError('use only one of --prefix and --no-prefix');
    if (args.prefix && format !== 'text') throw usageError(`--prefix applies to -o text, not -o ${format}`);
    const { selector } = args;
    if (selector !== undefined) parseSelector(selector);
    const tail = args.tail === undefined ? undefined : wholeNumber(args.tail, '--tail', -1);
    return {
      tenant: assertTenantName(positional[0] as string),
      source: args.source,
      follow,
      ...since(args.since, args.sinceTime),
      tailLines: tail === -1 ? undefined : tail,
      containers: regex(args.container, '-c/--container'),
      exclude: regex(args.excludeContainer, '-E/--exclude-container'),
      pods: regex(args.pod, '--pod'),
      selector,
      includeInit: args.includeInit,
      previous,
      timestamps: args.timestamps,
      prefix: !args.noPrefix,
      format: format as LogFormat,
      maxRequests: wholeNumber(args.maxLogRequests, '--max-log-requests', 1),
      grep: regex(args.grep, '--grep'),
    };
  },
  run: async (options, context) => (await import('../../commands/logs.ts')).logs(options, context),
  fleet: {},
});
