import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PolicySettings } from '../policy/settings.ts';

/** Every file of a chart directory, in a stable order, so that an edited local chart changes the digest. */
function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) hashTree(hash, full);
    else hash.update(`${path.relative(dir, full)}\0`).update(readFileSync(full));
  }
}

export interface FingerprintInput {
  chart: string;
  chartVersion: string;
  valuesFiles: string[];
  set: string[];
  settings: PolicySettings;
}

/**
 * A digest of what an install is asked to do. Helm writes a new revision on every upgrade, even an
 * identical one; comparing digests is how a repeated install changes nothing.
 */
export function installFingerprint(input: FingerprintInput): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([input.chart, input.chartVersion, input.set, input.settings]));
  const local = path.resolve(input.chart);
  try {
    const stat = statSync(local);
    if (stat.isDirectory()) hashTree(hash, local);
    else hash.update(readFileSync(local));
  } catch {
    // repo/name and oci:// charts: name and version say it all (published versions are immutable).
  }
  for (const file of input.valuesFiles) hash.update('\0values\0').update(readFileSync(file));
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}
