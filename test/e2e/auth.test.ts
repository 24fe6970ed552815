import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import { KUBECONFIG, apply, clusterEnv, uniqueName } from '../support/cluster.ts';
import { clientNodeChunk, plugin, run, runTracingModules } from '../support/run.ts';
import { deleteNamespaces, tenantNamespace } from '../support/tenants.ts';

interface Kubeconfig {
  clusters: { cluster: Record<string, string> }[];
  users: { user: Record<string, string> }[];
}

/**
 * Certificates and tokens are read by mimt itself; everything else (here an exec plugin, as EKS, GKE
 * and AKS use) by client-node. Both ways must reach the same cluster.
 */
describe('credentials from the kubeconfig', { timeout: 300_000 }, () => {
  const tenant = uniqueName('auth');
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-e2e-auth-'));
  const local = loadYaml(readFileSync(KUBECONFIG, 'utf8')) as Kubeconfig;
  const cluster = local.clusters[0]?.cluster as Record<string, string>;
  const admin = local.users[0]?.user as Record<string, string>;

  const kubeconfigWith = (name: string, user: object): string => {
    const file = path.join(dir, `${name}.json`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster }],
      users: [{ name, user }],
      contexts: [{ name, context: { cluster: 'local', user: name } }],
      'current-context': name,
    };
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  // Traced, so that a test can tell whether client-node was loaded.
  const ls = (kubeconfig: string) =>
    runTracingModules(plugin('kubectl-mimt-ls'), ['-o', 'name'], clusterEnv({ KUBECONFIG: kubeconfig }));
  const clientNode = () => new RegExp(`LOADED .*${clientNodeChunk().replace('.', '\\.')}`);

  before(async () => {
    await apply(tenantNamespace(tenant));
  });

  after(async () => {
    await deleteNamespaces([tenant]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with client certificates from the kubeconfig, without loading client-node', async () => {
    const result = await ls(KUBECONFIG);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`\\b${tenant}\\b`));
    assert.doesNotMatch(result.stderr, clientNode());
  });

  it('connects with the credential that an exec plugin prints', async () => {
    const credential = {
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {
        clientCertificateData: readFileSync(admin['client-certificate'] as string, 'utf8'),
        clientKeyData: readFileSync(admin['client-key'] as string, 'utf8'),
      },
    };
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: process.execPath,
      args: ['-e', `process.stdout.write(${JSON.stringify(JSON.stringify(credential))})`],
      interactiveMode: 'Never',
    };
    const result = await ls(kubeconfigWith('exec-user', { exec }));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`\\b${tenant}\\b`));
    assert.match(result.stderr, clientNode(), "exec plugins are client-node's work");
  });

  it('says in one line that the server refused a bad token', async () => {
    const result = await run(plugin('kubectl-mimt-ls'), [], {
      env: clusterEnv({ KUBECONFIG: kubeconfigWith('bad-token', { token: 'not-a-valid-token' }) }),
    });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^error: .*(401|Unauthorized|credentials)/i);
    assert.ok(result.stderr.trimEnd().split('\n').length <= 2, `one line and at most a hint:\n${result.stderr}`);
  });
});
