import { DEFAULT_BASE_URL, Gloo } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { Credentials, Settings } from "./credentials.js";
import { cachedTokenProvider, TokenStore } from "./token-store.js";
import { userDirs } from "./user-dirs.js";

/** Flags every network command accepts (every command but `gloo emulator` takes `--base URL`). */
export const connectionOptions = {
  base: { type: "string" },
  verbose: { type: "boolean" },
} as const;

/** Help lines for {@link connectionOptions}. */
export const connectionOptionHelp = {
  base: `Platform base URL (default: $GLOO_BASE, else ${DEFAULT_BASE_URL})`,
  verbose: "Show details: request ids, timings, error data",
} as const;

/** Extra client options a command may set. */
export interface ClientOptions {
  /** Retries after a retryable failure. @default the SDK's (2) */
  maxRetries?: number | undefined;
  /**
   * Reuse the token cached on disk by earlier commands, and cache the one obtained (when the
   * environment names a cache directory). For everyday commands (chat, repl, token); the checks
   * (quickstart, health, doctor) and the proxy always ask the token endpoint.
   * @default false
   */
  tokenCache?: boolean | undefined;
}

/** A client that authenticates with the resolved credentials, over the context's `fetch`. */
export function createClient(
  ctx: CommandContext,
  credentials: Credentials,
  options: ClientOptions = {},
): Gloo {
  const common = {
    baseURL: credentials.baseURL,
    fetch: ctx.fetch,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
  };
  const direct = new Gloo({
    ...common,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret,
  });
  const cacheDir = userDirs(ctx.env).cache;
  if (options.tokenCache !== true || cacheDir === undefined) return direct;
  // The direct client still makes the token request (its retries, errors and redaction); the
  // command's client takes its tokens through the disk cache.
  const tokenProvider = cachedTokenProvider(
    new TokenStore(cacheDir),
    direct.baseURL,
    credentials.clientId,
    async () => {
      const token = await direct.auth.getToken({ forceRefresh: true, signal: ctx.signal });
      return { accessToken: token.accessToken, expiresAt: token.expiresAt };
    },
  );
  return new Gloo({ ...common, tokenProvider });
}

/** A client for the endpoints that need no token (the model catalogue); asking it for one is a usage error. */
export function createAnonymousClient(ctx: CommandContext, settings: Settings): Gloo {
  return new Gloo({
    baseURL: settings.baseURL,
    fetch: ctx.fetch,
    tokenProvider: () =>
      Promise.reject(new UsageError("this command needs no credentials, yet a token was requested.")),
  });
}
