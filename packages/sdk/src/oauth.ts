// OAuth2 client-credentials token request (RFC 6749 §4.4) against Gloo's `/oauth2/token`
// (docs.gloo.com/tutorials/authentication), and the AccessToken value that never prints its secret part.
import { APIError, GlooError, OAuthError, type RequestTarget } from "./errors.js";
import { isRecord } from "./internal/error-body.js";
import { readBody } from "./internal/read-body.js";
import { sleep } from "./internal/sleep.js";
import { type ApiRequest, baseHeaders, send, type Transport } from "./request.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Shortens a token to something recognisable in logs but useless to an attacker.
 * @example maskToken("eyJhbGciOi…x9Q") // "eyJh…(1043 chars)…x9Q"
 */
export function maskToken(token: string): string {
  // Short values would be mostly revealed by a prefix and suffix, so show only their length.
  if (token.length < 24) return `…(${token.length} chars)…`;
  return `${token.slice(0, 4)}…(${token.length} chars)…${token.slice(-3)}`;
}

/** What an AccessToken is built from. */
export interface AccessTokenInit {
  accessToken: string;
  /** @default "Bearer" */
  tokenType?: string | undefined;
  /** Lifetime in seconds as the token endpoint reported it. */
  expiresIn: number;
  /** Epoch milliseconds after which the token is no longer valid. */
  expiresAt: number;
  scope?: string | undefined;
}

/** An OAuth2 access token whose `toString()`, `toJSON()` and inspection show it masked. */
export class AccessToken {
  readonly #accessToken: string;
  /** Usually `"Bearer"`. */
  readonly tokenType: string;
  /** Lifetime in seconds as the token endpoint reported it. */
  readonly expiresIn: number;
  /** Epoch milliseconds after which the token is no longer valid. */
  readonly expiresAt: number;
  /** The granted scope, when the token endpoint echoed it. */
  readonly scope: string | undefined;

  constructor(init: AccessTokenInit) {
    this.#accessToken = init.accessToken;
    this.tokenType = init.tokenType ?? "Bearer";
    this.expiresIn = init.expiresIn;
    this.expiresAt = init.expiresAt;
    this.scope = init.scope;
  }

  /** The bearer token itself; a getter over a private field so it never shows up in enumeration. */
  get accessToken(): string {
    return this.#accessToken;
  }

  /** `Bearer eyJh…(1043 chars)…x9Q`. */
  toString(): string {
    return `${this.tokenType} ${maskToken(this.#accessToken)}`;
  }

  /** The fields, with the token masked. */
  toJSON(): Record<string, unknown> {
    return {
      accessToken: maskToken(this.#accessToken),
      tokenType: this.tokenType,
      expiresIn: this.expiresIn,
      expiresAt: this.expiresAt,
      scope: this.scope,
    };
  }

  /** What Node's `util.inspect` and `console.log` show: the masked JSON form. */
  [INSPECT](): string {
    return `AccessToken ${JSON.stringify(this.toJSON())}`;
  }
}

/** Options of {@link requestClientCredentialsToken}. */
export interface ClientCredentialsOptions {
  /** e.g. `https://platform.ai.gloo.com`; the token endpoint is `{baseURL}/oauth2/token`. */
  baseURL: string;
  clientId: string;
  clientSecret: string;
  /** @default "api/access" */
  scope?: string | undefined;
  /** @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Aborts the request and its retry waits. */
  signal?: AbortSignal | undefined;
  /**
   * Milliseconds per attempt.
   * @default 600_000
   */
  timeout?: number | undefined;
  /**
   * Retries after a 408, 409, 429, 5xx or connection failure, as for every request.
   * @default 2
   */
  maxRetries?: number | undefined;
  /** Clock for `expiresAt` and date hints. @default Date.now */
  now?: (() => number) | undefined;
  /** Sleep seam for tests (retry waits). @default a setTimeout-based sleep */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Randomness seam for tests (retry jitter). @default Math.random */
  random?: (() => number) | undefined;
}

/**
 * Requests a token with the client-credentials grant: HTTP Basic credentials, form body
 * `grant_type=client_credentials&scope=api/access`, sent through the same pipeline as every
 * request (timeout, signal, retries). The endpoint's OAuth2 refusals (RFC 6749 §5.2) raise an
 * {@link OAuthError}; any other failing answer an `APIError`, no answer an `APIConnectionError`.
 * @example const token = await requestClientCredentialsToken({ baseURL, clientId, clientSecret });
 */
export function requestClientCredentialsToken(options: ClientCredentialsOptions): Promise<AccessToken> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const transport: Transport = {
    baseURL: options.baseURL.replace(/\/+$/, ""),
    fetch: doFetch,
    tokens: undefined,
    headers: NO_HEADERS,
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? sleep,
  };
  const request: ApiRequest = {
    method: "POST",
    path: "/oauth2/token",
    auth: false,
    headers: {
      authorization: basicAuthorization(options.clientId, options.clientSecret),
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: `grant_type=client_credentials&scope=${formEncode(options.scope ?? "api/access")}`,
    toError: (status, body, headers, target) => tokenError(status, body, headers, target, options),
  };
  const startedAt = now();
  return send(
    transport,
    request,
    options.signal ? { signal: options.signal } : {},
    async (response, attempt) => {
      try {
        const body = await readBody(response);
        return accessTokenFrom(body, response.status, `${transport.baseURL}${request.path}`, startedAt);
      } finally {
        attempt.dispose();
      }
    },
  );
}

/** The default milliseconds per attempt, the same for the token request as for API calls. */
export const DEFAULT_TIMEOUT = 600_000;

const NO_HEADERS = baseHeaders({});

// RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. The encoded text is
// pure ASCII, so btoa (available in browsers, edge runtimes and Node) needs no UTF-8 step.
function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
}

// Keeps `/` literal so the body reads exactly as Gloo documents it (`scope=api/access`).
function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll("%2F", "/");
}

// RFC 6749 §5.2: an OAuth2 error is a 400 (or 401 for client authentication) whose JSON body names
// an `error`; some servers use 403 for a refused scope. Anything else is an ordinary failed request.
function tokenError(
  status: number,
  body: unknown,
  headers: Headers,
  target: RequestTarget,
  credentials: { clientId: string; clientSecret: string },
): GlooError {
  const record = isRecord(body) ? body : undefined;
  const oauth = (status === 400 || status === 401 || status === 403) && typeof record?.error === "string";
  if (!oauth || record?.error === "")
    return APIError.generate(status, redactBody(body, credentials), headers, target);
  const description = typeof record.error_description === "string" ? record.error_description : undefined;
  return new OAuthError({
    status,
    error: record.error as string,
    // Redacted before shortening, so a secret cut in half at the edge cannot slip through.
    errorDescription: redact(description, credentials)?.slice(0, 300),
    requestId: headers.get("x-request-id") ?? undefined,
  });
}

// A non-OAuth answer becomes an APIError whose message quotes its body: redact that too.
function redactBody(body: unknown, credentials: { clientId: string; clientSecret: string }): unknown {
  if (typeof body === "string") return redact(body, credentials)?.slice(0, 300);
  if (body === undefined || credentials.clientSecret === "") return body;
  const text = JSON.stringify(body);
  const redacted = redactSecret(text, credentials);
  return redacted === text ? body : redacted.slice(0, 300);
}

function redact(
  text: string | undefined,
  credentials: { clientId: string; clientSecret: string },
): string | undefined {
  return text === undefined ? undefined : redactSecret(text, credentials);
}

/**
 * `text` with the client secret blanked as `[redacted]` in every form it travels in: raw,
 * percent-encoded, escaped inside a JSON string, or inside the Basic credentials. One pass over all
 * forms (a second would redact inside the first's "[redacted]"). A secret shorter than 8 characters
 * only as a whole token: blanked inside ordinary words it garbles the text and gives itself away by
 * what it blanks. Used for error messages, and by anything that writes text a secret may reach.
 * @example redactSecret(logLine, { clientId, clientSecret })
 */
export function redactSecret(text: string, credentials: { clientId: string; clientSecret: string }): string {
  const { clientId, clientSecret } = credentials;
  if (clientSecret === "") return text;
  const basic = basicAuthorization(clientId, clientSecret).slice("Basic ".length);
  const json = JSON.stringify(clientSecret).slice(1, -1);
  const forms = [...new Set([basic, encodeURIComponent(clientSecret), json, clientSecret])]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const whole = clientSecret.length < 8;
  const [before, after] = whole ? ["(?<![\\p{L}\\p{N}])", "(?![\\p{L}\\p{N}])"] : ["", ""];
  return text.replace(new RegExp(`${before}(?:${forms.join("|")})${after}`, "gu"), "[redacted]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// A 2xx that is not a token (RFC 6749 §5.1) is no OAuth2 error either: usually the base URL points
// at some other server. Not retried: the same answer would come back.
function accessTokenFrom(body: unknown, status: number, url: string, startedAt: number): AccessToken {
  const invalid = (what: string) =>
    new GlooError(
      `The token endpoint (POST ${url}) answered ${status} with a body that ${what}: is baseURL the platform's root?`,
    );
  if (!isRecord(body)) throw invalid("is not a JSON object");
  if (typeof body.access_token !== "string" || body.access_token === "") throw invalid("has no access_token");
  const expiresIn = Number(body.expires_in);
  if (body.expires_in === undefined || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw invalid("has no positive expires_in");
  }
  return new AccessToken({
    accessToken: body.access_token,
    tokenType: typeof body.token_type === "string" ? body.token_type : "Bearer",
    expiresIn,
    // Counted from when the request was sent, so network time only makes us refresh earlier.
    expiresAt: startedAt + expiresIn * 1000,
    scope: typeof body.scope === "string" ? body.scope : undefined,
  });
}
