import type { LogLine } from './line.ts';

/**
 * One stream's lines as the merge takes them: the next line is looked at without waiting, and
 * only a stream that has nothing buffered is waited for.
 */
export interface LineSource {
  /** The next line, if one is buffered. */
  head(): LogLine | undefined;
  /** Drops the head. */
  shift(): void;
  /** Resolves true once a line is buffered, false when the stream has ended without one. */
  more(): Promise<boolean>;
}

/**
 * A source fed by a reader that runs on its own (a log stream): it holds about `highWater`
 * characters of messages at most, and tells the reader to wait when it has that many, so memory
 * stays bounded however long the log is, and however long its lines.
 */
export class BufferedSource implements LineSource {
  private lines: LogLine[] = [];
  private start = 0;
  private size = 0;
  private ended = false;
  private arrived: (() => void) | undefined;
  private drained: (() => void) | undefined;

  private readonly highWater: number;

  constructor(highWater: number) {
    this.highWater = highWater;
  }

  /** Adds a line; the promise, when there is one, resolves once the merge has taken half of them. */
  push(line: LogLine): Promise<void> | undefined {
    this.lines.push(line);
    this.size += line.message.length;
    this.wake();
    if (this.size < this.highWater) return undefined;
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  /** No more lines will come. */
  end(): void {
    this.ended = true;
    this.wake();
    this.drained?.();
  }

  head(): LogLine | undefined {
    return this.lines[this.start];
  }

  shift(): void {
    this.size -= (this.lines[this.start] as LogLine).message.length;
    this.start += 1;
    // Drop the taken lines in one go when half the array is taken, rather than shifting the array
    // each time: a taken line held on to keeps alive the whole piece of the response it came in.
    if (this.start >= 64 && this.start > this.lines.length - this.start) {
      this.lines = this.lines.slice(this.start);
      this.start = 0;
    }
    if (this.drained && this.size <= this.highWater / 2) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }

  async more(): Promise<boolean> {
    while (this.head() === undefined && !this.ended) {
      await new Promise<void>((resolve) => {
        this.arrived = resolve;
      });
    }
    return this.head() !== undefined;
  }

  private wake(): void {
    const resolve = this.arrived;
    this.arrived = undefined;
    resolve?.();
  }
}
