import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, clientNodeChunk, plugin, run, runTracingModules } from '../support/run.ts';

/** The chunks of the bundle that hold the MCP SDK, found by a message of its stdio transport. */
function sdkChunks(): RegExp {
  const folder = path.join(ROOT, 'dist', 'chunks');
  const chunks = readdirSync(folder).filter((f) =>
    readFileSync(path.join(folder, f), 'utf8').includes('StdioServerTransport already started'),
  );
  assert.ok(chunks.length > 0, 'the bundle has a chunk with the MCP SDK');
  return new RegExp(chunks.map((c) => c.replaceAll('.', '\\.')).join('|'));
}

const INITIALIZE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
})}\n`;

describe('kubectl mimt mcp without a cluster', () => {
  it('says in --help how to register it with an assistant, as JSON that parses', async () => {
    const result = await run(plugin('kubectl-mimt-mcp'), ['--help']);
    assert.equal(result.exitCode, 0);
    const line = result.stdout.split('\n').find((l) => l.includes('"mcpServers"'));
    assert.ok(line, `a JSON snippet in:\n${result.stdout}`);
    const config = JSON.parse(line) as { mcpServers: Record<string, { command: string; args: string[] }> };
    assert.equal(config.mcpServers.mimt?.command, 'kubectl-mimt');
    assert.equal(config.mcpServers.mimt?.args[0], 'mcp');
    assert.match(result.stdout, /claude mcp add mimt -- kubectl-mimt mcp/);
    assert.match(result.stdout, /--allow-write/);
    assert.match(result.stdout, /--kubeconfig/);
    assert.match(result.stdout, /--context/);
    assert.match(result.stdout, /-n, --namespace/);
  });

  it('takes no arguments, with exit 2 and one line', async () => {
    const result = await run(plugin('kubectl-mimt-mcp'), ['acme'], {});
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: mcp takes no arguments, got acme\n/);
    assert.equal(result.stdout, '');
  });

  it('loads neither the SDK nor the Kubernetes client for --help, a bad flag, or no client', async () => {
    const sdk = sdkChunks();
    const client = new RegExp(clientNodeChunk().replace('.', '\\.'));
    for (const args of [['--help'], ['--bogus'], []]) {
      const result = await runTracingModules(plugin('kubectl-mimt-mcp'), args, undefined, '');
      assert.match(result.stderr, /LOADED .*kubectl-mimt-mcp\.js/);
      assert.doesNotMatch(result.stderr, sdk, `mcp ${args.join(' ')} loaded the SDK`);
      assert.doesNotMatch(result.stderr, client, `mcp ${args.join(' ')} loaded the Kubernetes client`);
      assert.equal(result.exitCode, args[0] === '--bogus' ? 2 : 0, result.stderr);
    }
  });

  it('loads the SDK once a client writes, and answers its initialize on stdout', async () => {
    const result = await runTracingModules(plugin('kubectl-mimt-mcp'), [], undefined, INITIALIZE);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, sdkChunks());
    const answer = JSON.parse(result.stdout) as { id: number; result: { serverInfo: { name: string } } };
    assert.equal(answer.id, 1);
    assert.equal(answer.result.serverInfo.name, 'mimt');
  });
});
