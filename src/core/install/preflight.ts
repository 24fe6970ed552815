import { setTimeout as sleep } from 'node:timers/promises';
import { MimtError } from '../errors.ts';
import { manifestDocuments } from '../helm/manifest.ts';
import type { KubeClient } from '../kube/client.ts';
import { collectionPath } from '../kube/resources.ts';
import { refusalText, refusingPolicy } from '../tenant/workloads.ts';

/** A pod template of a rendered chart, and the object that carries it. */
export interface PodTemplate {
  object: string;
  template: { metadata?: Record<string, unknown>; spec?: Record<string, unknown> };
}

/** The pod templates in a rendered manifest (helm template, hooks included), whatever controller holds them. */
export function podTemplates(manifest: string): PodTemplate[] {
  return manifestDocuments(manifest, 'the rendered chart').flatMap((doc): PodTemplate[] => {
    const object = `${doc.kind} ${doc.metadata.name}`;
    const spec = doc.spec ?? {};
    if (doc.kind === 'Pod') return [{ object, template: { metadata: {}, spec } }];
    if (doc.kind === 'CronJob') {
      const job = (spec.jobTemplate as { spec?: { template?: PodTemplate['template'] } } | undefined)?.spec;
      return job?.template ? [{ object, template: job.template }] : [];
    }
    const template = spec.template as PodTemplate['template'] | undefined;
    if (!template?.spec || !Array.isArray(template.spec.containers)) return [];
    // A StatefulSet's claims become volumes of its pods; an emptyDir stands in, admitted by every level.
    const claims = ((spec.volumeClaimTemplates ?? []) as { metadata?: { name?: string } }[]).flatMap((c) =>
      c.metadata?.name ? [{ name: c.metadata.name, emptyDir: {} }] : [],
    );
    if (!claims.length) return [{ object, template }];
    const volumes = [...((template.spec.volumes ?? []) as unknown[]), ...claims];
    return [{ object, template: { ...template, spec: { ...template.spec, volumes } } }];
  });
}

/**
 * Asks the API server whether it would admit each pod template in `namespace`, by a server-side
 * dry-run create of a pod: its own Pod Security admission, quota and LimitRange, not a copy of
 * their rules. Returns one line per refused template; nothing is stored.
 */
export async function podRefusals(
  client: KubeClient,
  namespace: string,
  templates: readonly PodTemplate[],
  /** A quota whose refusal is no verdict on the chart (a suspended tenant's zero-pod guard). */
  ignoredQuota?: string,
): Promise<string[]> {
  const refusals = await Promise.all(
    templates.map(async ({ object, template }) => {
      const { serviceAccountName: _account, ...spec } = template.spec ?? {};
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { generateName: 'mimt-preflight-', namespace, labels: template.metadata?.labels ?? {} },
        // The chart's ServiceAccount does not exist yet; the namespace's default one stands in.
        spec,
      };
      for (let attempt = 0; ; attempt += 1) {
        try {
          await client.request({
            method: 'POST',
            path: collectionPath('Pod', namespace),
            query: { dryRun: 'All' },
            body: pod,
          });
          return undefined;
        } catch (error) {
          if (!(error instanceof MimtError)) throw error;
          // A new namespace gets its default ServiceAccount a moment after it is made.
          if (/service account|serviceaccount/i.test(error.message) && attempt < 10) {
            await sleep(300);
            continue;
          }
          const ignored = ignoredQuota !== undefined && error.message.includes(`exceeded quota: ${ignoredQuota}`);
          return refusingPolicy(error.message) !== undefined && !ignored
            ? `pods of ${object} would be ${refusalText(error.message)}`
            : undefined;
        }
      }
    }),
  );
  return refusals.filter((r): r is string => r !== undefined);
}
