import type { LogLine } from './line.ts';
import type { LineSource } from './source.ts';

/** A line of the merged output and the index of the source it came from. */
export interface Merged {
  source: number;
  line: LogLine;
}

/** Lines are handed on in batches of at most this many, not one promise each. */
const BATCH = 1024;

/**
 * Merges sources of log lines into one in timestamp order, holding nothing but what the sources
 * buffer. Each source keeps its own order (a container that logged out of order is not
 * rearranged); lines with the same timestamp come in the order of the sources. A source with
 * nothing buffered is waited for before any later line is let out, since it may still bring an
 * earlier one.
 */
export async function* mergeByTimestamp(sources: readonly LineSource[]): AsyncGenerator<Merged[]> {
  // A binary heap of the sources by their next line: k sources of n lines in all merge in n·log k.
  const heap: number[] = [];
  const headOf = (i: number): LogLine => (sources[heap[i] as number] as LineSource).head() as LogLine;
  const before = (i: number, j: number): boolean => {
    const a = headOf(i).key;
    const b = headOf(j).key;
    return a < b || (a === b && (heap[i] as number) < (heap[j] as number));
  };
  const swap = (i: number, j: number): void => {
    const held = heap[i] as number;
    heap[i] = heap[j] as number;
    heap[j] = held;
  };
  const siftUp = (start: number): void => {
    for (let i = start; i > 0 && before(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  };
  const siftDown = (start: number): void => {
    for (let i = start; ;) {
      let first = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < heap.length && before(child, first)) first = child;
      if (first === i) return;
      swap(i, first);
      i = first;
    }
  };
  const ready = await Promise.all(sources.map((source) => source.more()));
  ready.forEach((has, index) => {
    if (!has) return;
    heap.push(index);
    siftUp(heap.length - 1);
  });
  let batch: Merged[] = [];
  while (heap.length > 0) {
    const index = heap[0] as number;
    const source = sources[index] as LineSource;
    batch.push({ source: index, line: source.head() as LogLine });
    source.shift();
    if (source.head() === undefined) {
      // Let out what is merged before waiting: the output need not stall behind a slow stream.
      yield batch;
      batch = [];
      if (!(await source.more())) {
        heap[0] = heap.at(-1) as number;
        heap.pop();
      }
    } else if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
    if (heap.length > 0) siftDown(0);
  }
  if (batch.length > 0) yield batch;
}
