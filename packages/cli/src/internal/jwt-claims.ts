/**
 * The claims of a JWT access token (the platform's are Cognito JWTs with `scope`, `iat`, `exp`),
 * or undefined when the token is opaque. Read only to diagnose; the signature is not checked.
 */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The token's scope: from the token response when it named one, else from the JWT's `scope` claim. */
export function tokenScope(token: { accessToken: string; scope?: string | undefined }): string | undefined {
  if (token.scope !== undefined) return token.scope;
  const claimed = tokenClaims(token.accessToken)?.scope;
  return typeof claimed === "string" ? claimed : undefined;
}
