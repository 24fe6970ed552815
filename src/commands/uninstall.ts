import { Helm } from '../core/helm/cli.ts';
import { planUninstall, uninstallTenant } from '../core/install/uninstall.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { type Document, textLines } from '../output/result.ts';
import { API_VERSION } from '../views/document.ts';

export interface UninstallOptions {
  tenant: string;
  keepNamespace: boolean;
  yes: boolean;
  dryRun: boolean;
  timeoutMs: number;
}

export interface UninstallDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
  confirm(question: string, flag: string): Promise<boolean>;
}

export async function uninstall(options: UninstallOptions, deps: UninstallDeps): Promise<Document> {
  const client = await deps.kube();
  const plan = await planUninstall(client, options.tenant, options.keepNamespace);
  const removes = [
    ...(plan.releaseExists ? [`Helm release ${plan.release}`] : []),
    ...(plan.deleteNamespace ? [`namespace ${plan.namespace} and everything in it`] : []),
  ];
  const document = {
    apiVersion: API_VERSION,
    kind: 'TenantUninstall',
    metadata: { name: plan.tenant },
    removes,
    dryRun: options.dryRun,
  };
  const done = (verb: string): Document => ({
    type: 'document',
    document,
    name: `tenant/${plan.tenant}`,
    text: textLines(`tenant/${plan.tenant} ${verb}${removes.length ? `: ${removes.join(', ')}` : ''}`),
  });
  if (options.dryRun) return done('would be uninstalled (dry run)');
  if (
    !options.yes &&
    !(await deps.confirm(`Uninstall tenant ${plan.tenant}, removing ${removes.join(' and ')}?`, '--yes'))
  ) {
    return { ...done('kept: nothing was changed'), exitCode: 1 };
  }
  await uninstallTenant({ client, helm: new Helm(client), progress: deps.progress }, plan, options.timeoutMs);
  return done('uninstalled');
}
