import type { Argv, Options } from 'yargs';
import type { ClientOptions } from '../core/kube/client.ts';
import type { ConnectionOptions } from '../core/kube/kubeconfig.ts';
import { parseDuration } from '../core/duration.ts';
import { usageError } from '../core/errors.ts';
import type { ColourMode } from '../output/colour.ts';
import type { OutputFormat } from '../output/result.ts';

/** The flags every mimt command takes, as kubectl's cli-runtime names them. */
export interface GlobalArgs {
  kubeconfig?: string;
  /** One context, or several on the commands that work across clusters (repeated or comma-separated). */
  context?: string[];
  allContexts?: boolean;
  inventory?: string;
  ignoreUnreachable?: boolean;
  cluster?: string;
  user?: string;
  namespace?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  requestTimeout: string;
  server?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
  output?: string;
  noHeaders: boolean;
  verbose: number;
  color: ColourMode;
}

export const GLOBAL_GROUP = 'Kubernetes flags:';

/** The kubectl flags every command takes, as data: the parser and shell completion both read it. */
export const GLOBAL_FLAGS: Record<string, Options> = {
  kubeconfig: { type: 'string', describe: 'Path to the kubeconfig file to use', group: GLOBAL_GROUP },
  context: {
    type: 'string',
    array: true,
    describe: 'The kubeconfig context to use; several (repeated or a,b) where a command works across clusters',
    group: GLOBAL_GROUP,
  },
  cluster: { type: 'string', describe: 'The kubeconfig cluster to use', group: GLOBAL_GROUP },
  user: { type: 'string', describe: 'The kubeconfig user to use', group: GLOBAL_GROUP },
  namespace: {
    alias: 'n',
    type: 'string',
    describe: 'The namespace scope for this request',
    group: GLOBAL_GROUP,
  },
  as: { type: 'string', describe: 'Username to impersonate for the operation', group: GLOBAL_GROUP },
  'as-group': {
    type: 'string',
    array: true,
    describe: 'Group to impersonate; repeat for several',
    group: GLOBAL_GROUP,
  },
  'as-uid': { type: 'string', describe: 'UID to impersonate for the operation', group: GLOBAL_GROUP },
  'request-timeout': {
    type: 'string',
    default: '0',
    describe: 'How long to wait for one server request (e.g. 1s, 2m); 0 waits forever',
    group: GLOBAL_GROUP,
  },
  server: {
    alias: 's',
    type: 'string',
    describe: 'The address and port of the API server',
    group: GLOBAL_GROUP,
  },
  token: {
    type: 'string',
    describe: 'Bearer token for authentication to the API server',
    group: GLOBAL_GROUP,
  },
  'insecure-skip-tls-verify': {
    type: 'boolean',
    describe: 'Do not verify the server certificate (insecure)',
    group: GLOBAL_GROUP,
  },
  'certificate-authority': {
    type: 'string',
    describe: 'Path to a CA file for the server certificate',
    group: GLOBAL_GROUP,
  },
  verbose: {
    alias: 'v',
    type: 'number',
    default: 0,
    describe: 'Log level: 1 request count and stack traces, 6 every request',
    group: GLOBAL_GROUP,
  },
  color: {
    type: 'string',
    choices: ['auto', 'always', 'never'],
    default: 'auto',
    describe: 'Colour the output',
    group: GLOBAL_GROUP,
  },
};

export function defineGlobalFlags(y: Argv): Argv {
  return y.options(GLOBAL_FLAGS);
}

export const FLEET_GROUP = 'Fleet flags (several clusters):';

/** The flags of the commands that work across clusters; see docs/fleet.md. */
export const FLEET_FLAGS: Record<string, Options> = {
  'all-contexts': {
    type: 'boolean',
    describe: 'Every context of the kubeconfig, each a cluster',
    group: FLEET_GROUP,
  },
  inventory: {
    type: 'string',
    describe: 'The clusters of the ClusterProfiles on this context (a hub), matched to contexts by server URL',
    group: FLEET_GROUP,
  },
  'ignore-unreachable': {
    type: 'boolean',
    describe: 'Exit 0 even when a cluster could not be read (each is still named on stderr)',
    group: FLEET_GROUP,
  },
};

/** Whether the flags name several clusters. */
export function wantsFleet(args: GlobalArgs): boolean {
  return Boolean(args.allContexts) || args.inventory !== undefined || contextsOf(args).length > 1;
}

/** The contexts --context names: repeated, comma-separated, or both. */
export function contextsOf(args: GlobalArgs): string[] {
  return (args.context ?? []).flatMap((c) => c.split(',')).filter((c) => c !== '');
}

/** -o/--output for the commands with a choice of formats, and --no-headers for those that print tables. */
export function outputFlags(formats: readonly OutputFormat[]): Record<string, Options> {
  if (formats.length < 2) return {};
  const shown = formats.filter((f) => f !== 'table');
  const output: Options = { alias: 'o', type: 'string', describe: `Output format: ${shown.join('|')}` };
  if (!formats.includes('table')) return { output };
  return { output, 'no-headers': { type: 'boolean', default: false, describe: 'Print tables without headers' } };
}

/** The -o value, or the command's first format (its default) when -o is not given. */
export function outputFormat(value: string | undefined, formats: readonly OutputFormat[]): OutputFormat {
  const format = (value ?? formats[0] ?? 'table') as OutputFormat;
  if (!formats.includes(format)) {
    const allowed = formats.filter((f) => f !== 'table').join(', ');
    throw usageError(`invalid output format "${value}": use one of ${allowed}`);
  }
  return format;
}

/** The connection of one cluster: the context given (or the one --context names), and the other flags. */
export function connectionOptions(args: GlobalArgs, context = contextsOf(args)[0]): ConnectionOptions {
  return {
    kubeconfig: args.kubeconfig,
    context,
    cluster: args.cluster,
    user: args.user,
    namespace: args.namespace,
    server: args.server,
    token: args.token,
    certificateAuthority: args.certificateAuthority,
    insecureSkipTlsVerify: args.insecureSkipTlsVerify,
  };
}

export function clientOptions(args: GlobalArgs, onRequest?: (line: string) => void): ClientOptions {
  if ((args.asGroup?.length || args.asUid) && !args.as) {
    throw usageError('--as-group and --as-uid need --as: the API server impersonates groups only of a user');
  }
  return {
    requestTimeoutMs: parseDuration('request-timeout', args.requestTimeout),
    impersonate:
      args.as || args.asGroup?.length || args.asUid
        ? { user: args.as, groups: args.asGroup, uid: args.asUid }
        : undefined,
    onRequest,
  };
}

/** Words as the parser will read them: flags with their values, and positionals. */
export interface Walked {
  positionals: string[];
  /** Where each positional stands in the words. */
  positionalIndexes: number[];
  values: Map<string, string>;
  /** The flag whose value the current word is, when the word before it was that flag alone. */
  pending: string | undefined;
}

/** Long name of a flag as typed (`--output`, `-o`), or undefined when the command has no such flag. */
function flagName(typed: string, flags: Record<string, Options>): string | undefined {
  if (typed.startsWith('--')) return typed.slice(2) in flags ? typed.slice(2) : undefined;
  const short = typed.slice(1);
  return Object.keys(flags).find((name) => [flags[name]?.alias ?? []].flat().includes(short));
}

export function takesValue(options: Options | undefined): boolean {
  return options !== undefined && options.type !== 'boolean';
}

/**
 * Reads words as yargs will, without parsing them: how completion reads the words before the cursor,
 * and how a command group finds its subcommand among flags and their values.
 */
export function walk(words: readonly string[], flags: Record<string, Options>): Walked {
  const walked: Walked = { positionals: [], positionalIndexes: [], values: new Map(), pending: undefined };
  for (const [index, word] of words.entries()) {
    if (walked.pending !== undefined) {
      walked.values.set(walked.pending, word);
      walked.pending = undefined;
    } else if (word.startsWith('-') && word !== '-') {
      const [typed, value] = word.split(/=(.*)/s) as [string, string | undefined];
      const name = flagName(typed, flags);
      if (name === undefined) continue;
      if (value !== undefined) walked.values.set(name, value);
      else if (takesValue(flags[name])) walked.pending = name;
      else walked.values.set(name, 'true');
    } else {
      walked.positionals.push(word);
      walked.positionalIndexes.push(index);
    }
  }
  return walked;
}
