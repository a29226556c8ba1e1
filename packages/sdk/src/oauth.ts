// OAuth2 client-credentials token request (RFC 6749 §4.4) against Gloo's `/oauth2/token`
// (docs.gloo.com/tutorials/authentication), and the AccessToken value that never prints its secret part.
import { APIConnectionError, APIUserAbortError, OAuthError } from "./errors.js";
import { isRecord } from "./internal/error-body.js";
import { readBody } from "./internal/read-body.js";

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
  tokenType?: string;
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
  scope?: string;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Clock for `expiresAt`. @default Date.now */
  now?: () => number;
}

/**
 * Requests a token with the client-credentials grant: HTTP Basic credentials, form body
 * `grant_type=client_credentials&scope=api/access`. Failures raise an {@link OAuthError}.
 * @example const token = await requestClientCredentialsToken({ baseURL, clientId, clientSecret });
 */
export async function requestClientCredentialsToken(options: ClientCredentialsOptions): Promise<AccessToken> {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = `${options.baseURL.replace(/\/+$/, "")}/oauth2/token`;
  const startedAt = now();
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: {
        authorization: basicAuthorization(options.clientId, options.clientSecret),
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: `grant_type=client_credentials&scope=${formEncode(options.scope ?? "api/access")}`,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw new APIUserAbortError({ cause: error });
    throw new APIConnectionError({
      message: `Token request to POST ${url} failed to connect.`,
      cause: error,
    });
  }
  const body = await readBody(response);
  const requestId = response.headers.get("x-request-id") ?? undefined;
  if (!response.ok) throw oauthErrorFrom(response.status, body, requestId, options);
  return accessTokenFrom(body, response.status, requestId, startedAt);
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. The encoded text is
// pure ASCII, so btoa (available in browsers, edge runtimes and Node) needs no UTF-8 step.
function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
}

// Keeps `/` literal so the body reads exactly as Gloo documents it (`scope=api/access`).
function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll("%2F", "/");
}

function oauthErrorFrom(
  status: number,
  body: unknown,
  requestId: string | undefined,
  credentials: { clientId: string; clientSecret: string },
): OAuthError {
  const record = isRecord(body) ? body : {};
  const error = typeof record.error === "string" && record.error !== "" ? record.error : `http_${status}`;
  const description =
    typeof record.error_description === "string"
      ? record.error_description
      : typeof body === "string" && body !== ""
        ? body
        : undefined;
  // Redacted before shortening, so a secret cut in half at the edge cannot slip through.
  const errorDescription = redact(description, credentials)?.slice(0, 300);
  return new OAuthError({ status, error, errorDescription, requestId });
}

// An error page that echoes the request must not carry the secret into our message, whether
// raw, percent-encoded or inside the Basic credentials. One pass over all forms (a second pass
// would redact inside the first's "[redacted]"). A secret shorter than 8 characters only as a whole
// token: blanked inside ordinary words it garbles the text and gives itself away by what it blanks.
function redact(
  text: string | undefined,
  credentials: { clientId: string; clientSecret: string },
): string | undefined {
  const { clientId, clientSecret } = credentials;
  if (text === undefined || clientSecret === "") return text;
  const basic = basicAuthorization(clientId, clientSecret).slice("Basic ".length);
  const forms = [...new Set([basic, encodeURIComponent(clientSecret), clientSecret])]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const whole = clientSecret.length < 8;
  const [before, after] = whole ? ["(?<![\\p{L}\\p{N}])", "(?![\\p{L}\\p{N}])"] : ["", ""];
  return text.replace(new RegExp(`${before}(?:${forms.join("|")})${after}`, "gu"), "[redacted]");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function accessTokenFrom(
  body: unknown,
  status: number,
  requestId: string | undefined,
  startedAt: number,
): AccessToken {
  const invalid = (what: string) =>
    new OAuthError({
      status,
      error: "invalid_response",
      errorDescription: `token response ${what}`,
      requestId,
    });
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
