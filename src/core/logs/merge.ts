import type { LogLine } from './line.ts';

interface Cursor<L> {
  stream: number;
  index: number;
  line: L;
}

/**
 * Merges streams of log lines into one in timestamp order. Each stream keeps its own order (a
 * container that logged out of order is not rearranged); lines with the same timestamp come in
 * the order of the streams.
 */
export function* mergeByTimestamp<L extends LogLine>(streams: readonly (readonly L[])[]): Generator<L> {
  // A binary heap of each stream's next line: k streams of n lines in all merge in n·log k.
  const heap: Cursor<L>[] = [];
  const at = (i: number): Cursor<L> => heap[i] as Cursor<L>;
  const before = (i: number, j: number): boolean => {
    const a = at(i);
    const b = at(j);
    return a.line.key < b.line.key || (a.line.key === b.line.key && a.stream < b.stream);
  };
  const swap = (i: number, j: number): void => {
    const held = at(i);
    heap[i] = at(j);
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
  streams.forEach((lines, stream) => {
    if (lines.length === 0) return;
    heap.push({ stream, index: 0, line: lines[0] as L });
    siftUp(heap.length - 1);
  });
  while (heap.length > 0) {
    const top = at(0);
    yield top.line;
    const lines = streams[top.stream] as readonly L[];
    if (top.index + 1 < lines.length) {
      heap[0] = { stream: top.stream, index: top.index + 1, line: lines[top.index + 1] as L };
    } else {
      heap[0] = at(heap.length - 1);
      heap.pop();
    }
    if (heap.length > 0) siftDown(0);
  }
}
