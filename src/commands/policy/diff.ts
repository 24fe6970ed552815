import { EXIT } from '../../core/errors.ts';
import { unifiedDiff } from '../../core/policy/diff.ts';
import type { SettingsLayer } from '../../core/policy/settings.ts';
import { planPolicy, policyTarget } from '../../core/policy/tenant.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import type { Document, Tone } from '../../output/result.ts';
import { API_VERSION } from '../../views/document.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyDiffOptions {
  tenant: string;
  source?: TenantSource;
  /** Settings to compare against instead of the recorded ones, as apply would take them. */
  settings: SettingsLayer;
}

function tone(line: string): Tone | undefined {
  if (line.startsWith('@@')) return 'dim';
  if (line.startsWith('+')) return 'green';
  if (line.startsWith('-')) return 'red';
  return undefined;
}

/** Live against desired, as `diff -u` shows it; exit 1 when they differ, as kubectl diff does. */
export async function diff(options: PolicyDiffOptions, deps: PolicyDeps): Promise<Document> {
  const client = await deps.kube();
  const target = await policyTarget(client, options.tenant, options.source);
  const plan = await planPolicy(client, target, options.settings);
  const text = plan.diffs.map((d) => unifiedDiff(d)).flat();
  return {
    type: 'document',
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantPolicyDiff',
      metadata: { name: target.tenant.name },
      items: plan.diffs,
    },
    name: `tenant/${target.tenant.name}`,
    warnings: target.warnings,
    exitCode: plan.diffs.length ? EXIT.failure : EXIT.ok,
    text: text.map((line) => ({ text: line, tone: tone(line) })),
  };
}
