import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MimtError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import type { LogLine } from './line.ts';
import { type Merged, mergeByTimestamp } from './merge.ts';
import { ResumePoint } from './resume.ts';
import { BufferedSource } from './source.ts';
import { Spool } from './spool.ts';
import { tailContainer, type TailOptions } from './tail.ts';
import type { Target } from './targets.ts';

/** Characters of messages held per open stream while the merge waits for the others. */
const HIGH_WATER = 64 * 1024;

export interface Reading {
  /** Every target's lines in time order, in batches; `source` is the index of the target. */
  batches: AsyncGenerator<Merged[]>;
  /** Streams that could not be read (to the end), with why; complete once `batches` has ended. */
  failures: { target: Target; error: MimtError }[];
  /** Streams that broke and were read again from where they stopped, as they happen. */
  retries: { target: Target; error: MimtError }[];
}

export interface ReadSettings {
  /** How many streams may be open at once. */
  concurrency: number;
  /** Only lines whose message matches. */
  grep?: RegExp;
}

/**
 * Reads every target's log to its end and merges the lines in time order, in bounded memory. When
 * all streams may be open at once, they are merged as they arrive, each holding about 64 KiB
 * of messages at most; otherwise each stream is read, `concurrency` at a time, into a temporary file,
 * and the files are merged once all are read (removed afterwards, also when the reading stops).
 */
export function readLogs(
  client: KubeClient,
  targets: readonly Target[],
  read: Omit<TailOptions, 'follow'>,
  settings: ReadSettings,
  signal: AbortSignal,
): Reading {
  const reading: Reading = { failures: [], retries: [], batches: undefined as never };
  const stop = new AbortController();
  const stopped = AbortSignal.any([signal, stop.signal]);
  const readInto = async (target: Target, take: (line: LogLine) => Promise<void> | undefined): Promise<void> => {
    try {
      await tailContainer(
        client,
        target,
        { ...read, follow: false },
        new ResumePoint(),
        {
          line: (line) => (!settings.grep || settings.grep.test(line.message) ? take(line) : undefined),
          retrying: (error) => void reading.retries.push({ target, error }),
          stillRunning: () => false,
        },
        stopped,
      );
    } catch (error) {
      reading.failures.push({ target, error: error as MimtError });
    }
  };

  reading.batches = (async function* () {
    if (targets.length <= settings.concurrency) {
      const sources = targets.map(() => new BufferedSource(HIGH_WATER));
      targets.forEach((target, i) => {
        const source = sources[i] as BufferedSource;
        void readInto(target, (line) => source.push(line)).finally(() => source.end());
      });
      try {
        yield* mergeByTimestamp(sources);
      } finally {
        // Stopped early (Ctrl-C, a closed pipe): readers waiting for room end too.
        stop.abort();
        for (const source of sources) source.end();
      }
      return;
    }
    const folder = await mkdtemp(path.join(tmpdir(), 'mimt-logs-'));
    const spools: Spool[] = [];
    try {
      await spoolAll(targets, settings.concurrency, folder, spools, readInto, stopped);
      if (stopped.aborted) return;
      yield* mergeByTimestamp(spools.map((spool) => spool.source()));
    } finally {
      stop.abort();
      await Promise.all(spools.map((spool) => spool.close()));
      await rm(folder, { recursive: true, force: true });
    }
  })();
  return reading;
}

/** Reads each target into a file of its own in `folder`, `concurrency` at a time. */
async function spoolAll(
  targets: readonly Target[],
  concurrency: number,
  folder: string,
  spools: Spool[],
  readInto: (target: Target, take: (line: LogLine) => Promise<void> | undefined) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < targets.length && !signal.aborted; i = next++) {
      const spool = new Spool(path.join(folder, String(i)));
      spools[i] = spool;
      await readInto(targets[i] as Target, (line) => spool.write(line));
      await spool.finish();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
}
