import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load as loadYaml } from 'js-yaml';
import { adHocSign } from '../../scripts/release/macho-sign.ts';
import { nodeBinary } from '../../scripts/release/node-binaries.ts';
import { platforms } from '../../scripts/release/platforms.ts';
import { CLUSTER_BIN, KUBECONFIG, apply, helm, uniqueName } from '../support/cluster.ts';
import { codeDirectory } from '../support/macho.ts';
import { ROOT, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces, tenantNamespace } from '../support/tenants.ts';

const work = mkdtempSync(path.join(tmpdir(), 'mimt-release-'));
const releaseDir = path.join(work, 'release');
const manifest = path.join(work, 'manifests', 'mimt.yaml');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const version: string = pkg.version;
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64', 'windows/amd64'];
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1';
const ARM64_LIBS = '/usr/aarch64-linux-gnu';

const binary = (platform: string): string =>
  path.join(
    releaseDir,
    platform.replace('/', '_'),
    platform.startsWith('windows') ? 'kubectl-mimt.exe' : 'kubectl-mimt',
  );
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A user's environment without Node.js: only the given folders and the cluster's kubectl and helm. */
function noNodeEnv(dirs: string[]): Record<string, string> {
  const PATH = [...dirs, CLUSTER_BIN].join(path.delimiter);
  for (const dir of PATH.split(path.delimiter)) assert.ok(!existsSync(path.join(dir, 'node')), `node in ${dir}`);
  return { PATH, HOME: mkdtempSync(path.join(tmpdir(), 'mimt-home-')), KUBECONFIG, LANG: 'C.UTF-8' };
}

describe('distribution: make release, Krew and the standalone executables', { timeout: 1_200_000 }, () => {
  const tenant = uniqueName('dist');
  let server: http.Server;
  let baseUrl = '';

  before(async () => {
    // The archives are served from 127.0.0.1, so that Krew's trial installs download real URIs offline.
    server = http.createServer((request, response) => {
      const file = path.join(
        releaseDir,
        path.basename(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)),
      );
      if (!existsSync(file)) return void response.writeHead(404).end();
      response.writeHead(200);
      createReadStream(file).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mkdirSync(path.dirname(manifest));
    const release = await run(
      process.execPath,
      ['scripts/release.ts', '--out', releaseDir, '--manifest', manifest, '--base-url', baseUrl],
      { env: { ...(process.env as Record<string, string>) }, cwd: ROOT, timeoutMs: 900_000 },
    );
    assert.equal(release.exitCode, 0, `scripts/release.ts failed:\n${release.stderr}`);
    // A tenant for ls to find; its pods need not be scheduled for that.
    await apply(tenantNamespace(tenant));
    await helm(['upgrade', '--install', tenant, EXAMPLE_CHART, '-n', tenant]);
  });
  after(async () => {
    server?.close();
    // Krew's copy of the executable alone is some 130 MB.
    rmSync(work, { recursive: true, force: true });
    await deleteNamespaces([tenant]);
  });

  it('writes an archive per platform and SHA256SUMS that match them', () => {
    const lines = readFileSync(path.join(releaseDir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    const archives = PLATFORMS.map(
      (p) => `kubectl-mimt_v${version}_${p.replace('/', '_')}.${p.startsWith('windows') ? 'zip' : 'tar.gz'}`,
    );
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[1]).sort(), [...archives].sort());
    for (const line of lines) {
      const [sum, name] = line.split(/\s+/) as [string, string];
      assert.equal(sha256(readFileSync(path.join(releaseDir, name))), sum, name);
    }
  });

  it('renders a manifest for plugin mimt with every platform, the version and a short description of ≤ 50', () => {
    const doc = loadYaml(readFileSync(manifest, 'utf8')) as {
      metadata: { name: string };
      spec: {
        version: string;
        shortDescription: string;
        platforms: { selector: { matchLabels: { os: string; arch: string } }; uri: string; sha256: string }[];
      };
    };
    assert.equal(doc.metadata.name, 'mimt');
    assert.equal(doc.spec.version, `v${version}`);
    assert.ok(doc.spec.shortDescription.length <= 50, doc.spec.shortDescription);
    const sums = readFileSync(path.join(releaseDir, 'SHA256SUMS'), 'utf8');
    assert.deepEqual(
      doc.spec.platforms.map((p) => `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`),
      PLATFORMS,
    );
    for (const p of doc.spec.platforms) {
      assert.ok(p.uri.startsWith(`${baseUrl}/kubectl-mimt_v${version}_`), p.uri);
      assert.ok(sums.includes(`${p.sha256}  ${path.basename(p.uri)}`), `${p.uri} has the sum of its archive`);
    }
  });

  it('passes validate-krew-manifest, whose trial install downloads and unpacks every platform', async () => {
    const result = await run(path.join(CLUSTER_BIN, 'validate-krew-manifest'), ['-manifest', manifest], {
      env: { PATH: [CLUSTER_BIN, '/usr/bin', '/bin'].join(path.delimiter), HOME: work },
      timeoutMs: 300_000,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /all 5 spec\.platforms installed fine/);
  });

  it('installs with kubectl krew install --manifest --archive, and kubectl mimt runs through it without Node.js', async () => {
    const krewRoot = mkdtempSync(path.join(work, 'krew-'));
    const archive = path.join(releaseDir, `kubectl-mimt_v${version}_linux_amd64.tar.gz`);
    const env = { ...noNodeEnv([path.join(krewRoot, 'bin')]), KREW_ROOT: krewRoot };
    const install = await run(
      path.join(CLUSTER_BIN, 'kubectl'),
      ['krew', 'install', `--manifest=${manifest}`, `--archive=${archive}`],
      { env },
    );
    assert.equal(install.exitCode, 0, install.stderr);
    assert.ok(existsSync(path.join(krewRoot, 'bin', 'kubectl-mimt')));

    const listed = await run(path.join(CLUSTER_BIN, 'kubectl'), ['mimt', 'ls', tenant, '-o', 'json'], { env });
    assert.equal(listed.exitCode, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).metadata.name, tenant);
    const shown = await run(path.join(CLUSTER_BIN, 'kubectl'), ['mimt', 'version'], { env });
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.match(shown.stdout, /^Version: +\S+\n/);
    assert.match(shown.stdout, /Node\.js: +v\d+\.\d+\.\d+ \(built into this executable\)/);
    assert.match(shown.stdout, /Server: +v1\.\d+\.\d+/);
  });

  it('runs the linux/amd64 executable with no Node.js on PATH: help, ls, ls -o json, install --dry-run', async () => {
    const env = noNodeEnv([path.dirname(binary('linux/amd64'))]);
    const mimt = (args: string[]) => run('kubectl-mimt', args, { env, timeoutMs: 120_000 });

    const help = await mimt(['--help']);
    assert.equal(help.exitCode, 0, help.stderr);
    assert.match(help.stdout, /Usage:\n\s*kubectl mimt <command>/);
    const lsHelp = await mimt(['ls', '--help']);
    assert.match(lsHelp.stdout, /Usage:\n\s*kubectl mimt ls/);

    const table = await mimt(['ls', '-l', `mimt.io/tenant=${tenant}`]);
    assert.equal(table.exitCode, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^${tenant}\\s`, 'm'));
    const list = await mimt(['ls', '-o', 'json']);
    assert.equal(list.exitCode, 0, list.stderr);
    const doc = JSON.parse(list.stdout) as { kind: string; items: { metadata: { name: string } }[] };
    assert.ok(doc.items.some((t) => t.metadata.name === tenant));

    const dryRun = await mimt(['install', uniqueName('dry'), '--chart', EXAMPLE_CHART, '--dry-run']);
    assert.equal(dryRun.exitCode, 0, dryRun.stderr);
    assert.match(dryRun.stdout, /dry run/i);
    const bad = await mimt(['ls', '--sort-by', 'colour']);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^error: .*sort-by/);
  });

  it('runs the linux/arm64 executable under qemu against the cluster', async () => {
    assert.ok(
      existsSync('/usr/bin/qemu-aarch64-static') && existsSync(path.join(ARM64_LIBS, 'lib', 'libc.so.6')),
      'needs Debian packages qemu-user-static, libc6-arm64-cross and libstdc++6-arm64-cross',
    );
    const env = noNodeEnv([]);
    const arm = (args: string[]) =>
      run('/usr/bin/qemu-aarch64-static', ['-L', ARM64_LIBS, binary('linux/arm64'), ...args], {
        env,
        timeoutMs: 180_000,
      });
    const shown = await arm(['--version']);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.match(shown.stdout, /Platform: +linux\/arm64/);
    const listed = await arm(['ls', tenant, '-o', 'json']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).metadata.name, tenant);
  });

  it('has the SEA blob injected in every executable, and leaves the Windows one without a broken signature', async () => {
    for (const p of PLATFORMS) assert.ok(readFileSync(binary(p)).includes(SEA_FUSE), `${p}: the SEA fuse is set`);
    const verify = await run('osslsigncode', ['verify', binary('windows/amd64')], { env: { PATH: '/usr/bin:/bin' } });
    assert.match(verify.stdout + verify.stderr, /No signature found/);
  });

  it('signs the macOS executables ad hoc over every page, with the layout of Apple codesign', () => {
    for (const p of ['darwin/amd64', 'darwin/arm64']) {
      const file = readFileSync(binary(p));
      const cd = codeDirectory(file);
      assert.ok(cd, `${p} has a code signature`);
      assert.equal(cd.flags & 0x2, 0x2, `${p} is signed ad hoc`);
      assert.equal(cd.codeLimit, cd.dataoff, `${p}: the signature covers everything before it`);
      cd.pageHashes.forEach((hash, page) => {
        const data = file.subarray(page * 4096, Math.min((page + 1) * 4096, cd.codeLimit));
        assert.equal(hash, sha256(data), `${p}: page ${page}`);
      });
    }
    // Node's own macOS build was signed by Apple's codesign: signing it again must give the same
    // hashes and executable-segment fields, but for the first page (the load commands it updates).
    const target = platforms(pkg.devDependencies.node).find((p) => p.os === 'darwin' && p.arch === 'arm64');
    assert.ok(target);
    const official = readFileSync(nodeBinary(target, () => undefined));
    const theirs = codeDirectory(official);
    const ours = codeDirectory(adHocSign(official, 'node'));
    assert.ok(theirs && ours);
    assert.equal(ours.codeLimit, theirs.codeLimit);
    assert.deepEqual(ours.execSeg, theirs.execSeg);
    assert.deepEqual(ours.pageHashes.slice(1), theirs.pageHashes.slice(1));
  });
});
