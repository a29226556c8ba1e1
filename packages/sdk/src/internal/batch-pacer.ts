// The pacing of a batch in one place: the adaptive in-flight limit, the requests- and
// tokens-per-minute windows, and the pause every request honours after a 429.
import { type RetryPolicy, retryDelay, retryHintMs } from "../retry.js";
import { AdaptiveConcurrency } from "./adaptive-concurrency.js";
import { PauseGate } from "./pause-gate.js";
import { RateWindow, type WindowEntry } from "./rate-window.js";

/** What the pacer needs: limits, the retry policy's waits, and the time seams. */
export interface PacerOptions {
  concurrency: number;
  rpm: number | undefined;
  tpm: number | undefined;
  policy: RetryPolicy;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

/** Paces the attempts of a batch. */
export class BatchPacer {
  readonly #options: PacerOptions;
  readonly #concurrency: AdaptiveConcurrency;
  readonly #gate = new PauseGate();
  readonly #rpm: RateWindow | undefined;
  readonly #tpm: RateWindow | undefined;

  constructor(options: PacerOptions) {
    this.#options = options;
    this.#concurrency = new AdaptiveConcurrency(options.concurrency);
    this.#rpm = options.rpm === undefined ? undefined : new RateWindow(options.rpm, { spread: true });
    this.#tpm = options.tpm === undefined ? undefined : new RateWindow(options.tpm);
  }

  /** Lines allowed in flight now (adaptive). */
  get limit(): number {
    return this.#concurrency.current;
  }

  /** The configured ceiling of lines in flight. */
  get ceiling(): number {
    return this.#concurrency.ceiling;
  }

  /** Ms left of the shared pause. */
  pausedMs(): number {
    return this.#gate.remaining(this.#options.now());
  }

  /**
   * Waits until the shared pause is over and both windows have room, then logs the attempt (its
   * token entry is returned for correction). Check and log happen with no await between them, so
   * concurrent lines cannot both take the last place in a window.
   */
  async admit(tokens: number, signal: AbortSignal): Promise<WindowEntry | undefined> {
    for (;;) {
      const now = this.#options.now();
      const wait = Math.max(
        this.#gate.remaining(now),
        this.#rpm?.waitMs(now, 1) ?? 0,
        this.#tpm?.waitMs(now, tokens) ?? 0,
      );
      if (wait <= 0) {
        this.#rpm?.add(now, 1);
        return this.#tpm?.add(now, tokens);
      }
      await this.#options.sleep(wait, signal);
    }
  }

  /**
   * A 429: pause every line for the wait it asks (`retry-after-ms`, `Retry-After`,
   * `X-RateLimit-Reset`, as retry.ts reads them; the backoff without one) and halve the limit.
   * Returns the asked wait when it is longer than the policy honours: the caller stops instead.
   */
  rateLimited(headers: Headers | undefined, retries: number): { tooLongMs: number } | undefined {
    const { now, random, policy } = this.#options;
    const at = now();
    const hint = headers === undefined ? undefined : retryHintMs(headers, at);
    if (hint !== undefined && hint > policy.maxHintMs) return { tooLongMs: hint };
    const wait = hint ?? retryDelay(retries, undefined, { now, random }, policy);
    this.#gate.pause(at, wait);
    this.#concurrency.rateLimited(at, Math.max(wait, 1000));
    return undefined;
  }

  /** A success: may raise the limit back toward the ceiling. */
  succeeded(): void {
    this.#concurrency.succeeded();
  }
}
