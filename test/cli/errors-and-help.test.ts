import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, cleanEnv, clientNodeChunk, plugin, run, runTracingModules } from '../support/run.ts';

const fixtures = path.join(ROOT, 'test', 'fixtures', 'kubeconfig');

function assertOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.match(lines[0] ?? '', pattern);
  assert.ok(lines.length <= 2, `expected the error and at most a hint, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace without -v');
}

describe('executables without a cluster', () => {
  it('prints help with kubectl-style usage and examples, exit 0', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /Usage:\n\s*kubectl mimt ls \[TENANT\]/);
    assert.match(result.stdout, /--kubeconfig/);
    assert.match(result.stdout, /-n, --namespace/);
    assert.match(result.stdout, /Examples:\n\s+kubectl mimt ls /);
  });

  it('does not load the Kubernetes client for --help', async () => {
    const clientChunk = new RegExp(clientNodeChunk().replace('.', '\\.'));
    const result = await runTracingModules(plugin('kubectl-mimt-ls'), ['--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stderr, /LOADED .*kubectl-mimt-ls\.js/);
    assert.doesNotMatch(result.stderr, clientChunk);
    const bad = await runTracingModules(plugin('kubectl-mimt-ls'), ['--bogus']);
    assert.equal(bad.exitCode, 2);
    assert.doesNotMatch(bad.stderr, clientChunk);
  });

  it('rejects an unknown flag with exit 2, naming it', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['--bogus']);
    assert.equal(result.exitCode, 2);
    assertOneLineError(result.stderr, /^error: unknown flag: --bogus$/);
  });

  it('rejects an invalid tenant name with exit 2 before any request', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['Not_A_Name', '--server', 'https://127.0.0.1:1']);
    assert.equal(result.exitCode, 2);
    assertOneLineError(result.stderr, /^error: invalid tenant name "Not_A_Name": must be a DNS-1123 label/);
  });

  it('rejects an unknown output format with exit 2', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['-o', 'xml']);
    assert.equal(result.exitCode, 2);
    assertOneLineError(result.stderr, /^error: invalid output format "xml": use one of wide, json, yaml, name$/);
  });

  it('fails on a malformed kubeconfig with exit 1 and one line naming the file', async () => {
    const file = path.join(fixtures, 'malformed.yaml');
    const result = await run(plugin('kubectl-mimt-ls'), ['--kubeconfig', file]);
    assert.equal(result.exitCode, 1);
    assertOneLineError(result.stderr, new RegExp(`^error: invalid kubeconfig "${file}": `));
  });

  it('fails on a missing kubeconfig with exit 1', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(result.exitCode, 1);
    assertOneLineError(result.stderr, /^error: kubeconfig "\/nonexistent\/kubeconfig" not found$/);
  });

  it('says in plain words that the server cannot be reached, and shows the stack only with -v', async () => {
    const args = ['--kubeconfig', path.join(fixtures, 'empty.yaml'), '--server', 'https://127.0.0.1:1'];
    const result = await run(plugin('kubectl-mimt-ls'), args);
    assert.equal(result.exitCode, 1);
    assertOneLineError(
      result.stderr,
      /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(context "flags"\): connection refused$/,
    );
    const verbose = await run(plugin('kubectl-mimt-ls'), [...args, '-v=1']);
    assert.equal(verbose.exitCode, 1);
    assert.match(verbose.stderr, /^\s+at /m);
  });

  it('dispatches subcommands through kubectl-mimt and rejects unknown ones with exit 2', async () => {
    const help = await run(plugin('kubectl-mimt'), ['ls', '--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /kubectl mimt ls \[TENANT\]/);
    const suite = await run(plugin('kubectl-mimt'), ['--help']);
    assert.equal(suite.exitCode, 0);
    assert.match(suite.stdout, /^\s+ls\s+List tenants/m);
    assert.match(suite.stdout, /^\s+install\s+Install or upgrade/m);
    const unknown = await run(plugin('kubectl-mimt'), ['frobnicate']);
    assert.equal(unknown.exitCode, 2);
    assertOneLineError(unknown.stderr, /^error: unknown command "frobnicate" for "kubectl mimt"$/);
  });

  it('gives each policy subcommand its own help, flags and errors', async () => {
    const audit = await run(plugin('kubectl-mimt-policy'), ['audit', '--help']);
    assert.equal(audit.exitCode, 0, audit.stderr);
    assert.match(audit.stdout, /kubectl mimt policy audit TENANT \| -A/);
    assert.match(audit.stdout, /-A, --all-namespaces/);
    assert.doesNotMatch(audit.stdout, /--profile|--port|--duration|policy apply/, 'only audit is described');

    const group = await run(plugin('kubectl-mimt'), ['policy', '--help']);
    assert.equal(group.exitCode, 0, group.stderr);
    for (const sub of ['show', 'apply', 'diff', 'audit', 'allow', 'deny', 'kubeconfig']) {
      assert.match(group.stdout, new RegExp(`^  ${sub}\\s{3,}\\S`, 'm'), `${sub} is listed`);
    }
    assert.doesNotMatch(group.stdout, /^\s+--/m, 'the group lists subcommands, not their flags');

    // A flag before the subcommand is still the subcommand's.
    const flagFirst = await run(plugin('kubectl-mimt-policy'), ['--port', '80', 'show', 'acme'], { env: cleanEnv() });
    assert.equal(flagFirst.exitCode, 2);
    assertOneLineError(flagFirst.stderr, /^error: --port applies to policy allow, not to policy show$/);
    const none = await run(plugin('kubectl-mimt-policy'), [], { env: cleanEnv() });
    assert.equal(none.exitCode, 2);
    assertOneLineError(none.stderr, /^error: policy needs a subcommand: use one of show, apply, diff, audit, allow/);
  });

  it('needs --as for --as-group, as the API server does', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), ['--as-group', 'devs'], { env: cleanEnv() });
    assert.equal(result.exitCode, 2);
    assertOneLineError(result.stderr, /^error: --as-group and --as-uid need --as/);
  });
});
