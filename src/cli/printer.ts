import { MimtError } from '../core/errors.ts';

/** Where the CLI writes; the plugin entry passes the process's, e2e tests see the real ones. */
export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  columns?: number;
  env: NodeJS.ProcessEnv;
}

export function processStreams(): Streams {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
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
