import type { LogLine } from './line.ts';

/**
 * Where a container's log was read up to, so that a stream opened again (`sinceTime`) continues
 * without repeating lines. The API server answers from the start of the second of `sinceTime` (it
 * drops the fraction), so the lines before the last one seen come again, and several lines can
 * share the last timestamp: it keeps how many lines it saw at that timestamp and skips as many.
 */
export class ResumePoint {
  private lastTimestamp = '';
  private lastKey = '';
  private seenAtLast = 0;
  /** Set while a reopened stream repeats what was already seen. */
  private replay: { skip: number } | undefined;

  /** The `sinceTime` to reopen with, or undefined when no line has been seen. */
  get sinceTime(): string | undefined {
    return this.lastTimestamp === '' ? undefined : this.lastTimestamp;
  }

  /** Call when a stream is opened again from `sinceTime`. */
  reopened(): void {
    this.replay = this.lastKey === '' ? undefined : { skip: this.seenAtLast };
  }

  /** Whether the line is new; every line the stream delivers goes through here, in order. */
  accept(line: LogLine): boolean {
    if (this.replay) {
      if (line.key < this.lastKey) return false;
      if (line.key === this.lastKey && this.replay.skip > 0) {
        this.replay.skip -= 1;
        return false;
      }
      this.replay = undefined;
    }
    if (line.key > this.lastKey) {
      this.lastKey = line.key;
      this.lastTimestamp = line.timestamp;
      this.seenAtLast = 1;
    } else if (line.key === this.lastKey) {
      this.seenAtLast += 1;
    }
    return true;
  }
}
