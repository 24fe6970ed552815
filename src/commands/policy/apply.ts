import type { Drift } from '../../core/policy/diff.ts';
import type { SettingsLayer } from '../../core/policy/settings.ts';
import { applyPlan, planPolicy, policyTarget } from '../../core/policy/tenant.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import { type Document, textLines } from '../../output/result.ts';
import { API_VERSION } from '../../views/document.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyApplyOptions {
  tenant: string;
  source?: TenantSource;
  /** Settings given on the command line or in --from-file; the rest come from the namespace's record. */
  settings: SettingsLayer;
  dryRun: boolean;
}

const ACTION: Record<Drift, string> = { missing: 'created', changed: 'configured', unexpected: 'deleted' };

export async function apply(options: PolicyApplyOptions, deps: PolicyDeps): Promise<Document> {
  const client = await deps.kube();
  const target = await policyTarget(client, options.tenant, options.source);
  const plan = await planPolicy(client, target, options.settings);
  await applyPlan(client, plan, options.dryRun);
  const drift = new Map(plan.diffs.map((d) => [d.object, d.drift]));
  const objects = [
    `Namespace/${target.tenant.namespace}`,
    ...plan.desired.map((o) => `${o.kind}/${o.metadata.name}`),
    ...plan.diffs.filter((d) => d.drift === 'unexpected').map((d) => d.object),
  ];
  const changes = objects.map((object) => {
    const found = drift.get(object);
    return { object, action: found ? ACTION[found] : 'unchanged' };
  });
  const dry = options.dryRun ? ' (dry run: nothing was changed)' : '';
  return {
    type: 'document',
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantPolicyChange',
      metadata: { name: target.tenant.name },
      spec: { namespace: target.tenant.namespace, dryRun: options.dryRun, settings: plan.settings },
      changes,
    },
    name: `tenant/${target.tenant.name}`,
    warnings: target.warnings,
    text: textLines(
      [
        `tenant/${target.tenant.name} policy ${plan.settings.profile} applied${dry}`,
        ...changes.map((c) => `  ${c.object} ${c.action}`),
      ].join('\n'),
    ),
  };
}
