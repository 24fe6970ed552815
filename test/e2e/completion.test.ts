import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLUSTER_BIN, apply, clusterEnv, uniqueName } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { deleteNamespaces, tenantNamespace } from '../support/tenants.ts';

/** kubectl's plugin completion protocol: candidates (value, or value TAB description), then ":directive". */
function parse(stdout: string): { values: string[]; directive: string } {
  const lines = stdout.trimEnd().split('\n');
  return { values: lines.slice(0, -1).map((l) => l.split('\t')[0] as string), directive: lines.at(-1) as string };
}

/** As kubectl runs it for a Krew install: no kubectl-mimt-<command> executables on PATH. */
const krewEnv = () => clusterEnv({ PATH: [CLUSTER_BIN, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':') });

async function complete(words: string[], env = krewEnv()) {
  const result = await run(plugin('kubectl_complete-mimt'), words, { env });
  assert.equal(result.exitCode, 0, result.stderr);
  return parse(result.stdout);
}

describe('shell completion', { timeout: 180_000 }, () => {
  const tenant = uniqueName('compl');
  before(() => apply(tenantNamespace(tenant)));
  after(() => deleteNamespaces([tenant]));

  it('completes the commands, then the flags of the command typed', async () => {
    const commands = await complete(['']);
    assert.ok(['install', 'ls', 'logs', 'policy', 'version', 'completion'].every((c) => commands.values.includes(c)));
    assert.equal(commands.directive, ':4');
    assert.deepEqual((await complete(['l'])).values, ['logs', 'ls']);

    const logsFlags = (await complete(['logs', '--s'])).values;
    assert.ok(logsFlags.includes('--since'), logsFlags.join(' '));
    assert.ok(!logsFlags.includes('--sort-by'), 'ls flags are not offered for logs');
    assert.ok((await complete(['ls', '--'])).values.includes('--kubeconfig'), 'the kubectl flags too');
  });

  it('completes tenant names from the cluster where a command takes a tenant', async () => {
    assert.ok((await complete(['ls', tenant.slice(0, 6)])).values.includes(tenant));
    assert.ok((await complete(['policy', 'show', ''])).values.includes(tenant));
    assert.deepEqual((await complete(['policy', ''])).values.sort(), [
      'allow',
      'apply',
      'audit',
      'deny',
      'diff',
      'kubeconfig',
      'show',
    ]);
  });

  it('completes -n with namespaces, --context with the kubeconfig contexts and -o with the formats', async () => {
    const namespaces = (await complete(['ls', '-n', ''])).values;
    assert.ok(namespaces.includes(tenant) && namespaces.includes('kube-system'), namespaces.join(' '));
    assert.deepEqual((await complete(['ls', '--context', ''])).values, ['kwok-mimt']);
    assert.ok((await complete(['metrics', '-o', ''])).values.includes('prometheus'));
    assert.deepEqual((await complete(['ls', '--output=j'])).values, ['json']);
    assert.deepEqual(await complete(['ls', '--kubeconfig', '']), { values: [], directive: ':0' });
  });

  it('answers no candidates, and no error, when the cluster cannot be reached', async () => {
    assert.deepEqual(await complete(['ls', '--server', 'https://127.0.0.1:1', '']), { values: [], directive: ':4' });
  });

  it('is what kubectl runs for kubectl mimt <Tab>, with the executables of a Krew install', async () => {
    // Krew links kubectl-mimt alone; users add kubectl_complete-mimt (docs/distribution.md).
    const bin = mkdtempSync(path.join(tmpdir(), 'mimt-krew-bin-'));
    symlinkSync(plugin('kubectl-mimt'), path.join(bin, 'kubectl-mimt'));
    symlinkSync(plugin('kubectl_complete-mimt'), path.join(bin, 'kubectl_complete-mimt'));
    const env = clusterEnv({ PATH: [bin, CLUSTER_BIN, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':') });
    const kubectl = async (words: string[]) => {
      const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['__complete', 'mimt', ...words], { env });
      assert.equal(result.exitCode, 0, result.stderr);
      return parse(result.stdout);
    };
    const first = await kubectl(['']);
    assert.ok(first.values.includes('ls') && first.values.includes('policy'), first.values.join(' '));
    assert.equal(first.directive, ':4');
    assert.ok((await kubectl(['ls', tenant.slice(0, 6)])).values.includes(tenant));
  });

  it('gives bash a script that completes kubectl-mimt and kubectl-mimt-<command> typed directly', async () => {
    const script = [
      'source <(kubectl-mimt completion bash)',
      'for line in "kubectl-mimt l" "kubectl-mimt-ls --output=y" "kubectl-mimt-policy show ' +
        tenant.slice(0, -1) +
        '"; do',
      '  COMP_LINE=$line COMP_POINT=${#line} COMPREPLY=()',
      '  _kubectl_mimt_complete',
      '  echo "${COMPREPLY[*]}"',
      'done',
    ].join('\n');
    const result = await run('bash', ['-c', script], { env: clusterEnv() });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.stdout.trimEnd().split('\n'), ['logs ls', 'yaml', tenant]);
  });

  it('prints zsh and fish scripts, and refuses other shells', async () => {
    const zsh = await run(plugin('kubectl-mimt'), ['completion', 'zsh']);
    assert.match(zsh.stdout, /^#compdef kubectl-mimt /);
    const fish = await run(plugin('kubectl-mimt'), ['completion', 'fish']);
    assert.match(fish.stdout, /complete -c kubectl-mimt-ls /);
    const bad = await run(plugin('kubectl-mimt'), ['completion', 'tcsh']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^error: expected one shell, got "tcsh": use one of bash, zsh, fish/);
  });
});
