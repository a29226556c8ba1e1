// The SDK's access-token cache: one cached token, renewed in the background ahead of expiry while
// it is still valid, and one in-flight request that every caller without a valid token waits on.
import { APIUserAbortError, GlooError } from "./errors.js";
import type { AccessToken } from "./oauth.js";

/** Options of a {@link TokenCache}. */
export interface TokenCacheOptions {
  /** Fetches a new token; called at most once at a time. `signal` aborts it when no caller waits any more. */
  fetchToken: (signal: AbortSignal) => Promise<AccessToken>;
  /**
   * Renew this long before expiry (capped at half the token's lifetime, so a short-lived token is
   * not renewed on every call). Gloo's docs use 60 s (docs.gloo.com/tutorials/authentication).
   * @default 60_000
   */
  refreshMarginMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Options of {@link TokenCache.get}. */
export interface TokenCacheGetOptions {
  /** Ignore the cached token (a refresh already in flight is shared, as it is fresh). */
  forceRefresh?: boolean;
  /** Stops this caller's wait; the shared request carries on while another caller waits for it. */
  signal?: AbortSignal;
}

// One token request and who waits for it. A request started for waiters is aborted when the last
// of them leaves (nobody needs its answer); a background refresh runs to its end.
interface Flight {
  readonly promise: Promise<AccessToken>;
  readonly controller: AbortController;
  readonly background: boolean;
  waiters: number;
}

/**
 * Caches an access token and coalesces renewals. Once a token is within the refresh margin of its
 * expiry, callers keep getting it while one renewal runs in the background; only a caller with no
 * valid token waits.
 * @example const cache = new TokenCache({ fetchToken: (signal) => requestClientCredentialsToken({ ...creds, signal }) });
 */
export class TokenCache {
  readonly #fetchToken: (signal: AbortSignal) => Promise<AccessToken>;
  readonly #marginMs: number;
  readonly #now: () => number;
  #token: AccessToken | undefined;
  #refreshAt = 0;
  #flight: Flight | undefined;

  constructor(options: TokenCacheOptions) {
    this.#fetchToken = options.fetchToken;
    this.#marginMs = options.refreshMarginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The cached token while it is valid, without waiting (undefined otherwise). Past its refresh
   * point, this also starts the background renewal.
   */
  peek(): AccessToken | undefined {
    const token = this.#token;
    if (token === undefined) return undefined;
    const now = this.#now();
    if (now < this.#refreshAt) return token;
    if (now >= token.expiresAt) return undefined;
    this.#flight ??= this.#start(true);
    return token;
  }

  /** Resolves to a valid token, starting at most one request however many callers wait. */
  get(options: TokenCacheGetOptions = {}): Promise<AccessToken> {
    const valid = options.forceRefresh ? undefined : this.peek();
    if (valid) return Promise.resolve(valid);
    this.#flight ??= this.#start(false);
    return this.#wait(this.#flight, options.signal);
  }

  /** Drops the cached token; with `token`, only if it is still the cached one (another caller may have renewed it). */
  invalidate(token?: string): void {
    if (token !== undefined && this.#token?.accessToken !== token) return;
    this.#token = undefined;
    this.#refreshAt = 0;
  }

  #start(background: boolean): Flight {
    const controller = new AbortController();
    const promise = this.#fetchToken(controller.signal).then((token) => {
      const margin = Math.min(this.#marginMs, (token.expiresAt - this.#now()) / 2);
      this.#token = token;
      this.#refreshAt = token.expiresAt - Math.max(margin, 0);
      return token;
    });
    const flight: Flight = { promise, controller, background, waiters: 0 };
    const clear = () => {
      if (this.#flight === flight) this.#flight = undefined;
    };
    // A background refresh that fails is not an error anyone awaits: the valid token stays in use,
    // and the next call past the refresh point tries again.
    promise.then(clear, clear);
    return flight;
  }

  #wait(flight: Flight, signal: AbortSignal | undefined): Promise<AccessToken> {
    if (signal === undefined) {
      flight.waiters += 1;
      return flight.promise;
    }
    if (signal.aborted) return Promise.reject(abortError(signal));
    flight.waiters += 1;
    return new Promise<AccessToken>((resolve, reject) => {
      const onAbort = () => {
        this.#leave(flight);
        reject(abortError(signal));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      flight.promise.then(resolve, reject).finally(settle);
    });
  }

  #leave(flight: Flight): void {
    flight.waiters -= 1;
    if (flight.waiters > 0 || flight.background) return;
    // Forget it at once, so a caller arriving now starts a new request instead of joining this one.
    if (this.#flight === flight) this.#flight = undefined;
    flight.controller.abort(new APIUserAbortError({ message: "No caller waits for the token any more." }));
  }
}

// The reason the caller's own signal gave when it is an SDK error (the pipeline's timeout), else an abort.
function abortError(signal: AbortSignal): GlooError {
  const reason: unknown = signal.reason;
  return reason instanceof GlooError ? reason : new APIUserAbortError({ cause: reason });
}
