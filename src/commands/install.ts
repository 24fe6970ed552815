import { EXIT } from '../core/errors.ts';
import { Helm } from '../core/helm/cli.ts';
import { type BulkRequest, bulkPlan, bulkUpgrade } from '../core/install/bulk.ts';
import { inspectChart } from '../core/helm/chart.ts';
import { planTenant } from '../core/install/plan.ts';
import { type KubePlusRequest, installKubePlusInstance } from '../core/install/kubeplus.ts';
import { type InstallRequest, installTenant } from '../core/install/install.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { findTenant, tenantInventory } from '../core/tenant/inventory.ts';
import { type Document, type Listing, textLines } from '../output/result.ts';
import { API_VERSION } from '../views/document.ts';
import { bulkListing, planDocument, planText, upgradePlanResult } from '../views/install.ts';
import { tenantDocument, viewTenants } from '../views/tenant.ts';

export type InstallOptions =
  /** `document`: the tenant as installed is printed (json, yaml), so it is read back afterwards. */
  | { mode: 'one'; request: InstallRequest; plan: boolean; document: boolean }
  | { mode: 'all'; bulk: BulkRequest; maxParallelClusters: number; plan: boolean }
  | { mode: 'kubeplus'; kubeplus: KubePlusRequest };

export interface InstallDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
  signal: AbortSignal;
  /** Tells the CLI that Ctrl-C is handled here: the install stops and undoes what it began. */
  undoesOnInterrupt?(): void;
}

/** KubePlus's webhook deploys even on a server-side dry run, so a dry run is checked here alone. */
const PLANS = {
  create: (kind: string) => `the spec fits Kind ${kind} and KubePlus's name rules; KubePlus would install it`,
  update: (kind: string) => `the spec fits Kind ${kind}; KubePlus would upgrade the release with it`,
  nothing: (kind: string) => `the ${kind} instance already runs this spec; nothing to do`,
};

async function kubePlusResult(client: KubeClient, request: KubePlusRequest, deps: InstallDeps): Promise<Document> {
  const outcome = await installKubePlusInstance(client, request, deps.progress);
  const name = `tenant/${outcome.tenant}`;
  if (outcome.action === 'planned') {
    return {
      type: 'document',
      document: { apiVersion: API_VERSION, kind: 'TenantPlan', metadata: { name: outcome.tenant }, spec: outcome },
      name,
      text: textLines(`${name} (dry run): ${PLANS[outcome.plan ?? 'create'](outcome.kind)}; nothing was sent`),
    };
  }
  const tenant = await findTenant(client, outcome.tenant, 'kubeplus');
  const [view] = viewTenants(await tenantInventory(client, tenant));
  return {
    type: 'document',
    document: view ? tenantDocument(view) : { name: outcome.tenant },
    name,
    text: textLines(
      `${name} ${outcome.action} (KubePlus ${outcome.kind} in ${outcome.instanceNamespace}, release ${outcome.release} in namespace ${outcome.namespace ?? tenant.namespace})`,
    ),
  };
}

export async function install(options: InstallOptions, deps: InstallDeps): Promise<Document | Listing> {
  const client = await deps.kube();
  // install --all lets the upgrades in flight finish on Ctrl-C: the terminal's SIGINT must not reach helm.
  const helm = new Helm(client, 'helm', { ownProcessGroup: options.mode === 'all' });
  const core = { client, helm, progress: deps.progress, signal: deps.signal };
  if (options.mode === 'all' && options.plan) return upgradePlanResult(await bulkPlan(core, options.bulk), true);
  if (options.mode === 'one' && options.plan) {
    const { request } = options;
    return upgradePlanResult(
      [await planTenant(core, request, await inspectChart(helm, request.chart, request.version))],
      false,
    );
  }
  if (options.mode !== 'kubeplus') deps.undoesOnInterrupt?.();
  if (options.mode === 'all') return bulkListing(await bulkUpgrade(core, options.bulk), options.bulk);
  if (options.mode === 'kubeplus') return kubePlusResult(client, options.kubeplus, deps);
  const outcome = await installTenant(core, options.request);
  if (outcome.action === 'planned') {
    const document = planDocument(outcome);
    return {
      type: 'document',
      document,
      name: `tenant/${outcome.tenant}`,
      text: textLines(planText(outcome)),
      // The install would be refused: a script running the dry run as a check sees it by the exit code.
      ...(outcome.plan?.refusals.length ? { exitCode: EXIT.failure } : {}),
    };
  }
  // Read back only to be printed whole (json, yaml): the line printed otherwise has all it needs.
  const [view] = options.document
    ? viewTenants(await tenantInventory(client, await findTenant(client, outcome.tenant, 'mimt')))
    : [];
  const document = view ? tenantDocument(view) : { name: outcome.tenant };
  const known = outcome.revision ?? view?.release?.revision;
  const revision = known === undefined ? '' : `, revision ${known}`;
  return {
    type: 'document',
    document,
    name: `tenant/${outcome.tenant}`,
    text: textLines(
      `tenant/${outcome.tenant} ${outcome.action}${outcome.suspendedAt && outcome.action !== 'unchanged' ? ' while suspended' : ''} (${outcome.chart.name} ${outcome.chart.version}${revision}, profile ${options.request.settings.profile}${outcome.suspendedAt ? `, suspended since ${outcome.suspendedAt}: kubectl mimt resume ${outcome.tenant} starts it` : ''})`,
    ),
  };
}
