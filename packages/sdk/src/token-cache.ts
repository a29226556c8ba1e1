// The access-token cache shared by the SDK and the proxy: one cached token, renewed
// ahead of expiry, and one in-flight request that every concurrent caller waits on.
import { APIUserAbortError } from "./errors.js";
import type { AccessToken } from "./oauth.js";

/** Options of a {@link TokenCache}. */
export interface TokenCacheOptions {
  /** Fetches a new token; called at most once at a time. */
  fetchToken: (signal?: AbortSignal) => Promise<AccessToken>;
  /**
   * Renew this long before expiry (capped at half the token's lifetime, so a short-lived token is
   * not renewed on every call). Gloo's docs use 60 s (docs.gloo.com/tutorials/authentication).
   * @default 60_000
   */
  refreshMarginMs?: number | undefined;
  /** @default Date.now */
  now?: (() => number) | undefined;
}

/** Options of {@link TokenCache.get}. */
export interface TokenCacheGetOptions {
  /** Ignore the cached token (a refresh already in flight is shared, as it is fresh). */
  forceRefresh?: boolean | undefined;
  /** Stops this caller's wait; the shared request carries on for the others. */
  signal?: AbortSignal | undefined;
}

/**
 * Caches an access token and coalesces renewals.
 * @example const cache = new TokenCache({ fetchToken: () => requestClientCredentialsToken(creds) });
 */
export class TokenCache {
  readonly #fetchToken: () => Promise<AccessToken>;
  readonly #marginMs: number;
  readonly #now: () => number;
  #token: AccessToken | undefined;
  #refreshAt = 0;
  #inFlight: Promise<AccessToken> | undefined;

  constructor(options: TokenCacheOptions) {
    this.#fetchToken = () => options.fetchToken();
    this.#marginMs = options.refreshMarginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The cached token if it is still fresh, without waiting (undefined otherwise). */
  peek(): AccessToken | undefined {
    return this.#token !== undefined && this.#now() < this.#refreshAt ? this.#token : undefined;
  }

  /** Resolves to a fresh token, starting at most one request however many callers wait. */
  get(options: TokenCacheGetOptions = {}): Promise<AccessToken> {
    const fresh = options.forceRefresh ? undefined : this.peek();
    if (fresh) return Promise.resolve(fresh);
    this.#inFlight ??= this.#refresh();
    return options.signal ? abortable(this.#inFlight, options.signal) : this.#inFlight;
  }

  /** Drops the cached token; with `token`, only if it is still the cached one (another caller may have renewed it). */
  invalidate(token?: string): void {
    if (token !== undefined && this.#token?.accessToken !== token) return;
    this.#token = undefined;
    this.#refreshAt = 0;
  }

  async #refresh(): Promise<AccessToken> {
    try {
      const token = await this.#fetchToken();
      const margin = Math.min(this.#marginMs, (token.expiresAt - this.#now()) / 2);
      this.#token = token;
      this.#refreshAt = token.expiresAt - Math.max(margin, 0);
      return token;
    } finally {
      this.#inFlight = undefined;
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new APIUserAbortError({ cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new APIUserAbortError({ cause: signal.reason }));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
