import yargs, { type Argv, type Options as FlagOptions } from 'yargs';
import { EXIT, MimtError, exitCodeOf, usageError } from '../core/errors.ts';
import type { Document, Listing, OutputFormat, Result } from '../output/result.ts';
import { createContext } from './context.ts';
import { FLEET_FLAGS, GLOBAL_FLAGS, defineGlobalFlags, outputFlags, outputFormat, walk, wantsFleet } from './flags.ts';
import { type Streams, printError, writeOut } from './printer.ts';
import { COMMANDS } from './registry.ts';
import { type Command, type CommandGroup, type CommandSpec, type Flags, type ParsedArgs, isGroup } from './spec.ts';
import { normalizeVerbosity } from './verbosity.ts';

const SUITE = 'kubectl mimt';
/** Cursor home, then erase the screen: how watch(1) redraws. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

function wrapWidth(streams: Streams): number {
  return Math.min(110, streams.columns ?? 100);
}

/** yargs' own wording for unknown options becomes kubectl's: "unknown flag: --foo". */
function translateYargsMessage(message: string, argv: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/.exec(message);
  if (unknown) {
    const names = (unknown[1] as string).split(', ');
    const name = names[0] as string;
    const asFlag = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
    return asFlag ? `unknown flag: ${asFlag.split('=')[0]}` : `unexpected argument "${name}"`;
  }
  const choice = /^Invalid values:\s*Argument: (\S+), Given: (.*), Choices: (.*)$/s.exec(message.replace(/\n/g, ' '));
  if (choice) return `invalid value ${choice[2]?.trim()} for --${choice[1]}: use one of ${choice[3]?.trim()}`;
  return message.replace(/\n+/g, ' ');
}

function buildParser(spec: CommandSpec, argv: string[], streams: Streams): Argv {
  const y = yargs(argv)
    .scriptName(`${SUITE} ${spec.name}`)
    .usage(`${spec.description}\n\nUsage:\n  ${spec.usage}`)
    // A repeatable flag (array: true) takes one value per occurrence, as kubectl's; see lastValues.
    .parserConfiguration({
      'boolean-negation': false,
      'strip-aliased': true,
      'halt-at-non-option': false,
      'greedy-arrays': false,
    })
    .strictOptions()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .exitProcess(false)
    .showHelpOnFail(false)
    .wrap(wrapWidth(streams))
    .fail((message, error) => {
      throw error ?? usageError(translateYargsMessage(message, argv));
    });
  for (const [command, explanation] of spec.examples) y.example(command, explanation);
  const flags = { ...spec.flags, ...outputFlags(spec.formats) };
  if (spec.fleet) y.options(FLEET_FLAGS);
  // The command's own flags first, then the kubectl flags every command shares.
  return defineGlobalFlags(y.options(flags).group(['help', ...Object.keys(flags)], 'Flags:'));
}

/** A flag that is not repeatable, given more than once, counts with its last value, as kubectl's flags do. */
function lastValues(args: Record<string, unknown>, flags: Record<string, FlagOptions>): void {
  for (const [name, options] of Object.entries(flags)) {
    if (options.array || options.type === 'array') continue;
    for (const key of [name, camelCase(name)]) {
      const value = args[key];
      if (Array.isArray(value)) args[key] = value.at(-1);
    }
  }
}

const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** A usage error without a hint points at the help of the command (or subcommand) that raised it. */
async function runSpec(spec: CommandSpec, argv: string[], streams: Streams): Promise<number> {
  try {
    return await parseAndRun(spec, argv, streams);
  } catch (error) {
    if (error instanceof MimtError && error.kind === 'usage' && error.hint === undefined) {
      throw usageError(error.message, `See '${SUITE} ${spec.name} --help' for usage.`);
    }
    throw error;
  }
}

/** A command's argv as the CLI reads it: its help text when asked for, else its typed options. */
export type Parsed =
  { help: string } | { help?: undefined; args: ParsedArgs<Flags>; format: OutputFormat; options: unknown };

/** The one way from argv to a command's options: its parser, then its own checks. Makes no request. */
export async function parseCommand(spec: CommandSpec, argv: string[], streams: Streams): Promise<Parsed> {
  let helpText = '';
  const args = (await buildParser(spec, argv, streams).parseAsync(argv, {}, (_err, _argv, output) => {
    helpText = output;
  })) as ParsedArgs<Flags>;
  if (args.help) return { help: `${helpText.trimEnd()}\n` };
  lastValues(args, { ...spec.flags, ...GLOBAL_FLAGS, ...outputFlags(spec.formats) });
  const format = outputFormat(args.output, spec.formats);
  return { args, format, options: spec.options(args, format) };
}

async function parseAndRun(spec: CommandSpec, argv: string[], streams: Streams): Promise<number> {
  const parsed = await parseCommand(spec, argv, streams);
  if (parsed.help !== undefined) {
    writeOut(streams, parsed.help);
    return EXIT.ok;
  }
  const { args, format, options } = parsed;
  const context = await createContext(args, streams);
  let fleetClose: (() => void) | undefined;
  try {
    let result: Result;
    if (wantsFleet(args) && !spec.fleet?.itself) {
      const { chooseClusters, runOnFleet } = await import('./fleet.ts');
      const fleet = await runOnFleet(spec, options, args, streams, await chooseClusters(args, streams));
      fleetClose = fleet.close;
      result = fleet.result;
    } else {
      result = await spec.run(options, context);
    }
    const { colour } = context;
    const show = async (shown: Listing | Document, before = ''): Promise<boolean> => {
      // The renderers (string-width alone takes some 25 ms to load) load only for a result they
      // print: never for --help, nor for a stream of log lines.
      const { renderResult } = await import('../output/render.ts');
      const rendered = await renderResult(shown, { format, noHeaders: args.noHeaders, colour });
      if (rendered.stdout !== '') writeOut(streams, before + rendered.stdout);
      for (const line of rendered.stderr) streams.stderr(`${line}\n`);
      return rendered.stdout !== '';
    };
    switch (result.type) {
      case 'stream':
        for await (const event of result.events) {
          if (event.to === 'stderr') streams.stderr(event.text);
          else {
            streams.stdout(event.text);
            // A slow reader (a pager, a pipe) makes the command wait, rather than mimt hold what it has not read.
            await streams.drained?.();
          }
          if (streams.closed?.aborted) break;
        }
        return streams.closed?.aborted ? EXIT.brokenPipe : (result.exitCode?.() ?? EXIT.ok);
      case 'frames': {
        let printed = false;
        for await (const frame of result.frames) {
          // On a terminal each frame replaces the last one; elsewhere frames follow each other, apart.
          if (streams.stdoutIsTTY) streams.stdout(CLEAR_SCREEN);
          const separator: string = !streams.stdoutIsTTY && printed ? (format === 'yaml' ? '---\n' : '\n') : '';
          printed = (await show(frame, separator)) || printed;
          if (streams.closed?.aborted) break;
        }
        return streams.closed?.aborted ? EXIT.brokenPipe : EXIT.ok;
      }
      default:
        await show(result);
        return result.exitCode ?? EXIT.ok;
    }
  } finally {
    context.close();
    fleetClose?.();
  }
}

function groupHelp(group: CommandGroup): string {
  const names = Object.keys(group.subcommands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    group.description,
    '',
    'Usage:',
    `  ${SUITE} ${group.name} <command> [flags]`,
    '',
    'Commands:',
    ...Object.entries(group.subcommands).map(([name, sub]) => `  ${name.padEnd(width)}   ${sub.summary ?? ''}`),
    '',
    'Examples:',
    ...group.examples.map(([command, explanation]) => `  ${command}\n      ${explanation}`),
    '',
    `Use "${SUITE} ${group.name} <command> --help" for a command's own flags.`,
    '',
  ].join('\n');
}

/**
 * A group's subcommand is its first positional, wherever it stands among the flags; the rest of
 * argv goes to the subcommand, which parses it with its own flags only.
 */
async function runGroup(group: CommandGroup, argv: string[], streams: Streams): Promise<number> {
  const names = Object.keys(group.subcommands);
  const everyFlag = Object.assign(
    {},
    GLOBAL_FLAGS,
    ...Object.values(group.subcommands).flatMap((sub) => [sub.flags, outputFlags(sub.formats)]),
  ) as Flags;
  const walked = walk(argv, everyFlag);
  const name = walked.positionals[0];
  const hint = `See '${SUITE} ${group.name} --help' for usage.`;
  if (name === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) {
      writeOut(streams, groupHelp(group));
      return EXIT.ok;
    }
    throw usageError(`${group.name} needs a subcommand: use one of ${names.join(', ')}`, hint);
  }
  const sub = group.subcommands[name];
  if (!sub) throw usageError(`unknown ${group.name} subcommand "${name}": use one of ${names.join(', ')}`, hint);
  const at = walked.positionalIndexes[0] as number;
  try {
    return await runSpec(sub, [...argv.slice(0, at), ...argv.slice(at + 1)], streams);
  } catch (error) {
    // A flag of another subcommand: say where it belongs rather than that it does not exist.
    const flag = error instanceof MimtError ? /^unknown flag: --(\S+)$/.exec(error.message)?.[1] : undefined;
    const owners = names.filter((other) => flag !== undefined && flag in (group.subcommands[other]?.flags ?? {}));
    if (flag !== undefined && owners.length) {
      throw usageError(
        `--${flag} applies to ${group.name} ${owners.join(', ')}, not to ${sub.name}`,
        `See '${SUITE} ${sub.name} --help' for usage.`,
      );
    }
    throw error;
  }
}

const runCommand = (command: Command, argv: string[], streams: Streams): Promise<number> =>
  isGroup(command) ? runGroup(command, argv, streams) : runSpec(command, argv, streams);

function suiteHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`);
  return [
    'mimt manages multi-instance tenants: one isolated instance of an application per tenant namespace.',
    '',
    'Usage:',
    `  ${SUITE} <command> [flags]`,
    '',
    'Commands:',
    ...lines,
    '',
    `Use "${SUITE} <command> --help" for more about a command.`,
    '',
  ].join('\n');
}

/** The hidden first word of the dispatcher that answers shell completion (see complete.ts). */
export const COMPLETE_WORD = '__complete';

/** --version alone, on the suite or any command: `version --client`, as executables usually answer it. */
function isVersionFlag(argv: readonly string[]): boolean {
  return argv.length === 1 && argv[0] === '--version';
}

/**
 * Runs one command of the suite and returns the exit code. `fixed` names the command for the
 * per-command executables (kubectl-mimt-ls); the dispatcher (kubectl-mimt) takes it from argv.
 */
export async function main(fixed: string | undefined, rawArgv: readonly string[], streams: Streams): Promise<number> {
  const argv = normalizeVerbosity(rawArgv);
  const verbose = Number(/^--verbose=(\d+)$/.exec(argv.findLast((a) => a.startsWith('--verbose=')) ?? '')?.[1] ?? 0);
  let name = fixed;
  let rest = argv;
  try {
    // The shell completion protocol (kubectl_complete-mimt), for installs that have only this executable.
    if (fixed === undefined && rawArgv[0] === COMPLETE_WORD) {
      return await (await import('./complete.ts')).completeMain(rawArgv.slice(1), streams);
    }
    if (name === undefined) {
      // The command is the first word that is neither a flag nor a flag's value (`--kubeconfig F ls`).
      const index = walk(argv, { ...GLOBAL_FLAGS, ...FLEET_FLAGS }).positionalIndexes[0] ?? -1;
      if (index === -1 && !isVersionFlag(argv)) {
        const asked = argv.includes('--help') || argv.includes('-h');
        (asked ? (text: string) => writeOut(streams, text) : streams.stderr)(suiteHelp());
        return asked ? EXIT.ok : EXIT.usage;
      }
      name = index === -1 ? 'version' : (argv[index] as string);
      rest = index === -1 ? argv : [...argv.slice(0, index), ...argv.slice(index + 1)];
    }
    if (isVersionFlag(rest)) [name, rest] = ['version', ['--client']];
    const entry = COMMANDS[name];
    if (!entry) {
      throw usageError(`unknown command "${name}" for "${SUITE}"`, `Run '${SUITE} --help' for the commands.`);
    }
    return await runCommand(await entry.load(), rest, streams);
  } catch (error) {
    if (error instanceof MimtError && error.kind === 'usage' && error.hint === undefined && name) {
      printError(streams, usageError(error.message, `See '${SUITE} ${name} --help' for usage.`), verbose);
    } else {
      printError(streams, error, verbose);
    }
    return exitCodeOf(error);
  }
}
