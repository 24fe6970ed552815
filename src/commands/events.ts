import type { KubeClient } from '../core/kube/client.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import type { EventGroup, EventType } from '../core/tenant/events.ts';
import { type EventsRead, followTenantEvents, readTenantEvents } from '../core/tenant/events-read.ts';
import { renderJson } from '../output/json.ts';
import { paint } from '../output/colour.ts';
import { render } from '../output/render.ts';
import type { Listing, OutputFormat, Stream, StreamEvent } from '../output/result.ts';
import { renderTable } from '../output/table.ts';
import { renderYaml } from '../output/yaml.ts';
import { eventColumns, eventItem, eventListing, eventRow } from '../views/events.ts';

export interface EventsOptions {
  /** One tenant; every tenant when undefined (-A). */
  tenant?: string;
  source?: TenantSource;
  selector?: string;
  types: EventType[];
  involved?: { kind: string; name: string };
  watch: boolean;
  /** How a watch prints what comes after the first answer. */
  format: OutputFormat;
  noHeaders: boolean;
}

export interface EventsDeps {
  kube(): Promise<KubeClient>;
  now(): Date;
  signal: AbortSignal;
  colour: boolean;
}

/**
 * A tenant's events, or every tenant's (-A), grouped by object, type, reason and message, oldest
 * first as kubectl events has them; with --watch, then each group again as new events change it.
 */
export async function events(options: EventsOptions, deps: EventsDeps): Promise<Listing | Stream> {
  const client = await deps.kube();
  const read = await readTenantEvents(client, options);
  const across = options.tenant === undefined;
  const first = eventListing(read.groups, across, deps.now().getTime(), read.report.lines());
  if (!options.watch) return first;
  return { type: 'stream', events: watched(client, read, first, options, deps) };
}

async function* watched(
  client: KubeClient,
  read: EventsRead,
  first: Listing,
  options: EventsOptions,
  deps: EventsDeps,
): AsyncGenerator<StreamEvent> {
  const { format, noHeaders } = options;
  const rendered = render(first, { format, noHeaders, colour: deps.colour });
  if (rendered.stdout) yield { to: 'stdout', text: rendered.stdout };
  for (const line of rendered.stderr) yield { to: 'stderr', text: `${line}\n` };
  let headed = first.rows.length > 0 || noHeaders;
  const problems: string[] = [];
  const line = (group: EventGroup): string => {
    if (format === 'json') return renderJson(eventItem(group));
    if (format === 'yaml') return `---\n${renderYaml(eventItem(group))}`;
    const columns = eventColumns(across(options), deps.now().getTime()).filter((c) => format === 'wide' || !c.wide);
    const cells = eventRow(group, columns).map((c) => paint(c.text, c.tone, deps.colour));
    // The header comes with the first row when the first answer had none.
    const text = renderTable(
      columns.map((c) => c.header),
      [cells],
      { noHeaders: headed },
    );
    headed = true;
    return text;
  };
  for await (const group of followTenantEvents(client, read, deps.signal, (p) => problems.push(p))) {
    for (const problem of problems.splice(0)) yield { to: 'stderr', text: `${problem}\n` };
    yield { to: 'stdout', text: line(group) };
  }
  for (const problem of problems.splice(0)) yield { to: 'stderr', text: `${problem}\n` };
}

const across = (options: EventsOptions): boolean => options.tenant === undefined;
