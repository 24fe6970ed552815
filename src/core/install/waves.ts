import type { TenantStatus } from '../tenant/status.ts';

/**
 * The waves of a rollout: the canary tenants first (when asked for), then one wave per
 * `maxParallel` tenants. A wave runs at most `maxParallel` at once, so a canary larger than that
 * runs in several batches but is soaked as one.
 */
export function planWaves<T>(targets: readonly T[], canary: number, maxParallel: number): T[][] {
  const waves: T[][] = [];
  const first = Math.min(canary, targets.length);
  if (first > 0) waves.push(targets.slice(0, first));
  for (let start = first; start < targets.length; start += maxParallel)
    waves.push(targets.slice(start, start + maxParallel));
  return waves;
}

/** Why the rollout stops after a wave, or undefined to go on: `maxFailures` failed tenants end it. */
export function stopReason(failed: readonly string[], maxFailures: number): string | undefined {
  if (failed.length === 0 || failed.length < maxFailures) return undefined;
  const who = failed.length === 1 ? `${failed[0]} failed` : `${failed.length} tenants failed (${failed.join(', ')})`;
  return `${who}, --max-failures is ${maxFailures}`;
}

export type SoakVerdict = 'healthy' | 'waiting' | 'unhealthy';

/**
 * One soak poll of one tenant. Ready holds (Suspended too: upgraded while suspended, no pod is
 * meant to run). Progressing is the rollout of its new pods, allowed until the tenant has been
 * seen Ready once and never at the last poll. Anything else (Degraded, Failed, Unknown, …) fails it.
 */
export function soakVerdict(status: TenantStatus, seenReady: boolean, lastPoll: boolean): SoakVerdict {
  if (status.phase === 'Ready' || status.phase === 'Suspended') return 'healthy';
  if (status.phase === 'Progressing' && !seenReady && !lastPoll) return 'waiting';
  return 'unhealthy';
}

/** When to poll during a soak: four times, the last at its end, never closer than a second apart. */
export function soakPolls(soakMs: number): number[] {
  const polls = Math.max(1, Math.min(4, Math.floor(soakMs / 1000)));
  return Array.from({ length: polls }, (_, i) => Math.round((soakMs * (i + 1)) / polls));
}
