import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_BIN, KUBECONFIG } from '../support/cluster.ts';
import { NODE_BIN, ROOT, run } from '../support/run.ts';

describe('the npm package', () => {
  it(
    'installs from its tarball with npm i -g and runs through kubectl plugin discovery',
    { timeout: 180_000 },
    async () => {
      const work = mkdtempSync(path.join(tmpdir(), 'mimt-pack-'));
      const env = {
        PATH: [NODE_BIN, '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
        HOME: work,
        npm_config_update_notifier: 'false',
      };
      // dist/ is already built by make; --ignore-scripts keeps npm pack from rebuilding it under other tests.
      const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { env, cwd: ROOT });
      assert.equal(pack.exitCode, 0, pack.stderr);
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
      assert.ok(tarball, 'npm pack wrote a tarball');
      const prefix = path.join(work, 'prefix');
      const install = await run('npm', ['i', '-g', '--prefix', prefix, '--offline', path.join(work, tarball)], { env });
      assert.equal(install.exitCode, 0, install.stderr);
      const installed = readdirSync(path.join(prefix, 'bin')).sort();
      assert.deepEqual(
        installed.filter((f) => f.startsWith('kubectl-mimt')),
        ['kubectl-mimt', 'kubectl-mimt-ls'],
      );

      const userEnv = {
        ...env,
        PATH: [path.join(prefix, 'bin'), CLUSTER_BIN, env.PATH].join(path.delimiter),
        KUBECONFIG,
      };
      const help = await run(path.join(CLUSTER_BIN, 'kubectl'), ['mimt', 'ls', '--help'], { env: userEnv });
      assert.equal(help.exitCode, 0, help.stderr);
      assert.match(help.stdout, /Usage:\n\s*kubectl mimt ls/);
      const listed = await run(path.join(CLUSTER_BIN, 'kubectl'), ['mimt', 'ls', '-l', 'no-such-label=x'], {
        env: userEnv,
      });
      assert.equal(listed.exitCode, 0, listed.stderr);
      assert.equal(listed.stderr.trim(), 'No tenants found');
    },
  );
});
