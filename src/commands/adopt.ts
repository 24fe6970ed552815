import { Helm } from '../core/helm/cli.ts';
import { type AdoptOutcome, type AdoptRequest, adoptRelease } from '../core/install/adopt.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { type Document, textLines } from '../output/result.ts';
import { API_VERSION } from '../views/document.ts';

export type AdoptOptions = AdoptRequest;

export interface AdoptDeps {
  kube(): Promise<KubeClient>;
  progress(line: string): void;
}

/** What adopting writes, a line per label, annotation and policy object. */
function changes(outcome: AdoptOutcome): string[] {
  const { labels = {}, annotations = {} } = outcome.namespace.metadata;
  return [
    ...Object.entries(labels).map(([k, v]) => `  label ${k}=${v} on Namespace/${outcome.tenant}`),
    ...Object.entries(annotations).map(([k, v]) => `  annotation ${k}=${v} on Namespace/${outcome.tenant}`),
    ...outcome.policy.map((o) => `  apply ${o.kind}/${o.metadata.name}`),
  ];
}

export async function adopt(options: AdoptOptions, deps: AdoptDeps): Promise<Document> {
  const client = await deps.kube();
  const outcome = await adoptRelease({ client, helm: new Helm(client), progress: deps.progress }, options);
  const what = `release ${outcome.release} (${outcome.chart.name} ${outcome.chart.version}, revision ${outcome.chart.revision})`;
  const head =
    outcome.action === 'planned'
      ? `tenant/${outcome.tenant} (dry run): nothing was changed; adopting ${what} would write`
      : outcome.action === 'unchanged'
        ? `tenant/${outcome.tenant} unchanged: already a mimt tenant of ${what}; kubectl mimt policy apply changes its profile`
        : `tenant/${outcome.tenant} adopted: ${what}, profile ${options.settings.profile}; no new Helm revision`;
  return {
    type: 'document',
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantAdoption',
      metadata: { name: outcome.tenant },
      result: outcome.action,
      release: outcome.release,
      chart: outcome.chart,
      objects: [outcome.namespace, ...outcome.policy],
    },
    name: `tenant/${outcome.tenant}`,
    text: textLines([head, ...(outcome.action === 'planned' ? changes(outcome) : [])].join('\n')),
  };
}
