// The client: turns options into one Transport (base URL, fetch, tokens, retry and timeout
// defaults) and hangs the resources off it.
import { ChatCompletions, ChatCompletionsV2, type ResourceContext } from "./chat-completions.js";
import { DEFAULT_STREAM_IDLE_TIMEOUT } from "./chat-stream.js";
import { Conversation, type ConversationInit } from "./conversation.js";
import { GlooError } from "./errors.js";
import { createAuthFetch } from "./internal/auth-fetch.js";
import { isBrowserPage } from "./internal/browser.js";
import { sleep } from "./internal/sleep.js";
import { type ClientTokens, createTokenSource } from "./internal/token-source.js";
import { Models } from "./models.js";
import { type AccessToken, DEFAULT_TIMEOUT } from "./oauth.js";
import { baseHeaders, type Transport } from "./request.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";
import type { FetchFunction, TokenProviderResult } from "./types.js";

/** Options of the {@link Gloo} client. Credentials are never read from the environment implicitly. */
export interface GlooOptions {
  /** OAuth2 client id (Gloo Studio → API credentials); required with `clientSecret` unless `accessToken` or `tokenProvider` is given. */
  clientId?: string | undefined;
  /** OAuth2 client secret; never appears in errors or logs. */
  clientSecret?: string | undefined;
  /**
   * The platform's origin; a trailing slash is ignored.
   * @default "https://platform.ai.gloo.com"
   */
  baseURL?: string | undefined;
  /** A bearer token you already have; it cannot be renewed, so a 401 is final. */
  accessToken?: string | undefined;
  /** Supplies tokens from your own source; asked again when the token expires or after a 401. */
  tokenProvider?: (() => Promise<TokenProviderResult>) | undefined;
  /**
   * OAuth2 scope requested with client credentials.
   * @default "api/access"
   */
  scope?: string | undefined;
  /**
   * Renew the token this many seconds before it expires.
   * @default 60
   */
  refreshMarginSeconds?: number | undefined;
  /**
   * Retries of a failed call (408, 409, 429, 5xx, connection failures).
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * Milliseconds for each attempt of a JSON request, or until a stream's response headers arrive;
   * the wait for the access token counts towards it. The token request's attempts get it too.
   * @default 600_000
   */
  timeout?: number | undefined;
  /**
   * Milliseconds allowed between two stream chunks.
   * @default 60_000
   */
  idleTimeout?: number | undefined;
  /**
   * Check requests for the platform's documented pitfalls before sending them.
   * @default true
   */
  guard?: boolean | undefined;
  /**
   * The fetch implementation.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
  /** Clock seam for tests. @default Date.now */
  now?: (() => number) | undefined;
  /** Sleep seam for tests (retry waits). @default a setTimeout-based sleep */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Randomness seam for tests (retry jitter). @default Math.random */
  random?: (() => number) | undefined;
  /**
   * Allow `clientSecret` on a web page, where anyone who opens the page can read it. Prefer
   * `tokenProvider` or `accessToken` with tokens from your server.
   * @default false
   */
  dangerouslyAllowBrowser?: boolean | undefined;
}

/** Options of {@link Gloo.auth}'s `getToken`. */
export interface GetTokenOptions {
  /** Request a new token even if the cached one is fresh. */
  forceRefresh?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

/** The platform's base URL when none is given (platform quickstart, "Environment Variables"). */
export const DEFAULT_BASE_URL = "https://platform.ai.gloo.com";

/**
 * A Gloo AI client: token handling, chat completions (v1 and v2), models and conversations.
 * @example
 * ```ts
 * const gloo = new Gloo({ clientId: process.env.GLOO_CLIENT_ID, clientSecret: process.env.GLOO_CLIENT_SECRET });
 * const completion = await gloo.v2.chat.completions.create({ auto_routing: true, messages: [{ role: "user", content: "Hi" }] });
 * console.log(completion.choices[0]?.message.content);
 * ```
 */
export class Gloo {
  /** The normalised base URL (no trailing slash). */
  readonly baseURL: string;
  /** v1 chat completions: `/ai/v1/chat/completions`, deprecated by Gloo but served. */
  readonly chat: {
    /**
     * v1 chat completions (`/ai/v1/chat/completions`); it keeps working.
     * @deprecated Gloo deprecated Completions V1: use `gloo.v2.chat.completions.create()`, which takes
     * the same messages plus one routing choice (`model`, `auto_routing: true` or `model_family`).
     */
    readonly completions: ChatCompletions;
  };
  /** v2 chat completions with routing. */
  readonly v2: { readonly chat: { readonly completions: ChatCompletionsV2 } };
  /** The public model catalogue. */
  readonly models: Models;
  /** Token access: `getToken()` and `invalidate()`. */
  readonly auth: {
    getToken(options?: GetTokenOptions): Promise<AccessToken>;
    invalidate(): void;
  };
  /** A fetch that adds the bearer token and retries once after a 401; relative paths resolve against `baseURL`. */
  readonly fetch: FetchFunction;

  constructor(options: GlooOptions = {}) {
    refuseSecretOnPage(options);
    this.baseURL = normaliseBaseURL(options.baseURL ?? DEFAULT_BASE_URL);
    const tokens = createTokens(this.baseURL, options);
    const transport = createTransport(this.baseURL, options, tokens);
    const context: ResourceContext = {
      transport,
      guard: options.guard ?? true,
      idleTimeout: positive("idleTimeout", options.idleTimeout, DEFAULT_STREAM_IDLE_TIMEOUT),
    };
    this.chat = { completions: new ChatCompletions(context) };
    this.v2 = { chat: { completions: new ChatCompletionsV2(context) } };
    this.models = new Models({ ...transport, tokens: undefined });
    this.auth = {
      getToken: (getOptions = {}) => tokens.get(getOptions),
      invalidate: () => tokens.invalidate(),
    };
    this.fetch = createAuthFetch(this.baseURL, tokens, transport.fetch);
  }

  /**
   * Starts a client-side conversation bound to this client (the API itself keeps no history).
   * @example const chat = gloo.conversation({ system: "Be brief.", model: "gloo-openai-gpt-5-mini" });
   */
  conversation(init: Omit<ConversationInit, "client"> = {}): Conversation {
    return new Conversation({ ...init, client: this });
  }
}

// openai-node's rule: a secret shipped to a page is public, so it takes an explicit opt-in.
function refuseSecretOnPage(options: GlooOptions): void {
  if (options.clientSecret === undefined || options.dangerouslyAllowBrowser === true || !isBrowserPage())
    return;
  throw new GlooError(
    "new Gloo({ clientSecret }) runs in a browser, where anyone who opens the page can read the secret. " +
      "Get tokens from your server instead and pass tokenProvider: async () => (await fetch('/api/gloo-token')).json() " +
      "(or accessToken); if this page really is private, pass dangerouslyAllowBrowser: true.",
  );
}

function createTransport(baseURL: string, options: GlooOptions, tokens: ClientTokens): Transport {
  return {
    baseURL,
    fetch: fetchOf(options),
    tokens,
    headers: baseHeaders(lowerCaseKeys(options.defaultHeaders ?? {})),
    maxRetries: maxRetriesOf(options),
    timeout: timeoutOf(options),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
  };
}

function createTokens(baseURL: string, options: GlooOptions): ClientTokens {
  return createTokenSource({
    baseURL,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    accessToken: options.accessToken,
    tokenProvider: options.tokenProvider,
    scope: options.scope,
    refreshMarginSeconds: nonNegative("refreshMarginSeconds", options.refreshMarginSeconds, 60),
    maxRetries: maxRetriesOf(options),
    timeout: timeoutOf(options),
    fetch: fetchOf(options),
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
  });
}

// The global fetch is called through a wrapper: some browsers throw "Illegal invocation" when
// fetch is called with a `this` other than the window.
function fetchOf(options: GlooOptions): typeof fetch {
  return options.fetch ?? ((input, init) => globalThis.fetch(input, init));
}

function timeoutOf(options: GlooOptions): number {
  return positive("timeout", options.timeout, DEFAULT_TIMEOUT);
}

function maxRetriesOf(options: GlooOptions): number {
  return nonNegativeInteger("maxRetries", options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries);
}

function normaliseBaseURL(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GlooError(`baseURL ${JSON.stringify(value)} is not a URL: pass e.g. "${DEFAULT_BASE_URL}".`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new GlooError(`baseURL must be http(s), got ${url.protocol}`);
  }
  return url.href.replace(/\/+$/, "");
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0)) throw new GlooError(`${name} must be a positive number of milliseconds, got ${value}.`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value))
    throw new GlooError(`${name} must be zero or more, got ${value}.`);
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  const number = nonNegative(name, value, fallback);
  if (!Number.isInteger(number)) throw new GlooError(`${name} must be a whole number, got ${number}.`);
  return number;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
