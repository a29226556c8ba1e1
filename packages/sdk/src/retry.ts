// The retry policy, pure and in one place. Numbers follow openai-node: 2 retries,
// exponential backoff from 0.5 s to 8 s with up to 25 % jitter, server hints honoured up to 60 s.
import { APIConnectionError, APIError, StreamInterruptedError } from "./errors.js";

/** Tunables of the retry policy. */
export interface RetryPolicy {
  /**
   * Retries after the first attempt.
   * @default 2
   */
  maxRetries: number;
  /**
   * Backoff before the first retry, doubled each time.
   * @default 500
   */
  initialDelayMs: number;
  /**
   * Longest backoff.
   * @default 8_000
   */
  maxDelayMs: number;
  /**
   * Longest server-requested wait honoured; a longer hint falls back to the backoff.
   * @default 60_000
   */
  maxHintMs: number;
}

/** The defaults above. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxHintMs: 60_000,
});

/** What went wrong with one attempt, as the policy needs to know it. */
export interface AttemptFailure {
  /** HTTP status, absent for connection failures and timeouts. */
  status?: number;
  /** The platform's `error.retryable` flag, when the body had one. */
  retryable?: boolean | undefined;
  /** True once any stream chunk reached the caller: retrying would replay or duplicate output. */
  chunksDelivered?: boolean;
}

/** Statuses worth retrying: 408 timeout, 409 conflict, 429 rate limit, and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Whether a failed attempt should be retried, given how many retries were already made. */
export function shouldRetry(failure: AttemptFailure, retriesSoFar: number, maxRetries: number): boolean {
  if (retriesSoFar >= maxRetries || failure.chunksDelivered) return false;
  // The platform's own verdict wins (`retryable` on the AI error object, docs.gloo.com/api-reference/general/errors).
  if (failure.retryable !== undefined) return failure.retryable;
  return failure.status === undefined || isRetryableStatus(failure.status);
}

/**
 * Whether the failure an SDK call raised is worth trying again, by the same rules as the
 * pipeline's own retries: an `APIError` by its status and the platform's `retryable` flag, a
 * connection failure or timeout yes; an abort, an OAuth refusal, a guard or parse error, and a
 * stream cut off after chunks were delivered, no. A proxy can answer `x-should-retry` with it.
 * @example if (isRetryableError(error)) response.headers.set("x-should-retry", "true");
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof APIError)
    return shouldRetry({ status: error.status, retryable: error.retryable }, 0, 1);
  return error instanceof APIConnectionError && !(error instanceof StreamInterruptedError);
}

/**
 * Milliseconds to wait before retry number `retriesSoFar + 1`: the server's hint when it gives a
 * usable one, else exponential backoff with jitter (`random` returns values in [0, 1)).
 */
export function retryDelay(
  retriesSoFar: number,
  headers: Headers | undefined,
  clock: { now: () => number; random: () => number },
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): number {
  const hint = headers ? retryHintMs(headers, clock.now()) : undefined;
  if (hint !== undefined && hint >= 0 && hint <= policy.maxHintMs) return hint;
  const backoff = Math.min(policy.initialDelayMs * 2 ** retriesSoFar, policy.maxDelayMs);
  return backoff * (1 - clock.random() * 0.25);
}

/**
 * The wait a response asks for, in milliseconds, from (first match wins):
 * `retry-after-ms`; `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3);
 * `X-RateLimit-Reset` (Gloo's documented hint, docs.gloo.com/api-reference/general/limits), whose format is unconfirmed:
 * values above 1e12 are read as epoch milliseconds, above 1e9 as epoch seconds, else as seconds to wait.
 */
export function retryHintMs(headers: Headers, now: number): number | undefined {
  const ms = parseNumber(headers.get("retry-after-ms"));
  if (ms !== undefined) return ms;
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null) {
    const seconds = parseNumber(retryAfter);
    if (seconds !== undefined) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = parseNumber(headers.get("x-ratelimit-reset"));
  if (reset === undefined) return undefined;
  if (reset > 1e12) return Math.max(0, reset - now);
  if (reset > 1e9) return Math.max(0, reset * 1000 - now);
  return reset * 1000;
}

function parseNumber(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}
