import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archiveUri, renderManifest } from '../../scripts/release/manifest.ts';

const archives = new Map([
  ['linux/amd64', { uri: 'https://example.test/a.tar.gz', sha256: 'a'.repeat(64) }],
  ['windows/amd64', { uri: 'https://example.test/w.zip', sha256: 'b'.repeat(64) }],
]);

describe('the Krew manifest template', () => {
  it('fills in the version and each platform’s URI and sum', () => {
    const template =
      'version: v{{VERSION}}\n- uri: {{URI linux/amd64}}\n  sha256: {{ SHA256 linux/amd64 }}\n- uri: {{URI windows/amd64}}\n  sha256: {{SHA256 windows/amd64}}\n';
    assert.equal(
      renderManifest(template, { version: '1.2.3', archives }),
      `version: v1.2.3\n- uri: https://example.test/a.tar.gz\n  sha256: ${'a'.repeat(64)}\n- uri: https://example.test/w.zip\n  sha256: ${'b'.repeat(64)}\n`,
    );
  });

  it('refuses a template that misses a built platform or asks for one that was not built', () => {
    assert.throws(
      () => renderManifest('{{URI linux/amd64}} {{SHA256 linux/amd64}}', { version: '1', archives }),
      /no platform entry for windows\/amd64/,
    );
    assert.throws(
      () => renderManifest('{{URI darwin/arm64}}', { version: '1', archives }),
      /\{\{URI darwin\/arm64\}\}, which no archive has/,
    );
    assert.throws(() => renderManifest('{{HOMEPAGE}}', { version: '1', archives: new Map() }), /unknown placeholder/);
  });

  it('builds the download URI from a base URL that may name the version', () => {
    assert.equal(
      archiveUri('https://github.com/o/r/releases/download/v{{VERSION}}/', '0.1.0', 'x.tar.gz'),
      'https://github.com/o/r/releases/download/v0.1.0/x.tar.gz',
    );
  });
});
