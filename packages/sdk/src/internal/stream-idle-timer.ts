// The idle timeout of a stream (ChatCompletionStream's `idleTimeout`), kept cheap on the hot path.

/**
 * Calls `onIdle` once a read has been pending for `timeout` ms. One timer is re-armed lazily
 * instead of one per read (timers cost more than the rest of a chunk's handling), and it lapses
 * while no read is pending, so a consumer that stops reading neither trips it nor keeps it alive.
 */
export class IdleTimer {
  #timeout: number;
  readonly #onIdle: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #readSince = -1;

  constructor(timeout: number, onIdle: () => void) {
    this.#timeout = timeout;
    this.#onIdle = onIdle;
  }

  /** Marks the start of a read; arms the timer if it lapsed. */
  readStarted(): void {
    this.#readSince = performance.now();
    if (this.#timer === undefined) this.#timer = setTimeout(this.#fire, this.#timeout);
  }

  /** Marks the end of a read: time between reads is the consumer's, not the server's. */
  readEnded(): void {
    this.#readSince = -1;
  }

  /** Lowers the timeout from the next read on (no read is pending when the stream calls it). */
  shorten(timeout: number): void {
    if (timeout >= this.#timeout) return;
    this.#timeout = timeout;
    this.stop();
  }

  /** Clears the timer (the stream settled, or the timeout changed). */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    if (this.#readSince < 0) return;
    const waited = performance.now() - this.#readSince;
    if (waited >= this.#timeout) this.#onIdle();
    else this.#timer = setTimeout(this.#fire, this.#timeout - waited);
  };
}
