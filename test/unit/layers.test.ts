import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const src = path.resolve(import.meta.dirname, '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(path.join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) =>
    path.relative(src, path.resolve(path.dirname(file), m[1] as string)),
  );
}

/** The layers of docs/architecture.md: plugins → cli → commands → core; output beside them. */
const MAY_IMPORT: Record<string, string[]> = {
  core: ['core'],
  output: ['output'],
  commands: ['commands', 'core', 'output'],
  cli: ['cli', 'commands', 'core', 'output'],
};

describe('layering', () => {
  for (const file of files(src)) {
    const layer = path.relative(src, file).split(path.sep)[0] as string;
    it(`${path.relative(src, file)} imports only what its layer may`, () => {
      const allowed = MAY_IMPORT[layer];
      assert.ok(allowed, `unknown layer ${layer}`);
      for (const target of importsOf(file)) {
        assert.ok(allowed.includes(target.split(path.sep)[0] as string), `${layer} must not import ${target}`);
      }
      if (layer === 'core' || layer === 'commands' || layer === 'output') {
        const text = readFileSync(file, 'utf8');
        assert.doesNotMatch(
          text,
          /process\.exit|console\.|process\.std(out|err)/,
          'only the CLI layer prints or exits',
        );
      }
    });
  }
});
