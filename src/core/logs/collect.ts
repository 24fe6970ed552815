import type { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { LogLine } from './line.ts';
import { ResumePoint } from './resume.ts';
import { tailContainer, type TailOptions } from './tail.ts';
import type { Target } from './targets.ts';

export interface Collected {
  /** Per target, in the targets' order: the lines read. */
  lines: LogLine[][];
  /** Streams that could not be read, with why. */
  failures: { target: Target; error: MimtError }[];
  /** Streams that broke and were read again from where they stopped. */
  retries: { target: Target; error: MimtError }[];
}

/**
 * Reads every target's log to its end, at most `concurrency` at a time (the rest wait their turn),
 * keeping the lines that match `grep`.
 */
export async function collectLogs(
  client: KubeClient,
  targets: readonly Target[],
  read: Omit<TailOptions, 'follow'>,
  options: { concurrency: number; grep?: RegExp },
  signal: AbortSignal,
): Promise<Collected> {
  const collected: Collected = { lines: targets.map(() => []), failures: [], retries: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < targets.length && !signal.aborted; index = next++) {
      const target = targets[index] as Target;
      const lines = collected.lines[index] as LogLine[];
      try {
        await tailContainer(
          client,
          target,
          { ...read, follow: false },
          new ResumePoint(),
          {
            line(line) {
              if (!options.grep || options.grep.test(line.message)) lines.push(line);
              return undefined;
            },
            retrying: (error) => void collected.retries.push({ target, error }),
            stillRunning: () => false,
          },
          signal,
        );
      } catch (error) {
        collected.failures.push({ target, error: error as MimtError });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, targets.length) }, worker));
  return collected;
}
