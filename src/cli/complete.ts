/**
 * Shell completion for kubectl's plugin completion protocol (kubectl ≥ 1.26): kubectl runs
 * `kubectl_complete-mimt` with the words typed after `kubectl mimt`, the last one being the word under
 * the cursor (empty after a space), and reads one candidate per line ("value" or "value<TAB>description"),
 * then a line ":<directive>" as cobra defines it. Everything offered is derived from the command specs
 * (their flags, formats and usage lines) and the kubectl flags, never from a second list.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Options } from 'yargs';
import type { CompletionConnection, CompletionSources } from '../commands/complete.ts';
import { GLOBAL_FLAGS, outputFlags, takesValue, walk } from './flags.ts';
import type { Streams } from './printer.ts';
import { COMMANDS } from './registry.ts';
import { type Command, type CommandSpec, isGroup } from './spec.ts';

/** cobra's ShellCompDirective: 0 lets the shell complete file names, 4 (NoFileComp) does not. */
export const DIRECTIVE = { files: 0, noFiles: 4 } as const;

export interface Completion {
  candidates: string[];
  directive: number;
}

type Flags = Record<string, Options>;

/** Placeholders of usage lines that stand for a tenant name. */
const TENANT_PLACEHOLDERS = new Set(['TENANT', 'FROM', 'TO']);

const HELP_FLAG: Options = { alias: 'h', type: 'boolean', describe: 'Help for the command' };
const SUITE_FLAGS: Flags = {
  help: { type: 'boolean', describe: 'List the commands' },
  version: { type: 'boolean', describe: "Print mimt's version" },
};

type Slot = { literals: string[]; tenant: boolean };

/**
 * The positional arguments a usage line shows: `TENANT`, `[TENANT | -A]`, `bash|zsh|fish`, `show`;
 * flags (`--chart CHART`, `[-l selector]`) and `[flags]` are not positionals.
 */
export function usageSlots(line: string, commandWords = 1): Slot[] {
  const tokens =
    line
      .trim()
      .split(/\s+/)
      .slice(2 + commandWords)
      .join(' ')
      .match(/\[[^\]]*\](?:\.\.\.)?|\S+/g) ?? [];
  const slots: Slot[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    const inner = token.replace(/^\[|\](\.\.\.)?$/g, '').trim();
    if (token === '[flags]' || inner.startsWith('-')) {
      // A flag outside brackets is followed by its value placeholder (`--chart CHART`).
      if (!token.startsWith('[') && /^[A-Z]/.test(tokens[i + 1] ?? '')) i += 1;
      continue;
    }
    const alternatives = inner.split('|').map((a) => a.trim());
    slots.push({
      literals: alternatives.filter((a) => /^[a-z][a-z0-9-]*$/.test(a)),
      tenant: alternatives.some((a) => TENANT_PLACEHOLDERS.has(a)),
    });
  }
  return slots;
}

/** What may stand at positional `index`, after the positionals typed so far, by the usage lines. */
function positionalChoices(spec: CommandSpec, typed: readonly string[]): Slot {
  const choice: Slot = { literals: [], tenant: false };
  for (const line of spec.usage.split('\n')) {
    const slots = usageSlots(line, spec.name.split(' ').length);
    const fits = typed.every((word, i) => {
      const slot = slots[i];
      return slot !== undefined && (slot.literals.length === 0 || slot.literals.includes(word));
    });
    const next = slots[typed.length];
    if (!fits || next === undefined) continue;
    choice.literals.push(...next.literals.filter((l) => !choice.literals.includes(l)));
    choice.tenant ||= next.tenant;
  }
  return choice;
}

function described(name: string, description: unknown): string {
  return typeof description === 'string' && description !== '' ? `${name}\t${description.split('\n')[0]}` : name;
}

function startingWith(prefix: string, candidates: readonly string[]): string[] {
  return candidates.filter((c) => c.startsWith(prefix));
}

/** The values of one flag: its choices, the command's formats, or names from the kubeconfig or cluster. */
async function flagValues(
  name: string,
  options: Options | undefined,
  spec: CommandSpec,
  sources: CompletionSources,
): Promise<Completion> {
  const known = async (values: Promise<string[]> | string[]): Promise<Completion> => ({
    candidates: await values,
    directive: DIRECTIVE.noFiles,
  });
  if (name === 'output') return known(spec.formats.filter((f) => f !== 'table'));
  if (options?.choices) return known([options.choices].flat().map(String));
  if (name === 'namespace') return known(sources.namespaces());
  if (name === 'context') return known(sources.kubeconfig('contexts'));
  if (name === 'cluster') return known(sources.kubeconfig('clusters'));
  if (name === 'user') return known(sources.kubeconfig('users'));
  // Paths (--kubeconfig, -f, --chart) and free values: the shell's own file completion, as cobra does.
  return { candidates: [], directive: DIRECTIVE.files };
}

function connectionOf(values: Map<string, string>): CompletionConnection {
  return {
    kubeconfig: values.get('kubeconfig'),
    context: values.get('context'),
    cluster: values.get('cluster'),
    user: values.get('user'),
    server: values.get('server'),
    token: values.get('token'),
    certificateAuthority: values.get('certificate-authority'),
    insecureSkipTlsVerify: values.has('insecure-skip-tls-verify') || undefined,
  };
}

type Chosen =
  { spec: CommandSpec; words: string[] } | { spec: undefined; subcommands: [name: string, spec: CommandSpec][] };

/**
 * The command the words stand for: the command itself, or the subcommand of a group named by the
 * first positional (none yet: the group's subcommands are what to offer). An unknown subcommand offers nothing.
 */
function chooseSubcommand(command: Command, words: string[]): Chosen {
  if (!isGroup(command)) return { spec: command, words };
  const subcommands = Object.entries(command.subcommands);
  const everyFlag = Object.assign(
    {},
    GLOBAL_FLAGS,
    ...subcommands.flatMap(([, sub]) => [sub.flags, outputFlags(sub.formats)]),
  ) as Flags;
  const walked = walk(words, everyFlag);
  const [name, at] = [walked.positionals[0], walked.positionalIndexes[0]];
  if (name === undefined || at === undefined) return { spec: undefined, subcommands };
  const spec = command.subcommands[name];
  if (!spec) return { spec: undefined, subcommands: [] };
  return { spec, words: [...words.slice(0, at), ...words.slice(at + 1)] };
}

/** The candidates for the last of `words` (the words after `kubectl mimt`). */
export async function complete(
  words: readonly string[],
  sourcesFor: (connection: CompletionConnection) => CompletionSources,
): Promise<Completion> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const index = before.findIndex((w) => !w.startsWith('-'));
  if (index === -1) {
    const candidates = current.startsWith('-')
      ? Object.entries(SUITE_FLAGS).map(([name, o]) => described(`--${name}`, o.describe))
      : Object.entries(COMMANDS).map(([name, c]) => described(name, c.summary));
    return { candidates: startingWith(current, candidates), directive: DIRECTIVE.noFiles };
  }
  const entry = COMMANDS[before[index] as string];
  if (!entry) return { candidates: [], directive: DIRECTIVE.noFiles };
  const chosen = chooseSubcommand(await entry.load(), [...before.slice(0, index), ...before.slice(index + 1)]);
  if (chosen.spec === undefined) {
    const candidates = current.startsWith('-')
      ? Object.entries({ ...GLOBAL_FLAGS, help: HELP_FLAG }).map(([name, o]) => described(`--${name}`, o.describe))
      : chosen.subcommands.map(([name, sub]) => described(name, sub.summary));
    return { candidates: startingWith(current, candidates), directive: DIRECTIVE.noFiles };
  }
  const { spec } = chosen;
  const flags: Flags = { ...spec.flags, ...outputFlags(spec.formats), ...GLOBAL_FLAGS, help: HELP_FLAG };
  const walked = walk(chosen.words, flags);
  const sources = sourcesFor(connectionOf(walked.values));

  if (walked.pending !== undefined) {
    const values = await flagValues(walked.pending, flags[walked.pending], spec, sources);
    return { ...values, candidates: startingWith(current, values.candidates) };
  }
  const withValue = /^--([^=]+)=(.*)$/s.exec(current);
  if (withValue) {
    const [name, prefix] = [withValue[1] as string, withValue[2] as string];
    if (!takesValue(flags[name])) return { candidates: [], directive: DIRECTIVE.noFiles };
    // As cobra: for --flag=value the shells complete the value alone.
    const values = await flagValues(name, flags[name], spec, sources);
    return { ...values, candidates: startingWith(prefix, values.candidates) };
  }
  if (current.startsWith('-')) {
    const repeatable = (o: Options | undefined) => o?.array === true || o?.type === 'array';
    const unused = Object.entries(flags).filter(([name, o]) => repeatable(o) || !walked.values.has(name));
    const candidates = unused.map(([name, o]) => described(`--${name}`, o.describe));
    return { candidates: startingWith(current, candidates), directive: DIRECTIVE.noFiles };
  }
  const choice = positionalChoices(spec, walked.positionals);
  const tenants = choice.tenant ? await sources.tenants() : [];
  return { candidates: startingWith(current, [...choice.literals, ...tenants]), directive: DIRECTIVE.noFiles };
}

/** `kubectl-mimt __complete WORDS…`: the protocol's answer on stdout, for the shell scripts of `completion`. */
export async function completeMain(
  words: readonly string[],
  streams: Streams,
  options: { hidden?: ReadonlySet<string> } = {},
): Promise<number> {
  const { completionSources } = await import('../commands/complete.ts');
  const result = await complete(words.length ? words : [''], (connection) =>
    completionSources(connection, streams.env),
  );
  const shown = result.candidates.filter((c) => !options.hidden?.has(c.split('\t')[0] as string));
  streams.stdout([...shown, `:${result.directive}`].map((line) => `${line}\n`).join(''));
  return 0;
}

function onPath(name: string, env: NodeJS.ProcessEnv): boolean {
  const names = process.platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  return (env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && names.some((n) => existsSync(path.join(dir, n))));
}

/**
 * kubectl_complete-mimt[-<command>] as kubectl runs it. kubectl asks kubectl_complete-mimt-ls for
 * `kubectl mimt ls <Tab>` when the executable kubectl-mimt-ls is on PATH (the npm install), so the
 * command comes from this executable's name; and kubectl itself lists the commands that have an
 * executable, so those are left out of the first word's candidates rather than shown twice.
 */
export async function kubectlCompleteMain(
  executable: string,
  words: readonly string[],
  streams: Streams,
): Promise<number> {
  const command = /^kubectl_complete-mimt-(.+?)(\.js)?$/.exec(path.basename(executable))?.[1];
  if (command !== undefined) return completeMain([command, ...words], streams);
  const listed = Object.keys(COMMANDS).filter((c) => onPath(`kubectl-mimt-${c}`, streams.env));
  return completeMain(words, streams, { hidden: words.length <= 1 ? new Set(listed) : undefined });
}
