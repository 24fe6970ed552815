import type { ArgumentsCamelCase, Options as FlagOptions, InferredOptionTypes } from 'yargs';
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
  /**
   * The command stops by itself on `signal` and undoes what it began (install): the first Ctrl-C
   * then waits for it instead of ending the process after a second; a second Ctrl-C still does.
   */
  undoesOnInterrupt(): void;
  /** Whether stdout gets colour (--color, a terminal, NO_COLOR): decided by the CLI, once. */
  colour: boolean;
  /**
   * Asks a yes/no question on the terminal; without one it fails with a usage error that names
   * `flag`, the way to say yes non-interactively.
   */
  confirm(question: string, flag: string): Promise<boolean>;
  /** The cluster's name when the command runs across several (its context); output carries it. */
  cluster?: string;
}

/** How a command runs across clusters (--context a,b, --all-contexts, --inventory). */
export interface FleetSupport<Options> {
  /** Why these options cannot run across clusters (install without --all, --watch), or undefined. */
  refuse?(options: Options): string | undefined;
  /** How many clusters at once (default 8). */
  parallel?(options: Options): number;
  /** A rollout: once a cluster's result fails, no further cluster starts. */
  stopOnFailure?: boolean;
  /** Takes the fleet flags and crosses clusters on its own (mcp, in each tool call): not run once per cluster. */
  itself?: boolean;
}

/** A command's own flags, by long name, as yargs defines them. */
export type Flags = Record<string, FlagOptions>;

/**
 * argv as the parser hands it to a command: the kubectl flags, the command's own flags typed from
 * their definitions (by long and camelCase name), and the positionals in `_`.
 */
export type ParsedArgs<F extends Flags> = GlobalArgs & ArgumentsCamelCase<InferredOptionTypes<F>>;

/** The positional arguments, as strings. */
export const positionals = (args: { _: (string | number)[] }): string[] => args._.map(String);

/**
 * The CLI side of one command (or one subcommand): its flags, help and the mapping of argv to typed
 * options. It loads the command's implementation only when it runs, so --help and flag errors stay light.
 */
export interface CommandSpec<F extends Flags = Flags, Options = unknown> {
  /** As typed after `kubectl mimt`: `ls`, or `policy audit` for a subcommand. */
  name: string;
  /** A subcommand's line in its group's list (a command's is in registry.ts, read without loading it). */
  summary?: string;
  usage: string;
  description: string;
  examples: [command: string, explanation: string][];
  formats: readonly OutputFormat[];
  /** The command's own flags; the kubectl flags and -o come from the CLI layer. */
  flags: F;
  /** Validates argv into options; throws usage errors, makes no request. */
  options(args: ParsedArgs<F>, format: OutputFormat): Options;
  run(options: Options, context: CommandContext): Promise<Result>;
  /** Set on the commands that work across clusters; the others take one context. */
  fleet?: FleetSupport<Options>;
}

/** A command made of subcommands (`policy show`, `policy audit`, …), each a command of its own. */
export interface CommandGroup {
  name: string;
  description: string;
  examples: [command: string, explanation: string][];
  subcommands: Record<string, CommandSpec>;
}

export type Command = CommandSpec | CommandGroup;

export const isGroup = (command: Command): command is CommandGroup => 'subcommands' in command;

/** Types a command's parsed flags from its flag definitions (hence `const`) and its options from `options`. */
export function defineCommand<const F extends Flags, Options>(spec: CommandSpec<F, Options>): CommandSpec<F, Options> {
  return spec;
}

export function defineGroup(group: CommandGroup): CommandGroup {
  return group;
}
