// Turns the client's auth options (credentials, a token provider, or a fixed token) into the one
// TokenSource the request pipeline uses.
import { GlooError } from "../errors.js";
import { AccessToken, requestClientCredentialsToken } from "../oauth.js";
import type { TokenSource } from "../request.js";
import { TokenCache } from "../token-cache.js";
import type { TokenProviderResult } from "../types.js";

/** The auth-related client options. */
export interface TokenSourceOptions {
  baseURL: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  accessToken?: string | undefined;
  tokenProvider?: (() => Promise<TokenProviderResult>) | undefined;
  scope?: string | undefined;
  refreshMarginSeconds: number;
  maxRetries: number;
  /** Milliseconds per attempt of the token request. */
  timeout: number;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A TokenSource plus the cache behind it, when there is one. */
export interface ClientTokens extends TokenSource {
  get(options?: { signal?: AbortSignal; forceRefresh?: boolean }): Promise<AccessToken>;
  invalidate(token?: string): void;
}

/** Picks the token source the options ask for; throws a GlooError saying what to pass when none fits. */
export function createTokenSource(options: TokenSourceOptions): ClientTokens {
  if (options.accessToken !== undefined) return fixedToken(options.accessToken);
  const fetchToken = options.tokenProvider
    ? providerFetcher(options.tokenProvider, options.now)
    : credentialsFetcher(options);
  const cache = new TokenCache({
    fetchToken,
    refreshMarginMs: options.refreshMarginSeconds * 1000,
    now: options.now,
  });
  return {
    canRefresh: true,
    get: (getOptions) => cache.get(getOptions),
    peek: () => cache.peek(),
    invalidate: (token) => cache.invalidate(token),
  };
}

function fixedToken(accessToken: string): ClientTokens {
  if (accessToken === "")
    throw new GlooError("accessToken is empty: pass the bearer token string you already have.");
  // Its lifetime is unknown to us; the platform's 401 will tell when it expires.
  const token = new AccessToken({
    accessToken,
    expiresIn: Number.POSITIVE_INFINITY,
    expiresAt: Number.POSITIVE_INFINITY,
  });
  return { canRefresh: false, get: () => Promise.resolve(token), peek: () => token, invalidate: () => {} };
}

function providerFetcher(
  provider: () => Promise<TokenProviderResult>,
  now: () => number,
): () => Promise<AccessToken> {
  return async () => {
    const result = await provider();
    const accessToken = typeof result === "string" ? result : result?.accessToken;
    if (typeof accessToken !== "string" || accessToken === "") {
      throw new GlooError(
        "tokenProvider returned no token: resolve to a string or { accessToken, expiresAt? }.",
      );
    }
    // Without an expiry the provider is asked again on every call (concurrent calls still share one).
    const expiresAt = typeof result === "string" ? now() : (result.expiresAt ?? now());
    return new AccessToken({ accessToken, expiresIn: Math.max(0, (expiresAt - now()) / 1000), expiresAt });
  };
}

// The token request goes through the request pipeline, with the client's timeout and retry policy;
// the cache aborts it through `signal` when no caller waits for it any more.
function credentialsFetcher(options: TokenSourceOptions): (signal: AbortSignal) => Promise<AccessToken> {
  const { clientId, clientSecret } = options;
  if (!clientId || !clientSecret) {
    // Raised on first use, not in the constructor: the model catalogue needs no credentials.
    return () =>
      Promise.reject(
        new GlooError(
          "Missing credentials: pass clientId and clientSecret (Gloo Studio → API credentials), or accessToken, or tokenProvider.",
        ),
      );
  }
  return (signal) =>
    requestClientCredentialsToken({
      baseURL: options.baseURL,
      clientId,
      clientSecret,
      scope: options.scope,
      fetch: options.fetch,
      signal,
      timeout: options.timeout,
      maxRetries: options.maxRetries,
      now: options.now,
      sleep: options.sleep,
      random: options.random,
    });
}
