/**
 * Runs in the standalone executable: loads its second script, what commands need once their flags
 * are parsed (see sea-split.ts), from the executable's assets on first use. The second script gets
 * the main script's own instances of the modules both use, through `front`.
 */
import path from 'node:path';
import { getAsset, getRawAsset } from 'node:sea';
import { Script } from 'node:vm';

/** The name of the second script among the executable's assets. */
export const BACK_ASSET = 'kubectl-mimt-back.cjs';
/** V8's code cache of the second script, where the executable has one (see back-cache.ts). */
export const BACK_CACHE_ASSET = 'kubectl-mimt-back.cache';
/** How the second script names a module of the main script when it requires it. */
export const FRONT_PREFIX = 'mimt-front:';

type Loaders = Record<string, () => object>;

/** The wrapper the second script runs in: a CommonJS module's, with its own require. */
export function wrapBack(source: string): string {
  return `(function (module, exports, require, __filename, __dirname) {${source}\n})`;
}

let back: Loaders | undefined;

/** A module of the second script (its path from the project root), loading the script the first time. */
export function backModule(name: string, front: Loaders): object {
  back ??= loadBack(front);
  const load = back[name];
  if (!load) throw new Error(`the executable's second script has no module ${name}`);
  return load();
}

function codeCache(): Buffer | undefined {
  try {
    return Buffer.from(getRawAsset(BACK_CACHE_ASSET));
  } catch {
    // Executables made by another node than their own have none: V8 would reject it.
    return undefined;
  }
}

function loadBack(front: Loaders): Loaders {
  const source = wrapBack(getAsset(BACK_ASSET, 'utf8'));
  const script = new Script(source, { filename: BACK_ASSET, cachedData: codeCache() });
  const module = { exports: {} as Loaders };
  const require = (id: string): object => {
    const load = id.startsWith(FRONT_PREFIX) ? front[id.slice(FRONT_PREFIX.length)] : undefined;
    const found: object | undefined = load ? load() : process.getBuiltinModule(id);
    if (!found) throw new Error(`the executable has no module ${id}`);
    return found;
  };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module,
    module.exports,
    require,
    process.execPath,
    path.dirname(process.execPath),
  );
  return module.exports;
}
