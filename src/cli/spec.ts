import type { Options as FlagOptions } from 'yargs';
import type { KubeClient } from '../core/kube/client.ts';
import type { OutputFormat, Result } from '../output/result.ts';
import type { GlobalArgs } from './flags.ts';

/** What a command may use besides its options; e2e tests get the real ones, unit tests fixtures. */
export interface CommandContext {
  kube(): Promise<KubeClient>;
  /** A progress line for stderr (the CLI decides how to show it). */
  progress(line: string): void;
  now(): Date;
  signal: AbortSignal;
  /** Whether stdout gets colour (--color, a terminal, NO_COLOR): decided by the CLI, once. */
  colour: boolean;
  /**
   * Asks a yes/no question on the terminal; without one it fails with a usage error that names
   * `flag`, the way to say yes non-interactively.
   */
  confirm(question: string, flag: string): Promise<boolean>;
}

/**
 * The CLI side of one command: its flags, help and the mapping of argv to typed options. It loads the
 * command's implementation only when it runs, so --help and flag errors stay light.
 */
export interface CommandSpec<Options = unknown> {
  name: string;
  usage: string;
  description: string;
  examples: [command: string, explanation: string][];
  formats: readonly OutputFormat[];
  /** The command's own flags, by long name; the kubectl flags come from the CLI layer. */
  flags: Record<string, FlagOptions>;
  /** Validates argv into options; throws usage errors, makes no request. */
  options(args: GlobalArgs & Record<string, unknown>, format: OutputFormat): Options;
  run(options: Options, context: CommandContext): Promise<Result>;
}

export function defineCommand<Options>(spec: CommandSpec<Options>): CommandSpec<Options> {
  return spec;
}
