import { EXIT } from '../core/errors.ts';
import { Helm } from '../core/helm/cli.ts';
import { type BulkRequest, type BulkRow, bulkUpgrade } from '../core/install/bulk.ts';
import { type KubePlusRequest, installKubePlusInstance } from '../core/install/kubeplus.ts';
import { type InstallOutcome, type InstallRequest, installTenant } from '../core/install/install.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { findTenant, tenantInventory } from '../core/tenant/inventory.ts';
import { type ColumnDef, type Document, type Listing, type Tone, listing } from '../output/result.ts';
import { API_VERSION, tenantDocument, viewTenants } from './tenant-view.ts';

export type InstallOptions =
  | { mode: 'one'; request: InstallRequest }
  | { mode: 'all'; bulk: BulkRequest }
  | { mode: 'kubeplus'; kubeplus: KubePlusRequest };

export interface InstallDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
  signal: AbortSignal;
  /** Tells the CLI that Ctrl-C is handled here: the install stops and undoes what it began. */
  undoesOnInterrupt?(): void;
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

const RESULT_TONE: Record<BulkRow['result'], Tone | undefined> = {
  upgraded: 'green',
  unchanged: undefined,
  planned: undefined,
  failed: 'red',
  skipped: 'yellow',
};

function bulkListing(rows: BulkRow[], bulk: BulkRequest): Listing {
  const columns: ColumnDef<BulkRow>[] = [
    { header: 'TENANT', value: (r) => r.tenant },
    { header: 'FROM', value: (r) => r.from },
    { header: 'TO', value: (r) => r.to },
    { header: 'RESULT', value: (r) => r.result, tone: (r) => RESULT_TONE[r.result] },
    { header: 'REASON', value: (r) => r.reason ?? '' },
  ];
  return {
    ...listing(rows, columns, {
      document: { apiVersion: API_VERSION, kind: 'TenantUpgradeList', items: rows },
      name: (r) => `tenant/${r.tenant}`,
      emptyMessage: `No tenants found on chart ${bulk.chart}${bulk.selector ? ` matching ${bulk.selector}` : ''}`,
    }),
    exitCode: rows.some((r) => r.result === 'failed') ? EXIT.failure : EXIT.ok,
  };
}

async function kubePlusResult(client: KubeClient, request: KubePlusRequest, deps: InstallDeps): Promise<Document> {
  const outcome = await installKubePlusInstance(client, request, deps.progress);
  const name = `tenant/${outcome.tenant}`;
  if (outcome.action === 'planned') {
    return {
      type: 'document',
      document: { apiVersion: API_VERSION, kind: 'TenantPlan', metadata: { name: outcome.tenant }, spec: outcome },
      name,
      text: () => `${name} (dry run): the API server accepts the ${outcome.kind} instance; nothing was changed\n`,
    };
  }
  const tenant = await findTenant(client, outcome.tenant, 'kubeplus');
  const [view] = viewTenants(await tenantInventory(client, tenant));
  return {
    type: 'document',
    document: view ? tenantDocument(view) : { name: outcome.tenant },
    name,
    text: () =>
      `${name} ${outcome.action} (KubePlus ${outcome.kind} in ${outcome.instanceNamespace}, release ${outcome.release} in namespace ${outcome.namespace ?? tenant.namespace})\n`,
  };
}

export async function install(options: InstallOptions, deps: InstallDeps): Promise<Document | Listing> {
  const client = await deps.kube();
  const core = { client, helm: new Helm(client), progress: deps.progress, signal: deps.signal };
  if (options.mode !== 'kubeplus') deps.undoesOnInterrupt?.();
  if (options.mode === 'all') return bulkListing(await bulkUpgrade(core, options.bulk), options.bulk);
  if (options.mode === 'kubeplus') return kubePlusResult(client, options.kubeplus, deps);
  const outcome = await installTenant(core, options.request);
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
      `tenant/${outcome.tenant} ${outcome.action} (${outcome.chart.name} ${outcome.chart.version}${revision}, profile ${options.request.settings.profile})\n`,
  };
}
