import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLUSTER_BIN, KUBECONFIG } from '../support/cluster.ts';
import { NODE_BIN, ROOT, run } from '../support/run.ts';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

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
      // Every executable package.json lists: the dispatcher, one per command, and the completion ones.
      const bins = Object.keys(pkg.bin).sort();
      assert.ok(
        bins.includes('kubectl-mimt') && bins.includes('kubectl-mimt-ls') && bins.includes('kubectl_complete-mimt'),
      );
      const installed = readdirSync(path.join(prefix, 'bin')).sort();
      assert.deepEqual(
        installed.filter((f) => f.startsWith('kubectl')),
        bins,
      );
      for (const name of bins.filter((b) => b.startsWith('kubectl-mimt'))) {
        const shown = await run(path.join(prefix, 'bin', name), ['--version'], { env });
        assert.equal(shown.exitCode, 0, `${name}: ${shown.stderr}`);
        assert.match(shown.stdout, new RegExp(`^Version: +${pkg.version.replaceAll('.', '\\.')}\n`), name);
      }

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

      // kubectl mimt <Tab>: kubectl lists the commands it found as executables, the completion
      // executables add the rest, once each; kubectl mimt ls -o <Tab> asks kubectl_complete-mimt-ls.
      const tab = async (words: string[]) => {
        const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['__complete', 'mimt', ...words], { env: userEnv });
        assert.equal(result.exitCode, 0, result.stderr);
        return result.stdout.split('\n').map((line) => line.split('\t')[0]);
      };
      const first = await tab(['']);
      assert.equal(first.filter((c) => c === 'ls').length, 1, first.join(' '));
      assert.ok(first.includes('version'));
      const formats = await tab(['ls', '-o', '']);
      assert.ok(formats.includes('json') && formats.includes(':4'), formats.join(' '));
    },
  );
});
