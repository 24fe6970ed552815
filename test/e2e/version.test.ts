import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { clusterEnv, kubectlJson } from '../support/cluster.ts';
import { ROOT, plugin, run } from '../support/run.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('kubectl mimt version and --version', { timeout: 120_000 }, () => {
  it("prints mimt's version and commit, its Node.js and the server's Kubernetes version", async () => {
    const server = await kubectlJson<{ serverVersion: { gitVersion: string } }>(['version']);
    const result = await run(plugin('kubectl-mimt'), ['version'], { env: clusterEnv() });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Version: +${pkg.version.replaceAll('.', '\\.')}\n`));
    assert.match(result.stdout, /\nCommit: +[0-9a-f]{12}\n/);
    assert.match(result.stdout, new RegExp(`\nNode\\.js: +${process.version.replaceAll('.', '\\.')}\n`));
    assert.match(result.stdout, new RegExp(`\nServer: +${server.serverVersion.gitVersion.replaceAll('.', '\\.')}\n`));

    const json = await run(plugin('kubectl-mimt'), ['version', '-o', 'json'], { env: clusterEnv() });
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.kind, 'Version');
    assert.equal(doc.version, pkg.version);
    assert.equal(doc.serverVersion, server.serverVersion.gitVersion);
    assert.equal(doc.standalone, false);
  });

  it("says 'unreachable' when the server does not answer, and still succeeds", async () => {
    const result = await run(plugin('kubectl-mimt'), ['version', '--server', 'https://127.0.0.1:1'], {
      env: clusterEnv(),
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /\nServer: +unreachable\n/);
    assert.match(result.stderr, /^warning: the server's version is unknown: .*connection refused/);
  });

  it('answers --version on every executable without asking the server', async () => {
    const executables = Object.keys(pkg.bin).filter((name) => name.startsWith('kubectl-mimt'));
    assert.ok(executables.length > 1);
    for (const name of executables) {
      // No kubeconfig at all: --version must not need one.
      const result = await run(plugin(name), ['--version']);
      assert.equal(result.exitCode, 0, `${name}: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`^Version: +${pkg.version.replaceAll('.', '\\.')}\n`), name);
      assert.doesNotMatch(result.stdout, /Server:/, name);
    }
  });
});
