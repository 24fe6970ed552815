import type { ObjectMeta } from '../kube/objects.ts';

/** One pod as the API server's table describes it: READY, STATUS and RESTARTS as kubectl shows them. */
export interface PodRow {
  metadata: ObjectMeta;
  cells: Record<string, unknown>;
}

export interface PodSummary {
  ready: number;
  total: number;
  restarts: number;
  /** The most alarming STATUS among pods that are not ready, e.g. CrashLoopBackOff. */
  worstReason?: string;
  /** Some pods are not ready, but only for reasons that pass by themselves (creating, pending). */
  starting: boolean;
}

/** Reasons that do not fix themselves; the higher, the worse. */
const BAD_REASONS = [
  'Error',
  'Failed',
  'Evicted',
  'OOMKilled',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'ErrImagePull',
  'ImagePullBackOff',
  'CrashLoopBackOff',
];

function severity(reason: string): number {
  const bare = reason.replace(/^Init:/, '');
  return BAD_REASONS.indexOf(bare);
}

function readyCount(cell: unknown): [number, number] {
  const match = /^(\d+)\/(\d+)$/.exec(String(cell ?? ''));
  return match ? [Number(match[1]), Number(match[2])] : [0, 0];
}

/** A pod that has completed, or runs with every container ready. */
export function podReady(row: PodRow): boolean {
  const status = String(row.cells.Status ?? '');
  const [ready, containers] = readyCount(row.cells.Ready);
  return status === 'Completed' || (status === 'Running' && containers > 0 && ready === containers);
}

export function summarizePods(rows: readonly PodRow[]): PodSummary {
  const summary: PodSummary = { ready: 0, total: 0, restarts: 0, starting: false };
  let worst = -1;
  for (const row of rows) {
    const status = String(row.cells.Status ?? '');
    if (status === 'Completed') continue;
    summary.total += 1;
    summary.restarts += Number.parseInt(String(row.cells.Restarts ?? '0'), 10) || 0;
    if (podReady(row)) {
      summary.ready += 1;
      continue;
    }
    const rank = severity(status);
    if (rank > worst) {
      worst = rank;
      summary.worstReason = status;
    } else if (rank === -1) {
      summary.starting = true;
    }
  }
  return summary;
}
