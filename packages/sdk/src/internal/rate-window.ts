// A sliding-window limiter for requests or tokens per minute. Every admission is logged with its
// weight; a new one is admitted only when the weights inside the last `windowMs` plus its own stay
// within the limit, so no window of that length ever holds more (a hard cap, not an average).
// Optionally admissions are also spaced `windowMs / limit` apart, so a minute's allowance is spread
// over the minute instead of sent in one burst.

/** One admission; its weight may be corrected later (estimated tokens → actual usage). */
export interface WindowEntry {
  at: number;
  weight: number;
}

/** A limit of `limit` weight per `windowMs`. */
export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #spacingMs: number;
  readonly #entries: WindowEntry[] = [];
  #head = 0;

  constructor(limit: number, options: { windowMs?: number; spread?: boolean } = {}) {
    this.#limit = limit;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#spacingMs = options.spread === true ? this.#windowMs / limit : 0;
  }

  /** Milliseconds until `weight` more fits at `now` (0: it fits now). A weight above the limit fits an empty window. */
  waitMs(now: number, weight: number): number {
    this.#prune(now);
    const last = this.#entries[this.#entries.length - 1];
    const spacing = last === undefined ? 0 : Math.max(0, last.at + this.#spacingMs - now);
    let total = weight;
    for (let index = this.#head; index < this.#entries.length; index++) {
      total += (this.#entries[index] as WindowEntry).weight;
    }
    // Drop the oldest entries, one by one, until the rest plus this one fits: the wait is until the
    // last dropped one leaves the window.
    let index = this.#head;
    while (total > this.#limit && index < this.#entries.length) {
      const entry = this.#entries[index] as WindowEntry;
      total -= entry.weight;
      index++;
      if (total <= this.#limit || index === this.#entries.length) {
        return Math.max(spacing, entry.at + this.#windowMs - now);
      }
    }
    return spacing;
  }

  /** Logs an admission at `now`; keep the entry to correct its weight later. */
  add(now: number, weight: number): WindowEntry {
    const entry = { at: now, weight };
    this.#entries.push(entry);
    return entry;
  }

  #prune(now: number): void {
    while (
      this.#head < this.#entries.length &&
      (this.#entries[this.#head] as WindowEntry).at + this.#windowMs <= now
    ) {
      this.#head++;
    }
    // Compact now and then, so the log does not grow with the run.
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
