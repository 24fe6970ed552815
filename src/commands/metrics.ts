import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../core/kube/client.ts';
import { takeMetricsSnapshot } from '../core/metrics/fetch.ts';
import type { Frames, Listing } from '../output/result.ts';
import { type MetricsShown, present } from '../views/metrics.ts';

export interface MetricsOptions extends MetricsShown {
  /** One tenant by exact name; undefined means every tenant (`-A` says so explicitly). */
  tenant?: string;
  /** Re-measure every so many milliseconds until interrupted; undefined measures once. */
  watchIntervalMs?: number;
}

export interface MetricsDeps {
  kube(): Promise<KubeClient>;
  signal: AbortSignal;
}

/**
 * metrics.k8s.io cannot be watched, so --watch measures again every interval. A warning is said
 * once while it holds, and again only after it went away and came back.
 */
export async function* everyInterval(take: () => Promise<Listing>, intervalMs: number, signal: AbortSignal) {
  let said = new Set<string>();
  while (!signal.aborted) {
    const frame = await take();
    if (signal.aborted) return;
    const warnings = frame.warnings ?? [];
    yield { ...frame, warnings: warnings.filter((w) => !said.has(w)) };
    said = new Set(warnings);
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return;
    }
  }
}

export async function metrics(options: MetricsOptions, deps: MetricsDeps): Promise<Listing | Frames> {
  const client = await deps.kube();
  const take = async (): Promise<Listing> => {
    const snapshot = await takeMetricsSnapshot(client, { tenant: options.tenant, source: options.source });
    return present(snapshot, options);
  };
  if (options.watchIntervalMs === undefined) return take();
  return { type: 'frames', frames: everyInterval(take, options.watchIntervalMs, deps.signal) };
}
