import { once } from 'node:events';
import { MimtError } from '../core/errors.ts';

/** Where the CLI writes; the plugin entry passes the process's, e2e tests see the real ones. */
export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves once stdout has taken what was written, when it is slower than the command. */
  drained?: () => Promise<void> | undefined;
  /** Aborts when the reader of stdout goes away (a broken pipe). */
  closed?: AbortSignal;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  columns?: number;
  env: NodeJS.ProcessEnv;
}

export function processStreams(): Streams {
  const gone = new AbortController();
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // `kubectl mimt logs acme | head`: not an error of mimt's, and not worth a stack trace.
    if (error.code !== 'EPIPE') throw error;
    gone.abort();
  });
  return {
    stdout: (text) => {
      if (!gone.signal.aborted) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    drained: () =>
      process.stdout.writableNeedDrain && !gone.signal.aborted
        ? Promise.race([once(process.stdout, 'drain'), once(gone.signal, 'abort')]).then(() => undefined)
        : undefined,
    closed: gone.signal,
    stdoutIsTTY: process.stdout.isTTY,
    stderrIsTTY: process.stderr.isTTY,
    columns: process.stdout.columns,
    env: process.env,
  };
}

export function writeOut(streams: Streams, text: string): void {
  if (text !== '') streams.stdout(text);
}

function stackOf(error: unknown): string {
  const lines: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    lines.push(current.stack ?? String(current));
  }
  return lines.join('\ncaused by: ');
}

/** Prints an error once: one line, a hint when there is one, the stack only with -v. */
export function printError(streams: Streams, error: unknown, verbose: number): void {
  if (error instanceof MimtError) {
    streams.stderr(`error: ${error.message}\n`);
    if (error.hint) streams.stderr(`${error.hint}\n`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    streams.stderr(`error: internal error: ${message.split('\n', 1)[0]}\n`);
    if (verbose < 1) streams.stderr('Run again with -v for the stack trace, and report it.\n');
  }
  if (verbose >= 1) streams.stderr(`${stackOf(error)}\n`);
}
