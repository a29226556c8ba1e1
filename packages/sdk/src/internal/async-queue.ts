// A queue between producers and one async-iterating consumer: push values, end it, or fail it.

/** A single-consumer async queue. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiter: (() => void) | undefined;
  #spaceWaiters: (() => void)[] = [];
  #ended = false;
  #error: { error: unknown } | undefined;

  /** Items waiting for the consumer. */
  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
    this.#wake();
  }

  /** No more items; producers waiting for space stop waiting. */
  end(): void {
    this.#ended = true;
    this.#wake();
    this.#releaseSpace();
  }

  fail(error: unknown): void {
    this.#error = { error };
    this.#wake();
  }

  /** Resolves once fewer than `limit` items wait (backpressure for producers). */
  async below(limit: number): Promise<void> {
    while (this.#items.length >= limit && !this.#ended) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#releaseSpace();
        yield item;
        continue;
      }
      if (this.#error !== undefined) throw this.#error.error;
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  #releaseSpace(): void {
    const waiters = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
