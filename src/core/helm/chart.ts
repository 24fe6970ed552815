import { loadAll } from 'js-yaml';
import type { Helm } from './cli.ts';

export interface ChartInfo {
  name: string;
  version: string;
  appVersion?: string;
}

/** Asks helm what CHART is (directory, .tgz, repo/name or oci://), before anything is changed. */
export async function inspectChart(helm: Helm, chart: string, version?: string): Promise<ChartInfo> {
  const args = ['show', 'chart', chart, ...(version ? ['--version', version] : [])];
  const { stdout } = await helm.run(args);
  const [doc] = loadAll(stdout) as { name?: string; version?: string; appVersion?: string }[];
  return { name: doc?.name ?? chart, version: doc?.version ?? version ?? 'unknown', appVersion: doc?.appVersion };
}

/** kind/name of every object in a rendered manifest stream (helm template, helm get manifest). */
export function manifestObjects(manifest: string): string[] {
  return (loadAll(manifest) as ({ kind?: string; metadata?: { name?: string } } | null)[])
    .filter((doc) => doc?.kind && doc.metadata?.name)
    .map((doc) => `${doc?.kind}/${doc?.metadata?.name}`);
}
