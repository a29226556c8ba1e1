// Bearer checks for authenticated routes (reference: docs.gloo.com "Errors": 401 / 403 bodies).
import { json } from "./http.js";
import { API_SCOPE, type TokenClaims, type TokenIssuer } from "./token.js";

/** The token's claims, or the 401/403 response to send. */
export function authenticate(request: Request, issuer: TokenIssuer): TokenClaims | Response {
  const token = bearerToken(request);
  if (token instanceof Response) return token;
  const claims = issuer.verify(token);
  if (claims === "expired") {
    return unauthorized("Token expired: request a new one from /oauth2/token.", "unauthorized_token_expired");
  }
  if (claims === "invalid" || claims === "revoked") {
    return unauthorized("Invalid token: it was not issued by this platform.", "unauthorized_invalid_token");
  }
  if (!claims.scope.split(/\s+/).includes(API_SCOPE)) {
    // Documented verbatim.
    return json(403, { error: "Forbidden - insufficient permissions", code: "forbidden" });
  }
  return claims;
}

/**
 * The request's bearer token, or the platform's 401 for a missing or malformed `Authorization`
 * header (the replayer demands a token this way too, without verifying it).
 */
export function bearerToken(request: Request): string | Response {
  const header = request.headers.get("authorization");
  if (header === null || header.trim() === "") {
    // Documented verbatim.
    return json(401, { error: "Missing Authorization", code: "unauthorized_missing_authorization" });
  }
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) {
    return unauthorized(
      'Malformed Authorization header: expected "Bearer <access_token>".',
      "unauthorized_malformed_authorization",
    );
  }
  return match[1] as string;
}

// The 401 body for a bad token is undocumented; the missing-header envelope is reused (emulator choice).
function unauthorized(error: string, code: string): Response {
  return json(401, { error, code }, { "www-authenticate": 'Bearer error="invalid_token"' });
}
