// `POST /oauth2/token` and the JWTs it issues (reference: docs.gloo.com "Authentication";
// Cognito's token endpoint for the error codes). Tokens are HS256-signed with a key made per
// emulator instance, so a token is accepted only by the emulator that issued it.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { json } from "./http.js";
import { readText } from "./request-body.js";

/** The scope the completions endpoints require (reference: docs.gloo.com "Authentication"). */
export const API_SCOPE = "api/access";

/** Scopes a client may ask for; `api/limited` exists only so a 403 can be reproduced (emulator choice). */
export const GRANTABLE_SCOPES = [API_SCOPE, "api/limited"];

/** How many verified tokens are remembered before the cache starts over. */
const VERIFIED_CACHE_SIZE = 1000;

/** The issuer claim of emulator tokens. */
export const ISSUER = "urn:gloo-toolkit:emulator";

/** The claims of an emulator token. */
export interface TokenClaims {
  sub: string;
  client_id: string;
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  token_use: "access";
  iss: string;
  version: 2;
}

/** What the token endpoint needs from the emulator. */
export interface TokenIssuerOptions {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  now: () => number;
}

/** Issues and checks this emulator's tokens. */
export interface TokenIssuer {
  /** Handles `POST /oauth2/token`; `ttlOverride` comes from the `ttl=S` fault. */
  handle(request: Request, requestId: string, ttlOverride?: number): Promise<Response>;
  /** The claims of a token this emulator issued, or why it is not acceptable. */
  verify(token: string): TokenClaims | "invalid" | "expired" | "revoked";
  /** Makes every token issued so far unacceptable (to test a client's 401 refresh). */
  revokeAll(): void;
}

/** Creates the token issuer of one emulator instance. */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  const key = randomBytes(32);
  // Revocation bumps the epoch that every token's jti starts with, so older tokens stop working.
  let epoch = 0;
  const sign = (data: string) => createHmac("sha256", key).update(data).digest("base64url");

  function issue(scope: string, ttl: number): string {
    const iat = Math.floor(options.now() / 1000);
    const claims: TokenClaims = {
      sub: options.clientId,
      client_id: options.clientId,
      scope,
      iat,
      exp: iat + ttl,
      jti: `${epoch}.${randomUUID()}`,
      token_use: "access",
      iss: ISSUER,
      version: 2,
    };
    const body = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(claims)}`;
    return `${body}.${sign(body)}`;
  }

  // Verified signatures, so a client reusing its token (the normal case) costs a map lookup.
  const verified = new Map<string, TokenClaims>();
  const check = (claims: TokenClaims): TokenClaims | "expired" | "revoked" => {
    if (!claims.jti.startsWith(`${epoch}.`)) return "revoked";
    return claims.exp * 1000 <= options.now() ? "expired" : claims;
  };

  return {
    async handle(request, requestId, ttlOverride) {
      const form = await readForm(request, requestId);
      if (form instanceof Response) return form;
      const error = checkGrant(request, form, options);
      if (error !== undefined) return error;
      const scope = form.get("scope")?.trim() || API_SCOPE;
      const unknown = scope.split(/\s+/).find((s) => !GRANTABLE_SCOPES.includes(s));
      if (unknown !== undefined) {
        return oauthError("invalid_scope", `Unknown scope "${unknown}"; use "${API_SCOPE}".`);
      }
      const ttl = ttlOverride ?? options.tokenTtlSeconds;
      const token = issue(scope, ttl);
      return json(
        200,
        { access_token: token, token_type: "Bearer", expires_in: ttl },
        { "cache-control": "no-store" },
      );
    },
    verify(token) {
      const cached = verified.get(token);
      if (cached !== undefined) return check(cached);
      const parts = token.split(".");
      if (parts.length !== 3) return "invalid";
      const [header, payload, signature] = parts as [string, string, string];
      const expected = Buffer.from(sign(`${header}.${payload}`));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as TokenClaims;
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
      verified.set(token, claims);
      return check(claims);
    },
    revokeAll() {
      epoch++;
    },
  };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

async function readForm(request: Request, requestId: string): Promise<URLSearchParams | Response> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return oauthError("invalid_request", "Send the body as Content-Type: application/x-www-form-urlencoded.");
  }
  const text = await readText(request, requestId);
  return typeof text === "string" ? new URLSearchParams(text) : text;
}

function checkGrant(
  request: Request,
  form: URLSearchParams,
  options: TokenIssuerOptions,
): Response | undefined {
  const credentials = credentialsOf(request, form);
  if (credentials === "malformed") {
    return oauthError(
      "invalid_request",
      "The Authorization header must be Basic base64(client_id:client_secret).",
    );
  }
  if (credentials === undefined) {
    return oauthError(
      "invalid_client",
      "No client credentials: send HTTP Basic auth (client_id:client_secret) or client_id and client_secret form fields.",
    );
  }
  if (!sameText(credentials.id, options.clientId) || !sameText(credentials.secret, options.clientSecret)) {
    return oauthError("invalid_client", "Client authentication failed: unknown client id or wrong secret.");
  }
  const grant = form.get("grant_type");
  if (grant === null || grant === "")
    return oauthError("invalid_request", 'Missing grant_type; send "client_credentials".');
  if (grant !== "client_credentials") {
    return oauthError(
      "unsupported_grant_type",
      `grant_type "${grant}" is not supported; use "client_credentials".`,
    );
  }
  return undefined;
}

type Credentials = { id: string; secret: string };

// Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1), as Gloo's own TS code
// does; decoding an unencoded id is harmless unless it contains "%" or "+".
function credentialsOf(request: Request, form: URLSearchParams): Credentials | "malformed" | undefined {
  const header = request.headers.get("authorization");
  if (header !== null) {
    const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = match === null ? "" : Buffer.from(match[1] as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return "malformed";
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replaceAll("+", " "));
      } catch {
        return s;
      }
    };
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  }
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  return id === null || secret === null ? undefined : { id, secret };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** An RFC 6749 §5.2 error: 400 `{error, error_description}` (emulator choice: 400 even for invalid_client). */
function oauthError(error: string, description: string): Response {
  return json(400, { error, error_description: description }, { "cache-control": "no-store" });
}
