// One attempt's abort wiring: the caller's signal and the timeout both abort the attempt's own
// controller, and a failure is classified by which of them fired first.
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, GlooError } from "../errors.js";

/** An AbortController for one attempt, aborted by the caller's signal or by the timeout. */
export class Attempt {
  readonly controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timedOut = false;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: (() => void) | undefined;
  readonly #timeoutMs: number;

  constructor(signal: AbortSignal | undefined, timeoutMs: number) {
    this.#signal = signal;
    this.#timeoutMs = timeoutMs;
    if (signal) {
      this.#onAbort = () => this.controller.abort(signal.reason);
      signal.addEventListener("abort", this.#onAbort, { once: true });
      if (signal.aborted) this.controller.abort(signal.reason);
    }
    if (Number.isFinite(timeoutMs)) {
      this.#timer = setTimeout(() => {
        this.#timedOut = true;
        this.controller.abort(
          new APIConnectionTimeoutError({ message: `Request timed out after ${timeoutMs} ms.` }),
        );
      }, timeoutMs);
    }
  }

  /** Stops the timeout; the caller's signal still aborts the controller (an open stream needs that). */
  clearTimeout(): void {
    clearTimeout(this.#timer);
  }

  /** Stops the timeout and unlinks the caller's signal. */
  dispose(): void {
    clearTimeout(this.#timer);
    if (this.#onAbort) this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  /**
   * The error for a wait (for the access token) that failed: the timeout or the caller's abort
   * if one of them ended it, else what the awaited work itself failed with.
   */
  classifyWait(error: unknown, what: string): unknown {
    if (this.#timedOut)
      return new APIConnectionTimeoutError({
        message: `Request timed out after ${this.#timeoutMs} ms while waiting for ${what}.`,
        cause: error,
      });
    if (this.#signal?.aborted) return new APIUserAbortError({ cause: this.#signal.reason });
    return error;
  }

  /** Turns whatever fetch or a body read threw into the SDK's error for it. */
  classify(error: unknown, what: string): GlooError {
    if (error instanceof GlooError) return error;
    if (this.#signal?.aborted) return new APIUserAbortError({ cause: error });
    if (this.#timedOut) return new APIConnectionTimeoutError({ message: `${what} timed out.`, cause: error });
    return new APIConnectionError({ message: `${what} failed: ${describeCause(error)}.`, cause: error });
  }
}

function describeCause(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}
