import { createRequire } from 'node:module';

/**
 * Keeps V8's young generation at the size it starts with, once a command reads a cluster. A
 * listing parses tens of megabytes of JSON that dies young; by default V8 answers that by growing
 * the young generation to 32 MB per semi-space and keeping it, which at 3,000 tenants was a third of
 * `ls`'s peak memory (185 → 118 MB) and cost CPU in page faults (1.46 → 1.15 s). The maximum size
 * can only be set when the process starts; the growth factor can be set at any time. Not at
 * start-up: loading node:v8 takes about 5 ms, which `--help` need not pay.
 */
export function keepYoungGenerationSmall(): void {
  const v8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
