import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { MimtError, failure } from '../errors.ts';
import type { KubeClient, Query } from '../kube/client.ts';
import { objectPath } from '../kube/resources.ts';
import { type LogLine, parseLogLine } from './line.ts';
import type { ResumePoint } from './resume.ts';

/** What to read of one container's log, in the terms of the API's PodLogOptions. */
export interface TailOptions {
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
}

export interface TailHooks {
  /** Each new line, in order; a returned promise makes the reader wait (the output is behind). */
  line(line: LogLine): Promise<void> | undefined;
  /** The stream failed and is opened again after `delayMs`. */
  retrying(error: MimtError, delayMs: number): void;
  /** Asked when a followed stream ends without an error: whether the container still runs. */
  stillRunning(): boolean;
}

/** Without -f a failed read is tried again this many times before it counts as failed. */
const READ_RETRIES = 3;
const MAX_DELAY_MS = 30_000;

function backoff(attempt: number): number {
  return Math.min(MAX_DELAY_MS, 500 * 2 ** attempt);
}

/** Reads lines off the response until it ends; a line cut by a broken connection is left for the resume. */
async function readLines(
  response: Readable,
  resume: ResumePoint,
  hooks: TailHooks,
  delivered: { lines: number },
): Promise<void> {
  response.setEncoding('utf8');
  let pending = '';
  let lastKey = '';
  /** Passes one line on; a promise when the output is behind, which the reader waits for. */
  const take = (text: string): Promise<void> | undefined => {
    const parsed = parseLogLine(text);
    // A line without a timestamp sorts with the line before it.
    const line = parsed.key === '' ? { ...parsed, key: lastKey } : parsed;
    lastKey = line.key;
    if (!resume.accept(line)) return undefined;
    delivered.lines += 1;
    return hooks.line(line);
  };
  for await (const chunk of response) {
    const text = pending + (chunk as string);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const wait = take(text.slice(start, newline));
      start = newline + 1;
      if (wait) await wait;
    }
    pending = text.slice(start);
  }
  if (pending !== '') await take(pending);
}

/** A broken connection or an overloaded server passes; a 4xx answer (no such container) does not. */
function transient(error: MimtError): boolean {
  return error.status === undefined || error.status === 429 || error.status >= 500;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Reads one container's log (`GET .../pods/NAME/log`). A stream that breaks is opened again with
 * backoff from the last timestamp seen, and `resume` drops what comes twice; with `follow`, a
 * stream that ends while the container still runs is opened again too. Ends when the log is read,
 * the container stops, or `signal` aborts; without `follow`, throws after a few failed attempts.
 */
export async function tailContainer(
  client: KubeClient,
  target: { namespace: string; pod: string; container: string },
  options: TailOptions,
  resume: ResumePoint,
  hooks: TailHooks,
  signal: AbortSignal,
): Promise<void> {
  const path = objectPath('Pod', target.namespace, target.pod, 'log');
  let connectedAt: string | undefined;
  for (let attempt = 0; !signal.aborted;) {
    const query: Query = {
      container: target.container,
      timestamps: true,
      follow: options.follow || undefined,
      previous: options.previous || undefined,
    };
    if (resume.sinceTime !== undefined) {
      query.sinceTime = resume.sinceTime;
      resume.reopened();
    } else if (connectedAt !== undefined) {
      // Connected before but nothing came: whatever is there now was written since then.
      query.sinceTime = later(connectedAt, options.sinceTime);
    } else {
      Object.assign(query, {
        tailLines: options.tailLines,
        sinceSeconds: options.sinceSeconds,
        sinceTime: options.sinceTime,
      });
    }
    const delivered = { lines: 0 };
    try {
      const response = await client.stream(path, query, signal);
      connectedAt ??= new Date().toISOString();
      await readLines(response, resume, hooks, delivered);
      if (!options.follow || !hooks.stillRunning()) return;
    } catch (error) {
      if (signal.aborted) return;
      const problem =
        error instanceof MimtError
          ? error
          : failure(`the log stream of ${target.pod}/${target.container} broke: ${(error as Error).message}`, {
              cause: error,
            });
      if (!options.follow && (attempt >= READ_RETRIES || !transient(problem))) throw problem;
      attempt = delivered.lines > 0 ? 0 : attempt + 1;
      hooks.retrying(problem, backoff(attempt));
      await sleep(backoff(attempt), undefined, { signal }).catch(() => undefined);
      continue;
    }
    attempt = delivered.lines > 0 ? 0 : attempt + 1;
    await sleep(backoff(attempt), undefined, { signal }).catch(() => undefined);
  }
}
