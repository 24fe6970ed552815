/**
 * The one error type of mimt. Every layer throws it (or lets the CLI wrap what it does not know as an
 * internal error); only the CLI layer turns it into a line on stderr and an exit code.
 */
export type ErrorKind = 'usage' | 'failure' | 'interrupted';

export interface MimtErrorOptions {
  kind?: ErrorKind;
  hint?: string;
  cause?: unknown;
  /** The HTTP status of the API answer behind the error, when there was one. */
  status?: number;
}

export class MimtError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: MimtErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MimtError';
    this.kind = options.kind ?? 'failure';
    this.hint = options.hint;
    this.status = options.status;
  }
}

export function usageError(message: string, hint?: string): MimtError {
  return new MimtError(message, { kind: 'usage', hint });
}

export function failure(message: string, options: Omit<MimtErrorOptions, 'kind'> = {}): MimtError {
  return new MimtError(message, { ...options, kind: 'failure' });
}

/** The user stopped the command (Ctrl-C) and it stopped cleanly: exit 130, as a shell reports SIGINT. */
export function interrupted(message: string, options: Omit<MimtErrorOptions, 'kind'> = {}): MimtError {
  return new MimtError(message, { ...options, kind: 'interrupted' });
}

/** Exit codes documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  findings: 3,
  /** The reader of stdout went away (`| head`): what a shell reports for kubectl killed by SIGPIPE. */
  /** Stopped by Ctrl-C (SIGINT), after undoing what it had begun. */
  interrupted: 130,
  brokenPipe: 141,
} as const;

export function exitCodeOf(error: unknown): number {
  if (!(error instanceof MimtError)) return EXIT.failure;
  return error.kind === 'usage' ? EXIT.usage : error.kind === 'interrupted' ? EXIT.interrupted : EXIT.failure;
}

/** What went wrong, in one line, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
