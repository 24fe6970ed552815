/**
 * Run by the node a standalone executable is made of: V8's code cache of the executable's second
 * script (sea-back.ts compiles it with this cache). Only that very binary can use it.
 *
 *   node back-cache.ts SCRIPT OUT
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { BACK_ASSET, wrapBack } from './sea-back.ts';

const [script, out] = process.argv.slice(2) as [string, string];
writeFileSync(out, new Script(wrapBack(readFileSync(script, 'utf8')), { filename: BACK_ASSET }).createCachedData());
