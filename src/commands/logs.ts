import { failure } from '../core/errors.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { collectionPath } from '../core/kube/resources.ts';
import { readLogs } from '../core/logs/collect.ts';
import { type LogEvent, followLogs } from '../core/logs/follow.ts';
import type { LogLine } from '../core/logs/line.ts';
import type { TailOptions } from '../core/logs/tail.ts';
import {
  type Pod,
  type Target,
  type TargetFilter,
  describeTargets,
  targetName,
  targetsOfPods,
} from '../core/logs/targets.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import { findTenant } from '../core/tenant/inventory.ts';
import { type LogFormat, formatLogLine } from '../output/log-line.ts';
import type { Stream, StreamEvent } from '../output/result.ts';

export interface LogsOptions {
  tenant: string;
  source?: TenantSource;
  follow: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  /** Undefined: the whole log. */
  tailLines?: number;
  containers?: RegExp;
  exclude?: RegExp;
  pods?: RegExp;
  selector?: string;
  includeInit: boolean;
  previous: boolean;
  timestamps: boolean;
  prefix: boolean;
  format: LogFormat;
  maxRequests: number;
  grep?: RegExp;
}

export interface LogsDeps {
  kube(): Promise<KubeClient>;
  signal: AbortSignal;
  colour: boolean;
  /** Across clusters: the cluster, which every line then names. */
  cluster?: string;
}

/** Lines are written in pieces of about this size, not one write each. */
const CHUNK = 64 * 1024;

const stderr = (text: string): StreamEvent => ({ to: 'stderr', text: `${text}\n` });

/** Notes for the containers that have no log to read, so that none is left out silently. */
function unreadable(targets: readonly Target[], previous: boolean): string[] {
  const waiting = targets.filter((t) => t.state === 'waiting');
  if (waiting.length === 0) return [];
  return previous
    ? [`note: no previous instance of ${describeTargets(waiting)}`]
    : [`note: no log yet from ${describeTargets(waiting, (t) => t.reason)}`];
}

async function* readOnce(
  client: KubeClient,
  targets: Target[],
  options: LogsOptions,
  read: Omit<TailOptions, 'follow'>,
  format: (target: Target, line: LogLine) => string,
  failed: { count: number },
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const readable = targets.filter((t) => t.state !== 'waiting');
  for (const note of unreadable(targets, options.previous)) yield stderr(note);
  if (readable.length > options.maxRequests) {
    yield stderr(
      `note: ${readable.length} logs to read, more than --max-log-requests=${options.maxRequests}: reading ` +
        `${options.maxRequests} at a time into temporary files, merged once all are read ` +
        `(--max-log-requests=${readable.length} merges them as they arrive)`,
    );
  }
  const reading = readLogs(client, readable, read, { concurrency: options.maxRequests, grep: options.grep }, signal);
  let warned = 0;
  const warnings = function* (): Generator<StreamEvent> {
    for (const { target, error } of reading.retries.slice(warned)) {
      yield stderr(`warning: ${targetName(target)}: ${error.message}; read again from where it stopped`);
    }
    warned = reading.retries.length;
  };
  for await (const batch of reading.batches) {
    yield* warnings();
    let chunk = '';
    for (const { source, line } of batch) {
      chunk += format(readable[source] as Target, line);
      if (chunk.length >= CHUNK) {
        yield { to: 'stdout', text: chunk };
        chunk = '';
      }
    }
    if (chunk !== '') yield { to: 'stdout', text: chunk };
  }
  if (signal.aborted) return;
  yield* warnings();
  failed.count = reading.failures.length;
  for (const { target, error } of reading.failures) {
    yield stderr(`error: cannot read the log of ${targetName(target)}: ${error.message}`);
  }
}

async function* toStreamEvents(
  batches: AsyncIterable<LogEvent[]>,
  format: (target: Target, line: LogLine) => string,
): AsyncGenerator<StreamEvent> {
  for await (const batch of batches) {
    let chunk = '';
    for (const event of batch) {
      if (event.type === 'line') {
        chunk += format(event.target, event.line);
        continue;
      }
      if (chunk !== '') yield { to: 'stdout', text: chunk };
      chunk = '';
      if (event.type === 'note') yield stderr(event.text);
      else yield stderr(`${event.type === 'joined' ? '+' : '-'} ${targetName(event.target)}`);
    }
    if (chunk !== '') yield { to: 'stdout', text: chunk };
  }
}

/**
 * The logs of every selected container of a tenant's pods: read once and merged in time order, or
 * followed (-f) with a watch on the pods so that streams start and end as pods come and go.
 */
export async function logs(options: LogsOptions, deps: LogsDeps): Promise<Stream> {
  const client = await deps.kube();
  const listPods = (namespace: string) =>
    client.list<Pod>(collectionPath('Pod', namespace), { labelSelector: options.selector });
  // A tenant's namespace is nearly always named after it: its pods are asked for while the tenant
  // is being resolved, so the first line waits for one round trip less.
  const early = listPods(options.tenant);
  early.catch(() => undefined);
  const tenant = await findTenant(client, options.tenant, options.source);
  const namespace = tenant.namespace;
  const pods = await (namespace === options.tenant ? early : listPods(namespace));
  const filter: TargetFilter = {
    containers: options.containers,
    exclude: options.exclude,
    pods: options.pods,
    includeInit: options.includeInit,
    previous: options.previous,
  };
  const read: Omit<TailOptions, 'follow'> = {
    previous: options.previous,
    tailLines: options.tailLines,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime,
  };
  const format = (target: Target, line: LogLine): string =>
    formatLogLine(
      {
        ...(deps.cluster === undefined ? {} : { cluster: deps.cluster }),
        tenant: tenant.name,
        namespace,
        pod: target.pod,
        container: target.container,
        timestamp: line.timestamp,
        message: line.message,
      },
      { format: options.format, prefix: options.prefix, timestamps: options.timestamps, colour: deps.colour },
    );
  const targets = targetsOfPods(pods.items, filter);
  const where = `tenant ${tenant.name} (namespace ${namespace})`;
  const matching = options.selector ? ` matching -l ${options.selector}` : '';
  const noPods = `No pods${matching} in ${where}`;
  const noTargets = `No containers of the ${pods.items.length} pods${matching} in ${where} match -c, -E or --pod`;

  if (!options.follow) {
    if (targets.length === 0) {
      const message = pods.items.length === 0 ? noPods : noTargets;
      return {
        type: 'stream',
        events: (async function* () {
          yield stderr(message);
        })(),
      };
    }
    const failed = { count: 0 };
    return {
      type: 'stream',
      events: readOnce(client, targets, options, read, format, failed, deps.signal),
      exitCode: () => (failed.count > 0 ? 1 : 0),
    };
  }

  if (targets.length > options.maxRequests) {
    throw failure(
      `${where} has ${targets.length} log streams to follow, more than --max-log-requests=${options.maxRequests}`,
      { hint: `raise it (--max-log-requests=${targets.length}) or select fewer with -c, -E, --pod or -l` },
    );
  }
  const batches = followLogs(
    client,
    {
      namespace,
      labelSelector: options.selector,
      filter,
      read,
      grep: options.grep,
      maxStreams: options.maxRequests,
      initial: { pods: pods.items, resourceVersion: pods.metadata?.resourceVersion },
    },
    deps.signal,
  );
  const waitNote =
    targets.length > 0 ? [] : [stderr(`${pods.items.length === 0 ? noPods : noTargets} yet; waiting (Ctrl-C to stop)`)];
  return {
    type: 'stream',
    events: (async function* () {
      yield* waitNote;
      yield* toStreamEvents(batches, format);
    })(),
  };
}
