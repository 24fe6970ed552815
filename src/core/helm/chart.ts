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

export interface ReleaseMetadata extends ChartInfo {
  revision: number;
  status: string;
}

/** What helm knows of an installed release: its chart, version and revision (helm get metadata). */
export async function releaseMetadata(helm: Helm, release: string, namespace: string): Promise<ReleaseMetadata> {
  const { stdout } = await helm.run(['get', 'metadata', release, '--namespace', namespace, '--output', 'json']);
  const doc = JSON.parse(stdout) as Partial<{
    chart: string;
    version: string;
    appVersion: string;
    revision: number;
    status: string;
  }>;
  return {
    name: doc.chart ?? 'unknown',
    version: doc.version ?? 'unknown',
    appVersion: doc.appVersion,
    revision: doc.revision ?? 0,
    status: doc.status ?? 'unknown',
  };
}
