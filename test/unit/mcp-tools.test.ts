import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import mcp from '../../src/cli/commands/mcp.ts';
import { prepare } from '../../src/cli/mcp/server.ts';
import { TOOLS } from '../../src/cli/mcp/tools.ts';

/** What the SDK does with a call's arguments (the input schema), then what the tool makes of them. */
async function options(name: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const tool = TOOLS.find((t) => t.name === name);
  assert.ok(tool, name);
  const checked = z.object(tool.input).parse(input) as Record<string, unknown>;
  return (await prepare(tool, checked)).options as Record<string, unknown>;
}

const schemaAccepts = (name: string, input: Record<string, unknown>): boolean => {
  const tool = TOOLS.find((t) => t.name === name);
  assert.ok(tool, name);
  return z.object(tool.input).safeParse(input).success;
};

describe('MCP tools as command lines', () => {
  it('are each named in the help of mcp, the writing ones beside --allow-write', () => {
    for (const tool of TOOLS) assert.match(mcp.description, new RegExp(`\\b${tool.name}\\b`));
    const writing = TOOLS.filter((t) => t.write).map((t) => t.name);
    assert.deepEqual(writing.sort(), ['apply_tenant_policy', 'install_tenant', 'resume_tenants', 'suspend_tenants']);
    for (const name of writing) assert.match(String(mcp.flags['allow-write'].describe), new RegExp(name));
  });

  it('hands list_tenants arguments to ls as its flags, with the policy that -o json adds', async () => {
    const ls = await options('list_tenants', { selector: 'tier=gold', source: 'kubeplus' });
    assert.equal(ls.selector, 'tier=gold');
    assert.equal(ls.source, 'kubeplus');
    assert.equal(ls.tenant, undefined);
    assert.equal(ls.policy, true);
    assert.equal(ls.watch, false);
  });

  it('never reads an argument as a flag', async () => {
    const ls = await options('list_tenants', { selector: '--context=prod' });
    assert.equal(ls.selector, '--context=prod');
    await assert.rejects(options('describe_tenant', { tenant: '--kubeconfig=/tmp/other' }), {
      message: /^invalid tenant name "--kubeconfig=\/tmp\/other"/,
    });
    await assert.rejects(options('describe_tenant', { tenant: '-w' }), { message: /^invalid tenant name "-w"/ });
  });

  it('reads logs bounded, once, as JSON records', async () => {
    const logs = await options('tenant_logs', { tenant: 'acme', tail: 5, since: '10m', container: ['web', 'api'] });
    assert.equal(logs.tenant, 'acme');
    assert.equal(logs.tailLines, 5);
    assert.equal(logs.sinceSeconds, 600);
    assert.equal(logs.follow, false);
    assert.equal(logs.format, 'json');
    const containers = logs.containers as RegExp;
    assert.ok(containers.test('web') && containers.test('api') && !containers.test('db'));
    await assert.rejects(options('tenant_logs', { tenant: 'acme', tail: 5, since: '25h' }), {
      message: 'invalid value "25h" for since: at most 24h over MCP',
    });
    await assert.rejects(options('tenant_logs', { tenant: 'acme', tail: 5, since: 'soon' }), {
      message: /^invalid duration "soon"/,
    });
    assert.equal(schemaAccepts('tenant_logs', { tenant: 'acme', tail: 501, since: '1m' }), false);
    assert.equal(schemaAccepts('tenant_logs', { tenant: 'acme', since: '1m' }), false);
    assert.equal(schemaAccepts('tenant_logs', { tenant: 'acme', tail: 5 }), false);
  });

  it('measures one tenant by container, or every tenant', async () => {
    const one = await options('tenant_metrics', { tenant: 'acme', breakdown: 'containers' });
    assert.equal(one.tenant, 'acme');
    assert.equal(one.breakdown, 'containers');
    assert.equal(one.watchIntervalMs, undefined);
    const all = await options('tenant_metrics', {});
    assert.equal(all.tenant, undefined);
    assert.equal(all.breakdown, 'tenants');
  });

  it('audits every tenant when none is named', async () => {
    assert.equal((await options('audit_policy', {})).tenant, undefined);
    assert.equal((await options('audit_policy', { tenant: 'acme' })).tenant, 'acme');
  });

  it('reads events of one tenant or all, and the graph of one', async () => {
    const one = await options('tenant_events', { tenant: 'acme', types: ['Warning', 'Normal'], for: 'pod/web-1' });
    assert.equal(one.tenant, 'acme');
    assert.deepEqual(one.types, ['Warning', 'Normal']);
    assert.deepEqual(one.involved, { kind: 'Pod', name: 'web-1' });
    assert.equal(one.watch, false);
    assert.equal((await options('tenant_events', {})).tenant, undefined);
    await assert.rejects(options('tenant_events', { for: 'web-1' }), { message: /web-1/ });
    assert.equal((await options('tenant_graph', { tenant: 'acme' })).tenant, 'acme');
  });

  it('suspends and resumes the tenants named, never --all', async () => {
    const suspend = await options('suspend_tenants', { tenants: ['acme', 'globex'], dryRun: true });
    assert.deepEqual(suspend.tenants, ['acme', 'globex']);
    assert.equal(suspend.all, false);
    assert.equal(suspend.dryRun, true);
    await assert.rejects(options('resume_tenants', { tenants: ['--all'], dryRun: false }), {
      message: /^invalid tenant name "--all"/,
    });
    assert.equal(schemaAccepts('suspend_tenants', { tenants: [], dryRun: true }), false);
    assert.equal(schemaAccepts('resume_tenants', { tenants: ['acme'] }), false);
  });

  it('takes the checks of install and policy apply, and needs dryRun', async () => {
    const install = await options('install_tenant', { tenant: 'acme', chart: './webapp', set: ['a=b'], dryRun: true });
    const request = (install as { request: { dryRun: boolean; set: string[]; settings: { profile: string } } }).request;
    assert.equal(install.mode, 'one');
    assert.equal(request.dryRun, true);
    assert.deepEqual(request.set, ['a=b']);
    assert.equal(request.settings.profile, 'standard');
    await assert.rejects(options('install_tenant', { tenant: 'acme', chart: './webapp', set: ['b'], dryRun: true }), {
      message: /^invalid --set "b"/,
    });
    await assert.rejects(options('apply_tenant_policy', { tenant: 'acme', quota: 'cpu=lots', dryRun: false }), {
      message: /lots/,
    });
    assert.equal((await options('apply_tenant_policy', { tenant: 'acme', dryRun: false })).dryRun, false);
    assert.equal(schemaAccepts('install_tenant', { tenant: 'acme', chart: './webapp' }), false);
    assert.equal(schemaAccepts('apply_tenant_policy', { tenant: 'acme' }), false);
  });
});
