import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, plugin, run } from '../support/run.ts';

/** No server listens there: a request would fail with exit 1, so exit 2 shows none was sent. */
const nowhere = ['--server', 'https://127.0.0.1:1'];

async function usageError(args: string[], message: RegExp): Promise<void> {
  const result = await run(plugin('kubectl-mimt-logs'), [...args, ...nowhere]);
  assert.equal(result.exitCode, 2, result.stderr);
  assert.match(result.stderr.split('\n')[0] ?? '', message);
}

describe('kubectl mimt logs without a cluster', () => {
  it('prints help with the usage line and examples', async () => {
    const result = await run(plugin('kubectl-mimt-logs'), ['--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /Usage:\n\s*kubectl mimt logs TENANT \[-f\]/);
    assert.match(result.stdout, /--max-log-requests/);
    assert.match(result.stdout, /Examples:\n\s+kubectl mimt logs acme/);
  });

  it('loads neither the Kubernetes client nor the log reader for --help and bad flags', async () => {
    const chunks = readdirSync(path.join(ROOT, 'dist', 'chunks')).filter((f) => f.endsWith('.js'));
    const heavy = chunks.filter((f) => {
      const text = readFileSync(path.join(ROOT, 'dist', 'chunks', f), 'utf8');
      return text.includes('kubernetes-client-javascript') || text.includes('the log stream of');
    });
    assert.equal(heavy.length >= 2, true, `chunks with the client and the log reader: ${heavy.join(', ')}`);
    const hook = `data:text/javascript,${encodeURIComponent(
      'import { registerHooks } from "node:module"; registerHooks({ load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); } });',
    )}`;
    for (const args of [['--help'], ['acme', '--tail', 'x']]) {
      const result = await run(process.execPath, ['--import', hook, plugin('kubectl-mimt-logs'), ...args]);
      assert.match(result.stderr, /LOADED .*kubectl-mimt-logs\.js/);
      for (const chunk of heavy) assert.ok(!result.stderr.includes(chunk), `${args.join(' ')} loaded ${chunk}`);
    }
  });

  it('rejects bad values with exit 2, naming the value and the rule, before any request', async () => {
    await usageError([], /^error: expected one tenant name, got 0$/);
    await usageError(['acme', 'globex'], /^error: expected one tenant name, got 2: acme globex$/);
    await usageError(['Acme'], /^error: invalid tenant name "Acme"/);
    await usageError(['acme', '-c', 'web('], /^error: invalid regular expression "web\(" for -c\/--container: /);
    await usageError(['acme', '--grep', '['], /^error: invalid regular expression "\[" for --grep: /);
    await usageError(
      ['acme', '--since', '10m', '--since-time', '2026-11-24T10:00:00Z'],
      /^error: use only one of --since and --since-time$/,
    );
    await usageError(['acme', '--since', 'ten'], /^error: invalid duration "ten" for --since/);
    await usageError(
      ['acme', '--since-time', 'yesterday'],
      /^error: invalid time "yesterday" for --since-time: use RFC 3339/,
    );
    await usageError(
      ['acme', '--tail', '-2'],
      /^error: invalid value "-2" for --tail: use a whole number of at least -1$/,
    );
    await usageError(['acme', '--max-log-requests', '0'], /^error: invalid value "0" for --max-log-requests: /);
    await usageError(
      ['acme', '-f', '-p'],
      /^error: --previous reads a container instance that has ended: it cannot be followed/,
    );
    await usageError(['acme', '--prefix', '--no-prefix'], /^error: use only one of --prefix and --no-prefix$/);
    await usageError(['acme', '--prefix', '-o', 'json'], /^error: --prefix applies to -o text, not -o json$/);
    await usageError(['acme', '-o', 'yaml'], /^error: invalid output format "yaml": use one of text, raw, json$/);
    await usageError(['acme', '-l', 'a=(b'], /^error: invalid label selector "a=\(b"/);
  });
});
