import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { usageError } from '../../core/errors.ts';
import { defineCommand, positionals } from '../spec.ts';

/** What an assistant's configuration file needs: one line, so that no help wrapping can break it. */
const REGISTER = '{"mcpServers": {"mimt": {"command": "kubectl-mimt", "args": ["mcp", "--context", "prod"]}}}';

/**
 * Resolves true once a client has written to stdin, false if stdin ends first. The data stays
 * buffered for the transport: nothing is read here.
 */
async function clientWrites(stdin: Readable): Promise<boolean> {
  await once(stdin, 'readable');
  const written = stdin.readableLength > 0;
  // Leaving 'readable' mode takes a tick; the transport's 'data' listener then makes stdin flow.
  await new Promise((resolve) => setImmediate(resolve));
  return written;
}

export default defineCommand({
  name: 'mcp',
  usage:
    'kubectl mimt mcp [--allow-write] [--kubeconfig FILE] [--context NAME] [-n NAMESPACE] [flags]\n' +
    '  kubectl mimt mcp [--context A,B | --all-contexts | --inventory HUB] [flags]',
  description: [
    "Serve mimt's commands to an AI assistant as Model Context Protocol tools on stdin and stdout,",
    'with your own credentials: the assistant sees what your kubeconfig may see, and nothing is',
    'installed on the cluster. Read-only tools: list_tenants, describe_tenant, tenant_metrics,',
    'tenant_policy, audit_policy, tenant_logs, tenant_events, tenant_graph, plan_upgrade. With --allow-write also',
    'install_tenant, apply_tenant_policy, suspend_tenants and resume_tenants, each with a dryRun',
    'argument; no tool uninstalls. Each tool runs the code and checks of the command, and returns',
    'its -o json document with the text a terminal shows.',
    'With several clusters (--context a,b, --all-contexts, --inventory HUB) the tools of the commands',
    'that work across clusters answer for all of them, and the others say they need one --context.',
    '',
    'Register it in the MCP configuration of an assistant (Claude Desktop, Cursor, Windsurf; VS Code',
    'names the key "servers"), adding "env": {"KUBECONFIG": "..."} if needed, and the full path of',
    "kubectl-mimt if the assistant does not see your shell's PATH:",
    '',
    REGISTER,
    '',
    'Claude Code: claude mcp add mimt -- kubectl-mimt mcp --context prod',
  ].join('\n'),
  examples: [
    ['kubectl mimt mcp', 'Read-only tools with the current context'],
    ['kubectl mimt mcp --context staging --allow-write', 'Also the tools that install and apply policy'],
    ['kubectl mimt mcp --all-contexts', 'Tools that answer for every cluster of the kubeconfig'],
  ],
  formats: ['table'],
  flags: {
    'allow-write': {
      type: 'boolean',
      default: false,
      describe:
        'Offer the tools that change the cluster: install_tenant, apply_tenant_policy, suspend_tenants, resume_tenants',
    },
  },
  options(args) {
    const extra = positionals(args);
    if (extra.length) throw usageError(`mcp takes no arguments, got ${extra.join(' ')}`);
    return { allowWrite: args.allowWrite, args };
  },
  async run(options, context) {
    if (process.stdin.isTTY) {
      context.progress('Serving MCP on stdin and stdout for an assistant to start (see --help); Ctrl-C ends.');
    }
    // The SDK and the commands load only for a client: a server started and never spoken to costs nothing.
    if (!(await clientWrites(process.stdin))) return { type: 'stream', events: (async function* () {})() };
    return (await import('../mcp/server.ts')).serve(options, context);
  },
  // With --context a,b, --all-contexts or --inventory, each tool call crosses the clusters.
  fleet: { itself: true },
});
