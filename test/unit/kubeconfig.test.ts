import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MimtError } from '../../src/core/errors.ts';
import { type ConnectionOptions, inClusterKubeconfig, loadKubeconfig } from '../../src/core/kube/kubeconfig.ts';

const dir = path.resolve(import.meta.dirname, '../fixtures/kubeconfig');
const file = (name: string) => path.join(dir, name);

function load(options: ConnectionOptions, kubeconfigEnv?: string[]) {
  const env = kubeconfigEnv ? { KUBECONFIG: kubeconfigEnv.join(path.delimiter), HOME: dir } : { HOME: dir };
  return loadKubeconfig(options, env);
}

function cluster(resolved: ReturnType<typeof load>): Record<string, unknown> {
  return resolved.config.clusters[0]?.cluster as Record<string, unknown>;
}

function user(resolved: ReturnType<typeof load>): Record<string, unknown> {
  return resolved.config.users[0]?.user as Record<string, unknown>;
}

describe('kubeconfig loading with kubectl semantics', () => {
  it('merges $KUBECONFIG files with the first file winning current-context', () => {
    assert.equal(load({}, [file('a.yaml'), file('b.yaml')]).contextName, 'alpha');
    assert.equal(load({}, [file('b.yaml'), file('a.yaml')]).contextName, 'beta');
  });

  it('lets the first file win a context, cluster or user defined in several files', () => {
    const resolved = load({ context: 'shared-context' }, [file('a.yaml'), file('b.yaml')]);
    assert.equal(resolved.server, 'https://a.example:6443');
    assert.equal(user(resolved).token, 'token-from-a');
    assert.equal(resolved.namespace, 'default');
  });

  it('takes entries that only a later file defines', () => {
    const resolved = load({ context: 'beta' }, [file('a.yaml'), file('b.yaml')]);
    assert.equal(resolved.server, 'https://only-b.example:6443');
    assert.equal(user(resolved).token, 'token-b-user');
  });

  it('skips missing files in $KUBECONFIG', () => {
    const resolved = load({}, [file('does-not-exist.yaml'), file('b.yaml')]);
    assert.equal(resolved.contextName, 'beta');
  });

  it('loads exactly one file with --kubeconfig, ignoring $KUBECONFIG', () => {
    const resolved = load({ kubeconfig: file('b.yaml') }, [file('a.yaml')]);
    assert.equal(resolved.contextName, 'beta');
    assert.throws(
      () => load({ kubeconfig: file('b.yaml'), context: 'alpha' }, [file('a.yaml')]),
      /context "alpha" not found/,
    );
  });

  it('fails on a missing --kubeconfig file, naming it', () => {
    assert.throws(
      () => load({ kubeconfig: file('nope.yaml') }),
      (error: unknown) => error instanceof MimtError && error.message === `kubeconfig "${file('nope.yaml')}" not found`,
    );
  });

  it('fails on a malformed file with the file name and the parser reason on one line', () => {
    assert.throws(
      () => load({}, [file('malformed.yaml')]),
      (error: unknown) =>
        error instanceof MimtError &&
        error.kind === 'failure' &&
        error.message.startsWith(`invalid kubeconfig "${file('malformed.yaml')}": `) &&
        !error.message.includes('\n'),
    );
  });

  it('takes the namespace from the context, -n over it, and "default" without either', () => {
    assert.equal(load({}, [file('a.yaml')]).namespace, 'team-a');
    assert.equal(load({ namespace: 'other' }, [file('a.yaml')]).namespace, 'other');
    assert.equal(load({ context: 'shared-context' }, [file('a.yaml')]).namespace, 'default');
  });

  it('overrides the cluster and user of the context with --cluster and --user', () => {
    const resolved = load({ cluster: 'only-b', user: 'b-user' }, [file('a.yaml'), file('b.yaml')]);
    assert.equal(resolved.contextName, 'alpha');
    assert.equal(resolved.server, 'https://only-b.example:6443');
    assert.equal(user(resolved).token, 'token-b-user');
    assert.equal(resolved.namespace, 'team-a');
  });

  it('rejects an unknown context, cluster or user by name', () => {
    assert.throws(() => load({ context: 'gamma' }, [file('a.yaml')]), /context "gamma" not found in kubeconfig/);
    assert.throws(() => load({ cluster: 'nowhere' }, [file('a.yaml')]), /cluster "nowhere" not found in kubeconfig/);
    assert.throws(() => load({ user: 'nobody' }, [file('a.yaml')]), /user "nobody" not found in kubeconfig/);
  });

  it('resolves relative certificate paths against the file that holds them', () => {
    const resolved = load({}, [file('a.yaml')]);
    assert.equal(cluster(resolved)['certificate-authority'], path.join(dir, 'certs/ca.crt'));
    assert.equal(user(resolved)['client-certificate'], path.join(dir, 'certs/client.crt'));
  });

  it('applies --server, --token and --insecure-skip-tls-verify, dropping the CA as kubectl does', () => {
    const resolved = load({ server: 'https://override:6443', token: 'flag-token', insecureSkipTlsVerify: true }, [
      file('a.yaml'),
    ]);
    assert.equal(resolved.server, 'https://override:6443');
    assert.equal(user(resolved).token, 'flag-token');
    assert.equal(cluster(resolved)['insecure-skip-tls-verify'], true);
    assert.equal(cluster(resolved)['certificate-authority'], undefined);
  });

  it('says there is no current context when no file sets one', () => {
    assert.throws(() => load({}, [file('empty.yaml')]), /no current context in kubeconfig/);
    assert.throws(() => load({}, [file('missing-1.yaml'), file('missing-2.yaml')]), /no kubeconfig file found/);
  });

  it('reads ~/.kube/config when $KUBECONFIG is unset', () => {
    const resolved = loadKubeconfig({}, { HOME: path.join(dir, 'home') });
    assert.equal(resolved.server, 'https://home.example:6443');
    assert.deepEqual(resolved.files, [path.join(dir, 'home', '.kube', 'config')]);
  });
});

describe('in a pod without a kubeconfig', () => {
  const sa = mkdtempSync(path.join(tmpdir(), 'mimt-sa-'));
  writeFileSync(path.join(sa, 'token'), 'pod-token');
  writeFileSync(path.join(sa, 'ca.crt'), 'ca');
  writeFileSync(path.join(sa, 'namespace'), 'tenant-ops\n');
  after(() => rmSync(sa, { recursive: true, force: true }));
  const pod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it("talks to the pod's own cluster as its service account, in its namespace", () => {
    const file = inClusterKubeconfig(pod, sa);
    assert.ok(file);
    const config = JSON.parse(file.text) as {
      clusters: { cluster: Record<string, string> }[];
      users: { user: Record<string, string> }[];
      contexts: { context: Record<string, string> }[];
    };
    assert.deepEqual(config.clusters[0]?.cluster, {
      server: 'https://10.96.0.1:443',
      'certificate-authority': path.join(sa, 'ca.crt'),
    });
    assert.deepEqual(config.users[0]?.user, { tokenFile: path.join(sa, 'token') });
    assert.equal(config.contexts[0]?.context.namespace, 'tenant-ops');
  });

  it('prefers POD_NAMESPACE, and puts an IPv6 service address in brackets', () => {
    const file = inClusterKubeconfig({ ...pod, KUBERNETES_SERVICE_HOST: 'fd00::1', POD_NAMESPACE: 'from-env' }, sa);
    assert.match(file?.text ?? '', /"server":"https:\/\/\[fd00::1\]:443"/);
    assert.match(file?.text ?? '', /"namespace":"from-env"/);
  });

  it('is not used outside a pod or without a service account token', () => {
    assert.equal(inClusterKubeconfig({}, sa), undefined);
    assert.equal(inClusterKubeconfig(pod, path.join(sa, 'absent')), undefined);
  });
});
