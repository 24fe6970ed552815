import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apply, helm, kubectl } from './cluster.ts';
import { ROOT } from './run.ts';

export const EXAMPLE_CHART = path.join(ROOT, 'examples', 'charts', 'webapp');

/** A namespace marked as a mimt tenant by the contract's labels and annotations. */
export function tenantNamespace(name: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'mimt.io/tenant': name, 'app.kubernetes.io/managed-by': 'kubectl-mimt', ...labels },
      annotations: {
        'mimt.io/chart': EXAMPLE_CHART,
        'mimt.io/chart-version': '0.1.0',
        'mimt.io/release': name,
        'mimt.io/profile': 'none',
      },
    },
  });
}

/** A tenant set up the way the contract describes, with helm and kubectl directly. */
export async function helmTenant(name: string, options: { labels?: Record<string, string>; set?: string[] } = {}) {
  await apply(tenantNamespace(name, options.labels));
  const sets = (options.set ?? []).flatMap((s) => ['--set', s]);
  await helm(['upgrade', '--install', name, EXAMPLE_CHART, '-n', name, '--wait', '--timeout', '2m', ...sets]);
}

export async function deleteNamespaces(names: string[]): Promise<void> {
  for (const name of names) await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
}

/** Test charts shaped like public ones (test/fixtures/charts): pods without securityContext and more. */
export const SHOP_CHART = path.join(ROOT, 'test', 'fixtures', 'charts', 'shop');
export const OPERATOR_CHART = path.join(ROOT, 'test', 'fixtures', 'charts', 'operator');

/**
 * A copy of a chart under a name and version of its own, so that `install --all` on that name
 * touches one test's tenants only.
 */
export function chartCopy(from: string, name: string, version: string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-chart-')), name);
  cpSync(from, dir, { recursive: true });
  const file = path.join(dir, 'Chart.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace(/^name: .*$/m, `name: ${name}`)
      .replace(/^version: .*$/m, `version: ${version}`),
  );
  return dir;
}
