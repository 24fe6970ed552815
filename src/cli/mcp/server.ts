/**
 * The MCP server of `kubectl mimt mcp`: each tool is a command line of mimt, parsed, checked and run
 * by the same code as on a terminal, with the user's own connection. Loaded only once a client
 * has written to stdin (see commands/mcp.ts).
 */
import { once } from 'node:events';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { BUILD_INFO } from '../../core/build-info.ts';
import { MimtError, usageError } from '../../core/errors.ts';
import { type LogRecord, formatLogLine } from '../../output/log-line.ts';
import { render } from '../../output/render.ts';
import type { Document, Listing, Result, Stream } from '../../output/result.ts';
import { API_VERSION } from '../../views/document.ts';
import { parseCommand } from '../main.ts';
import { type GlobalArgs, wantsFleet } from '../flags.ts';
import type { Streams } from '../printer.ts';
import { COMMANDS } from '../registry.ts';
import { type CommandContext, type CommandSpec, isGroup } from '../spec.ts';
import { type Invocation, MAX_LOG_LINES, TOOLS, type Tool } from './tools.ts';

export interface McpOptions {
  allowWrite: boolean;
  /** The kubectl and fleet flags of the session, which every tool call runs with. */
  args: GlobalArgs;
}

/** What a tool call may write to: stdout carries the protocol and nothing else. */
const TOOL_STREAMS: Streams = {
  stdout: () => undefined,
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

/** How a tool's command runs: on the session's cluster, or on each cluster of its fleet. */
type Runner = (spec: CommandSpec, options: unknown) => Promise<{ result: Result; close(): void }>;

/** The spec of `ls`, or of `policy audit` in its group. */
async function specOf(command: readonly string[]): Promise<CommandSpec> {
  const [name = '', sub = ''] = command;
  const loaded = await COMMANDS[name]?.load();
  const spec = loaded && isGroup(loaded) ? loaded.subcommands[sub] : loaded;
  if (!spec) throw new Error(`no command ${command.join(' ')}`);
  return spec;
}

const asObject = (document: unknown): Record<string, unknown> => {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error('the command returned no document');
  }
  return document as Record<string, unknown>;
};

/** ls has no status filter: list_tenants keeps the items, rows and names of the phases asked for. */
function keepPhases(result: Listing, phases: readonly string[]): Listing {
  const document = result.document as { items: { status: { phase: string } }[] };
  const keep = document.items.map((item) => phases.includes(item.status.phase));
  return {
    ...result,
    document: { ...document, items: document.items.filter((_, i) => keep[i]) },
    rows: result.rows.filter((_, i) => keep[i]),
    names: result.names.filter((_, i) => keep[i]),
    emptyMessage: `No tenants in phase ${phases.join(' or ')}`,
  };
}

/** The -o json document as structured content, and what the terminal would show as the text. */
function shown(result: Listing | Document): CallToolResult {
  const rendered = render(result, { format: 'table', noHeaders: false, colour: false });
  return {
    structuredContent: asObject(result.document),
    content: [{ type: 'text', text: [rendered.stdout.trimEnd(), ...rendered.stderr].filter(Boolean).join('\n') }],
  };
}

/** `logs -o json` writes one record per line; the tool returns them as one list, the newest MAX_LOG_LINES. */
async function logList(result: Stream, invocation: Invocation): Promise<CallToolResult> {
  let json = '';
  const notes: string[] = [];
  for await (const event of result.events) {
    if (event.to === 'stdout') json += event.text;
    else notes.push(event.text.trimEnd());
  }
  const records = json
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogRecord);
  const items = records.slice(-MAX_LOG_LINES);
  const left = records.length - items.length;
  if (left > 0) notes.unshift(`note: ${left} older lines left out: at most ${MAX_LOG_LINES} are returned`);
  const tenant = invocation.tenant;
  const text = items.map((record) =>
    formatLogLine(record, { format: 'text', prefix: true, timestamps: true, colour: false }).trimEnd(),
  );
  return {
    structuredContent: {
      apiVersion: API_VERSION,
      kind: 'TenantLogList',
      metadata: { name: tenant },
      items,
      notes,
      complete: (result.exitCode?.() ?? 0) === 0 && left === 0,
    },
    content: [{ type: 'text', text: [...text, ...notes].join('\n') || `No log lines from tenant ${tenant}` }],
  };
}

/** mimt's one-line message (and its hint) as a tool error; anything else is an internal error. */
function toolError(error: unknown): CallToolResult {
  const text =
    error instanceof MimtError
      ? [error.message, error.hint].filter(Boolean).join('\n')
      : `internal error: ${(error instanceof Error ? error.message : String(error)).split('\n', 1)[0]}`;
  return { isError: true, content: [{ type: 'text', text }] };
}

/** A tool call as the command line takes it: the command's spec and its options, checked. No request. */
export async function prepare(tool: Tool, input: Record<string, unknown>) {
  const invocation = tool.invocation(input);
  const spec = await specOf(invocation.command);
  const parsed = await parseCommand(spec, invocation.argv, TOOL_STREAMS);
  if (parsed.help !== undefined) throw new Error('a tool asked for help');
  return { invocation, spec, options: parsed.options };
}

async function answer(result: Result, invocation: Invocation): Promise<CallToolResult> {
  switch (result.type) {
    case 'stream':
      return logList(result, invocation);
    case 'frames':
      throw new Error('a tool asked for a watch');
    case 'listing':
      return shown(invocation.phases ? keepPhases(result, invocation.phases) : result);
    default:
      return shown(result);
  }
}

async function call(tool: Tool, input: Record<string, unknown>, run: Runner): Promise<CallToolResult> {
  try {
    const { invocation, spec, options } = await prepare(tool, input);
    const { result, close } = await run(spec, options);
    try {
      return await answer(result, invocation);
    } finally {
      close();
    }
  } catch (error) {
    return toolError(error);
  }
}

/**
 * Serves the tools on stdio until the client closes stdin (or Ctrl-C). The CLI sees a stream that
 * prints nothing and ends with the session.
 */
export async function serve(options: McpOptions, context: CommandContext): Promise<Stream> {
  const { args } = options;
  const fleet = wantsFleet(args) ? await import('../fleet.ts') : undefined;
  const clusters = await fleet?.chooseClusters(args, TOOL_STREAMS);
  const server = new McpServer(
    { name: 'mimt', title: 'kubectl mimt', version: BUILD_INFO.version },
    {
      instructions:
        `Tools over the tenants of ${clusters ? `the clusters ${clusters.clusters.join(', ')}` : 'one Kubernetes cluster'}, ` +
        'as the user running mimt may see them: each tenant is a Helm release in its own namespace. ' +
        'Start with list_tenants. ' +
        (options.allowWrite
          ? 'The tools that are not read-only change the cluster: call them with dryRun true first.'
          : 'Nothing here changes the cluster: the tools that install, suspend and resume tenants and apply ' +
            'policy are offered only when the user starts the server as kubectl mimt mcp --allow-write.'),
    },
  );
  for (const tool of TOOLS) {
    if (tool.write && !options.allowWrite) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        // Loose: the fields are the command's -o json, documented with the command. Across
        // clusters a document becomes a List of them (src/views/fleet.ts).
        outputSchema:
          tool.kind === undefined || clusters
            ? undefined
            : z.looseObject({ apiVersion: z.literal(API_VERSION), kind: z.literal(tool.kind) }),
        annotations: {
          readOnlyHint: !tool.write,
          destructiveHint: tool.write,
          idempotentHint: true,
          openWorldHint: false,
        },
      },
      (input, extra) =>
        call(tool, input, async (spec, commandOptions) => {
          if (fleet && clusters) return fleet.runOnFleet(spec, commandOptions, args, TOOL_STREAMS, clusters);
          const result = await spec.run(commandOptions, {
            ...context,
            signal: AbortSignal.any([context.signal, extra.signal]),
            colour: false,
            // stdin is the protocol: there is no one to ask.
            confirm: async (_question, flag) => {
              throw usageError(`${tool.name} cannot ask for confirmation (${flag})`);
            },
          });
          return { result, close: () => undefined };
        }),
    );
  }
  const transport = new StdioServerTransport();
  const ended = Promise.race([
    once(process.stdin, 'end'),
    once(context.signal, 'abort'),
    new Promise((resolve) => {
      server.server.onclose = () => resolve(undefined);
    }),
  ]);
  await server.connect(transport);
  return {
    type: 'stream',
    events: (async function* () {
      await ended;
      await server.close();
    })(),
  };
}
