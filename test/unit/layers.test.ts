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

/** The layers of docs/architecture.md: plugins → cli → commands → views → core; output beside them. */
const MAY_IMPORT: Record<string, string[]> = {
  core: ['core'],
  output: ['output'],
  views: ['views', 'core', 'output'],
  commands: ['commands', 'views', 'core', 'output'],
  cli: ['cli', 'commands', 'views', 'core', 'output'],
};

/**
 * Inside core, each part may import only parts of a lower rank (and files at core's top level, the
 * shared leaves such as errors.ts): kube → helm → tenant → policy → the rest, which are siblings and
 * may not import each other. So no cycle can form inside core.
 */
const CORE_RANK: Record<string, number> = {
  kube: 1,
  helm: 2,
  tenant: 3,
  policy: 4,
  install: 5,
  metrics: 5,
  logs: 5,
  detail: 5,
  graph: 5,
  fleet: 5,
};

/** Why `from` (a file under core) may not import `to`, or undefined when it may. */
export function coreOrderViolation(from: string, to: string): string | undefined {
  const [fromPart, toPart] = [from, to].map((f) => f.split(path.sep));
  const [own, target] = [fromPart?.[1], toPart?.[1]];
  if (toPart?.length === 2 || own === target || fromPart?.length === 2) return undefined;
  const [ownRank, targetRank] = [CORE_RANK[own as string], CORE_RANK[target as string]];
  if (ownRank === undefined || targetRank === undefined) return `core/${own ?? target} has no rank in CORE_RANK`;
  return targetRank < ownRank
    ? undefined
    : `core/${own} must not import ${to} (the order is kube → helm → tenant → policy → install, metrics, logs, detail, graph, fleet)`;
}

describe('layering', () => {
  for (const file of files(src)) {
    const layer = path.relative(src, file).split(path.sep)[0] as string;
    it(`${path.relative(src, file)} imports only what its layer may`, () => {
      const allowed = MAY_IMPORT[layer];
      assert.ok(allowed, `unknown layer ${layer}`);
      for (const target of importsOf(file)) {
        assert.ok(allowed.includes(target.split(path.sep)[0] as string), `${layer} must not import ${target}`);
        if (layer === 'core') {
          const violation = coreOrderViolation(path.relative(src, file), target);
          assert.equal(violation, undefined, violation);
        }
      }
      if (layer !== 'cli') {
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

describe('the order inside core', () => {
  it('refuses an import back down the order and between siblings', () => {
    const at = (...parts: string[]) => parts.join(path.sep);
    assert.equal(coreOrderViolation(at('core', 'policy', 'apply.ts'), at('core', 'kube', 'read.ts')), undefined);
    assert.match(
      coreOrderViolation(at('core', 'tenant', 'namespace.ts'), at('core', 'policy', 'apply.ts')) ?? '',
      /core\/tenant must not import core\/policy\/apply\.ts/,
    );
    assert.match(
      coreOrderViolation(at('core', 'metrics', 'fetch.ts'), at('core', 'logs', 'tail.ts')) ?? '',
      /must not/,
    );
    assert.equal(coreOrderViolation(at('core', 'logs', 'tail.ts'), at('core', 'errors.ts')), undefined);
  });
});

describe('the tenant contract', () => {
  const contract = path.join(src, 'core', 'tenant', 'contract.ts');
  // A label or annotation key of the contract, quoted: mimt's own (not its API version), KubePlus's, Helm's.
  const KEY =
    /['"`](mimt\.io\/(?!v\d)[a-z-]+|managedby|meta\.helm\.sh\/release-name|app\.kubernetes\.io\/managed-by)['"`]/;

  for (const file of files(src).filter((f) => f !== contract)) {
    it(`${path.relative(src, file)} reads and writes labels and annotations through contract.ts`, () => {
      assert.doesNotMatch(readFileSync(file, 'utf8'), KEY);
    });
  }
});
