/**
 * Carries items from many producers (one per log stream) to one consumer (the output), which takes
 * whatever has gathered at once. Producers that outrun the consumer are told to wait, so a slow
 * terminal does not make memory grow.
 */
export class EventQueue<T> implements AsyncIterable<T[]> {
  private items: T[] = [];
  private readonly highWater: number;
  private wake: (() => void) | undefined;
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  private error: unknown;

  constructor(highWater = 10_000) {
    this.highWater = highWater;
  }

  /** Adds an item; the promise, when there is one, resolves once the consumer has caught up. */
  push(item: T): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.items.push(item);
    this.wake?.();
    if (this.items.length < this.highWater) return undefined;
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Ends the iteration after the items already queued; with an error, the consumer then throws it. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.wake?.();
    this.release();
  }

  private release(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T[]> {
    for (;;) {
      if (this.items.length > 0) {
        const batch = this.items;
        this.items = [];
        this.release();
        yield batch;
        continue;
      }
      if (this.closed) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
