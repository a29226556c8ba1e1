// One pause shared by every request of a run: when the platform answers 429 with a wait
// (`Retry-After`, `retry-after-ms`, `X-RateLimit-Reset`), the rate limit is the API key's, so every
// request holds back until then, not just the one that was told.

/** The time until which no request may be sent. */
export class PauseGate {
  #until = 0;

  /** Epoch ms until which sending is paused (0 or past: not paused). */
  get until(): number {
    return this.#until;
  }

  /** Pauses until `now + ms`, or keeps a later pause already set. */
  pause(now: number, ms: number): void {
    this.#until = Math.max(this.#until, now + ms);
  }

  /** Milliseconds left at `now`. */
  remaining(now: number): number {
    return Math.max(0, this.#until - now);
  }
}
