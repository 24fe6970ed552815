import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CLUSTER_BIN,
  CLUSTER_DIR,
  apply,
  clusterEnv,
  kubectl,
  kubectlJson,
  uniqueName,
  waitFor,
} from '../support/cluster.ts';
import { cleanEnv, plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces, helmTenant, tenantNamespace } from '../support/tenants.ts';

interface ToolAnswer {
  isError?: boolean;
  content: { type: string; text: string }[];
  structuredContent?: Record<string, unknown>;
}

const READ_TOOLS = [
  'audit_policy',
  'describe_tenant',
  'list_tenants',
  'plan_upgrade',
  'tenant_events',
  'tenant_graph',
  'tenant_logs',
  'tenant_metrics',
  'tenant_policy',
];
const WRITE_TOOLS = ['apply_tenant_policy', 'install_tenant', 'resume_tenants', 'suspend_tenants'];

/** A client of the assistant's kind: the SDK's own, starting `kubectl-mimt-mcp` over stdio. */
async function connect(args: string[], env: Record<string, string> = clusterEnv()) {
  const transport = new StdioClientTransport({ command: plugin('kubectl-mimt-mcp'), args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'mimt-e2e', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args }, undefined, { timeout: 180_000 })) as ToolAnswer,
  };
}

/** What the command prints with -o json, as the user would run it. */
async function cliJson(command: string, args: string[], env = clusterEnv()): Promise<unknown> {
  const result = await run(plugin(`kubectl-mimt-${command}`), [...args, '-o', 'json'], { env, timeoutMs: 120_000 });
  assert.equal(result.exitCode === 0 || result.exitCode === 3, true, `${command} ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** Tool and command agree; asked again while a sample of the cluster changes between them (metrics). */
async function sameAsCommand(
  answer: () => Promise<ToolAnswer>,
  command: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  let last: [unknown, unknown] = [undefined, undefined];
  try {
    return await waitFor(
      'the tool and the command to agree',
      async () => {
        const tool = await answer();
        assert.equal(tool.isError, undefined, tool.content[0]?.text);
        last = [tool.structuredContent, await command()];
        return JSON.stringify(last[0]) === JSON.stringify(last[1]) ? tool.structuredContent : undefined;
      },
      45_000,
    );
  } catch (error) {
    assert.deepEqual(last[0], last[1], String(error));
    throw error;
  }
}

const CRI_TIME = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');

describe('kubectl mimt mcp with an MCP client', { timeout: 600_000 }, () => {
  const id = uniqueName('mcp');
  const [a, b] = [uniqueName('mcp-a'), uniqueName('mcp-b')];
  const never = uniqueName('mcp-new');
  const selector = `mcp-run=${id}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-mcp-'));
  let reader: Awaited<ReturnType<typeof connect>>;
  let writer: Awaited<ReturnType<typeof connect>>;

  before(async () => {
    await Promise.all([a, b].map((name) => helmTenant(name, { labels: { 'mcp-run': id } })));
    const logFile = path.join(dir, 'talker.log');
    const now = Date.now();
    writeFileSync(
      logFile,
      ['first', 'second', 'third'].map((word, i) => `${CRI_TIME(now - 60_000 + i)} stdout F ${word} line\n`).join(''),
    );
    await apply(
      JSON.stringify({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Logs',
        metadata: { name: 'talker', namespace: a },
        spec: { logs: [{ containers: ['app'], logsFile: logFile, follow: true }] },
      }),
    );
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'talker', namespace: a },
        spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
      }),
    );
    await waitFor('the talker pod to serve its log', async () =>
      (await kubectl(['logs', '-n', a, 'talker'])).stdout.includes('third line') ? true : undefined,
    );
    [reader, writer] = await Promise.all([connect([]), connect(['--allow-write'])]);
  });

  after(async () => {
    await Promise.all([reader?.client.close(), writer?.client.close()]);
    await deleteNamespaces([a, b, never]);
  });

  it('lists the read tools, each input described, and the write tools only with --allow-write', async () => {
    const { tools } = await reader.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), READ_TOOLS);
    for (const tool of tools) {
      assert.ok(tool.description, `${tool.name} has a description`);
      assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
      // The client checks each answer against it: every read tool's test below passes through that check.
      assert.ok(tool.outputSchema?.required?.includes('kind'), `${tool.name} names the kind it returns`);
      for (const [name, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${tool.name}.${name} is described`);
      }
    }
    const logs = tools.find((t) => t.name === 'tenant_logs');
    assert.deepEqual([...(logs?.inputSchema.required ?? [])].sort(), ['since', 'tail', 'tenant']);
    const all = (await writer.client.listTools()).tools;
    assert.deepEqual(all.map((t) => t.name).sort(), [...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const name of WRITE_TOOLS) {
      const tool = all.find((t) => t.name === name);
      assert.equal(tool?.annotations?.readOnlyHint, false);
      assert.ok(tool?.inputSchema.required?.includes('dryRun'), `${name} requires dryRun`);
    }
  });

  it('plan_upgrade gives the TenantUpgradePlanList of install --all --plan, and changes nothing', async () => {
    // What install records and install --all selects by: the chart's own name.
    for (const tenant of [a, b])
      await kubectl(['annotate', 'namespace', tenant, 'mimt.io/chart-name=webapp', '--overwrite']);
    const plans = await sameAsCommand(
      () => reader.call('plan_upgrade', { chart: EXAMPLE_CHART, selector }),
      () => cliJson('install', ['--all', '--chart', EXAMPLE_CHART, '-l', selector, '--plan']),
    );
    const items = plans.items as { metadata: { name: string }; verdict: string }[];
    assert.deepEqual(
      items.map((p) => [p.metadata.name, p.verdict]).sort(),
      [
        [a, 'none'],
        [b, 'none'],
      ].sort(),
    );
  });

  it('list_tenants gives the TenantList that ls -o json prints, and filters by status', async () => {
    const list = await sameAsCommand(
      () => reader.call('list_tenants', { selector }),
      () => cliJson('ls', ['-l', selector]),
    );
    const names = (list.items as { metadata: { name: string } }[]).map((t) => t.metadata.name).sort();
    assert.deepEqual(names, [a, b]);
    const answer = await reader.call('list_tenants', { selector });
    assert.match(answer.content[0]?.text ?? '', new RegExp(`^TENANT .*\\n${a} +${a} +mimt +\\S+ +0\\.1\\.0 +Ready `));
    const ready = await reader.call('list_tenants', { selector, status: ['Ready'] });
    assert.equal((ready.structuredContent?.items as unknown[]).length, 2);
    const failed = await reader.call('list_tenants', { selector, status: ['Failed', 'Degraded'] });
    assert.deepEqual(failed.structuredContent?.items, []);
    assert.equal(failed.content[0]?.text, 'No tenants in phase Failed or Degraded');
  });

  it('describe_tenant, tenant_policy, audit_policy, tenant_events and tenant_graph give what the commands print', async () => {
    const tenant = await sameAsCommand(
      () => reader.call('describe_tenant', { tenant: a }),
      () => cliJson('ls', [a]),
    );
    assert.equal(tenant.kind, 'Tenant');
    const policy = await sameAsCommand(
      () => reader.call('tenant_policy', { tenant: a }),
      () => cliJson('policy', ['show', a]),
    );
    assert.equal(policy.kind, 'TenantPolicy');
    const audit = await sameAsCommand(
      () => reader.call('audit_policy', { tenant: b }),
      () => cliJson('policy', ['audit', b]),
    );
    assert.equal(audit.kind, 'PolicyAudit');
    const events = await sameAsCommand(
      () => reader.call('tenant_events', { tenant: a }),
      () => cliJson('events', [a]),
    );
    assert.equal(events.kind, 'TenantEventList');
    const graph = await sameAsCommand(
      () => reader.call('tenant_graph', { tenant: a }),
      () => cliJson('graph', [a]),
    );
    assert.equal(graph.kind, 'TenantGraph');
  });

  it('tenant_metrics gives the figures metrics -o json prints, once metrics-server measured the pods', async () => {
    await waitFor(
      'metrics-server to measure the tenants',
      async () => {
        const doc = (await cliJson('metrics', ['-l', selector])) as { items: { pods: { unmeasured: number } }[] };
        return doc.items.length === 2 && doc.items.every((t) => t.pods.unmeasured === 0) ? true : undefined;
      },
      150_000,
    );
    const metrics = await sameAsCommand(
      () => reader.call('tenant_metrics', { selector }),
      () => cliJson('metrics', ['-l', selector]),
    );
    assert.equal(metrics.kind, 'TenantMetricsList');
    const pods = await sameAsCommand(
      () => reader.call('tenant_metrics', { tenant: a, breakdown: 'pods' }),
      () => cliJson('metrics', [a, '--pods']),
    );
    assert.ok((pods.items as { podMetrics?: unknown[] }[])[0]?.podMetrics?.length);
  });

  it('tenant_logs returns the lines logs -o json prints, as one list', async () => {
    const answer = await reader.call('tenant_logs', { tenant: a, tail: 2, since: '1h', pod: ['^talker$'] });
    assert.equal(answer.isError, undefined, answer.content[0]?.text);
    const printed = await run(
      plugin('kubectl-mimt-logs'),
      [a, '--tail', '2', '--since', '1h', '--pod', '^talker$', '-o', 'json'],
      { env: clusterEnv() },
    );
    assert.equal(printed.exitCode, 0, printed.stderr);
    const lines = printed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { message: string });
    assert.deepEqual(
      lines.map((l) => l.message),
      ['second line', 'third line'],
    );
    assert.equal(answer.structuredContent?.kind, 'TenantLogList');
    assert.deepEqual(answer.structuredContent?.items, lines);
    assert.match(answer.content[0]?.text ?? '', /^talker\/app \S+ second line\ntalker\/app \S+ third line$/);
  });

  it('answers a bad argument with a tool error of one line', async () => {
    const name = await reader.call('describe_tenant', { tenant: 'Not_A_Name' });
    assert.equal(name.isError, true);
    const cli = await run(plugin('kubectl-mimt-ls'), ['Not_A_Name'], { env: clusterEnv() });
    assert.equal(name.content[0]?.text, /^error: (.*)$/m.exec(cli.stderr)?.[1]);
    const since = await reader.call('tenant_logs', { tenant: a, tail: 10, since: '48h' });
    assert.equal(since.isError, true);
    assert.equal(since.content[0]?.text, 'invalid value "48h" for since: at most 24h over MCP');
    const selectorError = await reader.call('list_tenants', { selector: 'a in (' });
    assert.equal(selectorError.isError, true);
    assert.doesNotMatch(selectorError.content[0]?.text ?? '', /\n/);
    const tail = await reader.call('tenant_logs', { tenant: a, tail: 100_000, since: '1h' });
    assert.equal(tail.isError, true);
    assert.match(tail.content[0]?.text ?? '', /tail/);
    const missing = await reader.call('describe_tenant', { tenant: never });
    assert.equal(missing.isError, true);
    assert.match(missing.content[0]?.text ?? '', new RegExp(never));
  });

  it('refuses the write tools without --allow-write', async () => {
    const install = await reader.call('install_tenant', { tenant: never, chart: EXAMPLE_CHART, dryRun: false });
    assert.equal(install.isError, true);
    assert.match(install.content[0]?.text ?? '', /install_tenant/);
    const policy = await reader.call('apply_tenant_policy', { tenant: a, profile: 'strict', dryRun: false });
    assert.equal(policy.isError, true);
    assert.match(reader.client.getInstructions() ?? '', /--allow-write/);
    const namespaces = await kubectl(['get', 'namespace', never, '--ignore-not-found', '-o', 'name']);
    assert.equal(namespaces.stdout, '');
    const policies = await kubectlJson<{ items: unknown[] }>(['get', 'networkpolicies', '-n', a]);
    assert.deepEqual(policies.items, []);
  });

  it('with --allow-write and dryRun, says what would change and changes nothing', async () => {
    const before = await kubectlJson<{ metadata: { resourceVersion: string } }>(['get', 'namespace', a]);
    const policy = await writer.call('apply_tenant_policy', { tenant: a, profile: 'strict', dryRun: true });
    assert.equal(policy.isError, undefined, policy.content[0]?.text);
    assert.equal(policy.structuredContent?.kind, 'TenantPolicyChange');
    assert.match(policy.content[0]?.text ?? '', /dry run: nothing was changed/);
    const changes = policy.structuredContent?.changes as { object: string; action: string }[];
    assert.ok(changes.some((c) => c.object.startsWith('NetworkPolicy/') && c.action === 'created'));
    const afterwards = await kubectlJson<{ metadata: { resourceVersion: string } }>(['get', 'namespace', a]);
    assert.equal(afterwards.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual((await kubectlJson<{ items: unknown[] }>(['get', 'networkpolicies', '-n', a])).items, []);

    const deployments = () => kubectlJson<{ metadata: { resourceVersion: string } }>(['get', 'deployments', '-n', a]);
    const deployed = await deployments();
    const suspend = await writer.call('suspend_tenants', { tenants: [a], dryRun: true });
    assert.equal(suspend.isError, undefined, suspend.content[0]?.text);
    assert.equal(suspend.structuredContent?.kind, 'TenantSuspendList');
    assert.equal((await deployments()).metadata.resourceVersion, deployed.metadata.resourceVersion);

    const install = await writer.call('install_tenant', { tenant: never, chart: EXAMPLE_CHART, dryRun: true });
    assert.equal(install.isError, undefined, install.content[0]?.text);
    assert.equal(install.structuredContent?.kind, 'TenantPlan');
    const namespaces = await kubectl(['get', 'namespace', never, '--ignore-not-found', '-o', 'name']);
    assert.equal(namespaces.stdout, '');

    const noDryRun = await writer.call('install_tenant', { tenant: never, chart: EXAMPLE_CHART });
    assert.equal(noDryRun.isError, true, 'dryRun must be given');
    const badQuota = await writer.call('apply_tenant_policy', { tenant: a, quota: 'cpu=lots', dryRun: false });
    assert.equal(badQuota.isError, true);
    assert.match(badQuota.content[0]?.text ?? '', /cpu=lots|lots/);
  });

  it('with --allow-write and dryRun false, applies the policy as policy apply does', async () => {
    const applied = await writer.call('apply_tenant_policy', { tenant: b, profile: 'standard', dryRun: false });
    assert.equal(applied.isError, undefined, applied.content[0]?.text);
    assert.match(applied.content[0]?.text ?? '', new RegExp(`^tenant/${b} policy standard applied\\n`));
    const made = await kubectlJson<{ items: { metadata: { name: string } }[] }>(['get', 'networkpolicies', '-n', b]);
    assert.ok(made.items.length > 0, 'NetworkPolicies were created');
    const diff = await run(plugin('kubectl-mimt-policy'), ['diff', b], { env: clusterEnv() });
    assert.equal(diff.exitCode, 0, `no drift after the tool applied it: ${diff.stdout}${diff.stderr}`);
  });

  it("as a tenant's view user: answers what it may read, notes the rest, and errs on the other tenant", async () => {
    const kubeconfig = path.join(dir, 'view.kubeconfig');
    const made = await run(
      plugin('kubectl-mimt-policy'),
      ['kubeconfig', a, '--role', 'view', '--duration', '1h', '--file', kubeconfig],
      { env: clusterEnv() },
    );
    assert.equal(made.exitCode, 0, made.stderr);
    const env = cleanEnv({}, [CLUSTER_BIN]);
    const user = await connect(['--kubeconfig', kubeconfig, '--allow-write'], env);
    try {
      const list = await user.call('list_tenants', {});
      assert.equal(list.isError, undefined, list.content[0]?.text);
      const names = (list.structuredContent?.items as { metadata: { name: string } }[]).map((t) => t.metadata.name);
      assert.deepEqual(names, [a]);
      assert.match(list.content[0]?.text ?? '', /^note: .*may not list namespaces/m);
      const other = await user.call('describe_tenant', { tenant: b });
      assert.equal(other.isError, true);
      const cli = await run(plugin('kubectl-mimt-ls'), [b, '--kubeconfig', kubeconfig], { env });
      assert.equal(cli.exitCode, 1);
      assert.equal(other.content[0]?.text, cli.stderr.replace(/^error: /, '').trimEnd());
      // The view role may not change the policy: the API server's 403, even for a dry run.
      const denied = await user.call('apply_tenant_policy', { tenant: a, profile: 'strict', dryRun: true });
      assert.equal(denied.isError, true);
      assert.match(denied.content[0]?.text ?? '', /forbidden/i);
      assert.doesNotMatch(denied.content[0]?.text ?? '', /\n.*\n/);
    } finally {
      await user.client.close();
    }
  });
});

describe('kubectl mimt mcp across clusters', { timeout: 300_000 }, () => {
  const fleetConfig = path.join(CLUSTER_DIR, 'fleet.kubeconfig');
  const env = () => cleanEnv({ KUBECONFIG: fleetConfig }, [CLUSTER_BIN]);
  const contexts = ['fleet-1', 'fleet-2'];
  const id = uniqueName('mcpf');
  const tenant = uniqueName('mcp-f');
  const onCluster = async (context: string, args: string[], input?: string) => {
    const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['--context', context, ...args], { env: env(), input });
    assert.equal(result.exitCode, 0, result.stderr);
  };
  let fleet: Awaited<ReturnType<typeof connect>>;

  before(async () => {
    assert.ok(existsSync(fleetConfig), 'make fleet-up starts the fleet');
    // A tenant namespace of the same name on each cluster; without a release it is listed as Unknown.
    for (const context of contexts) {
      await onCluster(context, ['apply', '-f', '-'], tenantNamespace(tenant, { 'mcp-run': id }));
    }
    fleet = await connect(['--context', contexts.join(',')], env());
  });
  after(async () => {
    await fleet?.client.close();
    for (const context of contexts) {
      await onCluster(context, ['delete', 'namespace', tenant, '--wait=false', '--ignore-not-found']);
    }
  });

  it('list_tenants answers for every cluster, as ls --context a,b -o json does', async () => {
    const list = await sameAsCommand(
      () => fleet.call('list_tenants', { selector: `mcp-run=${id}` }),
      () => cliJson('ls', ['--context', contexts.join(','), '-l', `mcp-run=${id}`], env()),
    );
    const items = list.items as { cluster: string; metadata: { name: string } }[];
    assert.deepEqual(
      items.map((i) => [i.cluster, i.metadata.name]),
      contexts.map((c) => [c, tenant]),
    );
    assert.match(fleet.client.getInstructions() ?? '', /the clusters fleet-1, fleet-2/);
  });

  it('says which tools need one cluster', async () => {
    const policy = await fleet.call('tenant_policy', { tenant });
    assert.equal(policy.isError, true);
    assert.equal(policy.content[0]?.text, 'policy show works on one cluster at a time: give one --context');
  });
});
