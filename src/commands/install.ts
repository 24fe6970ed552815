import { Helm } from '../core/helm/cli.ts';
import { type InstallOutcome, type InstallRequest, installTenant } from '../core/install/install.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { findTenant, tenantInventory } from '../core/tenant/inventory.ts';
import type { Document } from '../output/result.ts';
import { API_VERSION, tenantDocument, viewTenants } from './tenant-view.ts';

export type InstallOptions = InstallRequest;

export interface InstallDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
  signal: AbortSignal;
}

function planText(outcome: InstallOutcome): string {
  const plan = outcome.plan;
  if (!plan) return '';
  const lines = [
    `tenant/${outcome.tenant} (dry run): nothing was changed; an install would`,
    `  create or adopt Namespace/${outcome.namespace}`,
    ...plan.policy.map((o) => `  apply ${o.kind}/${o.metadata.name}`),
    `  helm upgrade --install ${outcome.release} ${outcome.chart.name} ${outcome.chart.version}:`,
    ...plan.manifest.map((o) => `    ${o}`),
  ];
  return `${lines.join('\n')}\n`;
}

function planDocument(outcome: InstallOutcome): unknown {
  return {
    apiVersion: API_VERSION,
    kind: 'TenantPlan',
    metadata: { name: outcome.tenant },
    spec: { namespace: outcome.namespace, release: outcome.release, chart: outcome.chart },
    objects: [outcome.plan?.namespace, ...(outcome.plan?.policy ?? [])],
    manifest: outcome.plan?.manifest ?? [],
  };
}

export async function install(options: InstallOptions, deps: InstallDeps): Promise<Document> {
  const client = await deps.kube();
  const outcome = await installTenant(
    { client, helm: new Helm(client), progress: deps.progress, signal: deps.signal },
    options,
  );
  if (outcome.action === 'planned') {
    const document = planDocument(outcome);
    return { type: 'document', document, name: `tenant/${outcome.tenant}`, text: () => planText(outcome) };
  }
  const tenant = await findTenant(client, outcome.tenant, 'mimt');
  const [view] = viewTenants(await tenantInventory(client, tenant));
  const document = view ? tenantDocument(view) : { name: outcome.tenant };
  const revision = view?.release ? `, revision ${view.release.revision}` : '';
  return {
    type: 'document',
    document,
    name: `tenant/${outcome.tenant}`,
    text: () =>
      `tenant/${outcome.tenant} ${outcome.action} (${outcome.chart.name} ${outcome.chart.version}${revision}, profile ${options.settings.profile})\n`,
  };
}
