/**
 * docs/benchmarks.md again from a run's results, for a change to the report's form that needs no
 * new measurement:
 *
 *   node bench/render.ts bench/results/<date>.json
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './common.ts';
import { type Results, markdown, writeFormatted } from './report.ts';

const [file] = process.argv.slice(2);
if (!file || !file.endsWith('.json')) {
  console.error('usage: node bench/render.ts bench/results/<date>.json');
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
await writeFormatted(path.join(ROOT, 'docs', 'benchmarks.md'), markdown(results));
console.log('written: docs/benchmarks.md');
