// Adaptive concurrency, additive increase / multiplicative decrease (the scheme promptfoo documents
// for its scheduler: halve on a rate limit, +1 after sustained success): a 429 halves the number of
// requests allowed in flight, and each run of `current` successes in a row adds one back, up to the
// ceiling. 429s that arrive together (the requests that were in flight when the limit hit) count once.

/** The in-flight limit, between 1 and `ceiling`. */
export class AdaptiveConcurrency {
  readonly ceiling: number;
  #current: number;
  #successes = 0;
  #quietUntil = 0;

  constructor(ceiling: number) {
    this.ceiling = ceiling;
    this.#current = ceiling;
  }

  /** Requests allowed in flight now. */
  get current(): number {
    return this.#current;
  }

  /** A 429: halve, unless another 429 already did within `windowMs` (the same overload). */
  rateLimited(now: number, windowMs: number): void {
    this.#successes = 0;
    if (now < this.#quietUntil) return;
    this.#current = Math.max(1, Math.floor(this.#current / 2));
    this.#quietUntil = now + windowMs;
  }

  /** A success: after `current` in a row, allow one more. */
  succeeded(): void {
    if (this.#current >= this.ceiling) return;
    this.#successes++;
    if (this.#successes >= this.#current) {
      this.#current++;
      this.#successes = 0;
    }
  }
}
