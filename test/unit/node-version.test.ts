import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MINIMUM_NODE, nodeTooOld } from '../../src/cli/node-version.ts';

describe('the Node.js version check', () => {
  it('asks for the version that package.json promises', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      engines: { node: string };
    };
    assert.equal(`>=${MINIMUM_NODE.replace(/\.0$/, '')}`, pkg.engines.node);
  });

  it('refuses older versions, including an older minor of the same major', () => {
    assert.equal(nodeTooOld('20.20.2'), true);
    assert.equal(nodeTooOld('22.18.1'), true);
    assert.equal(nodeTooOld('22.19.0'), false);
    assert.equal(nodeTooOld('24.21.0'), false);
  });
});
