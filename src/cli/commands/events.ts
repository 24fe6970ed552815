import type { EventsOptions } from '../../commands/events.ts';
import { usageError } from '../../core/errors.ts';
import { parseSelector } from '../../core/kube/selector.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { EVENT_TYPES, type EventType } from '../../core/tenant/events.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { kindOfWord } from '../../core/kube/resources.ts';
import { defineCommand, positionals } from '../spec.ts';

/** --types Warning,Normal: the API server's type names, in any case. */
function types(text: string | undefined): EventType[] {
  if (text === undefined) return [...EVENT_TYPES];
  const words = text.split(',').map((w) => w.trim());
  return [
    ...new Set(
      words.map((word) => {
        const type = EVENT_TYPES.find((t) => t.toLowerCase() === word.toLowerCase());
        if (!type) throw usageError(`invalid event type "${word}" in --types: use ${EVENT_TYPES.join(', ')}`);
        return type;
      }),
    ),
  ];
}

/** --for KIND/NAME, as kubectl events takes it: pod/web-1, deploy/web, StatefulSet/db. */
function involved(text: string | undefined): EventsOptions['involved'] {
  if (text === undefined) return undefined;
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (!match) throw usageError(`invalid value "${text}" for --for: use KIND/NAME, e.g. pod/web-1`);
  const kind = kindOfWord(match[1] as string);
  if (kind === undefined) {
    throw usageError(
      `unknown kind "${match[1]}" in --for: use a kind such as pod, deployment or statefulset, or a Kind as the API names it`,
    );
  }
  return { kind, name: match[2] as string };
}

export default defineCommand({
  name: 'events',
  usage:
    'kubectl mimt events TENANT | -A [-l selector] [--types Warning,Normal] [--for KIND/NAME] [-w] [-o wide|json|yaml]',
  description:
    "A tenant's events (or every tenant's, -A) the way kubectl events shows them, oldest first, with the " +
    'events that say the same thing about the same object grouped into one line: how many, first and last ' +
    'seen. -w goes on printing each group as new events change it (watch API) until Ctrl-C.',
  examples: [
    ['kubectl mimt events acme', "Tenant acme's events"],
    ['kubectl mimt events -A --types Warning', "Every tenant's Warning events, with a TENANT column"],
    ['kubectl mimt events acme --for deploy/web', 'Only the events about deployment web'],
    ['kubectl mimt events -A -l tier=gold -w', "Gold tenants' events, then new ones as they come"],
  ],
  formats: ['table', 'wide', 'json', 'yaml'],
  flags: {
    'all-namespaces': { alias: 'A', type: 'boolean', default: false, describe: 'Every tenant' },
    selector: { alias: 'l', type: 'string', describe: 'Label selector on tenants, e.g. tier=gold' },
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'Only tenants of this source' },
    types: { type: 'string', describe: 'Only events of these types, comma-separated: Warning, Normal' },
    for: { type: 'string', describe: 'Only events about this object: KIND/NAME, e.g. pod/web-1' },
    watch: {
      alias: 'w',
      type: 'boolean',
      default: false,
      describe: 'After the first answer, print each group again as new events change it; Ctrl-C ends',
    },
  },
  options(args, format): EventsOptions {
    const positional = positionals(args);
    if (positional.length > 1)
      throw usageError(`expected at most one tenant name, got ${positional.length}: ${positional.join(' ')}`);
    const tenant = positional[0];
    if (tenant !== undefined && args.allNamespaces) throw usageError('give a TENANT or -A, not both');
    if (tenant === undefined && !args.allNamespaces) throw usageError('events needs a TENANT, or -A for every tenant');
    if (args.selector !== undefined) parseSelector(args.selector);
    return {
      tenant: tenant === undefined ? undefined : assertTenantName(tenant),
      source: args.source,
      selector: args.selector,
      types: types(args.types),
      involved: involved(args.for),
      watch: args.watch,
      format,
      noHeaders: args.noHeaders,
    };
  },
  run: async (options, context) => (await import('../../commands/events.ts')).events(options, context),
  fleet: { refuse: (options) => (options.watch ? '--watch follows one cluster: give one --context' : undefined) },
});
