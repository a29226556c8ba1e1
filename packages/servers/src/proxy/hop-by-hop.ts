/**
 * Header fields that describe one connection rather than the message (RFC 9110 §7.6.1), so a proxy
 * must not forward them: `Connection` itself, every field `Connection` names, and the fields the
 * RFC lists as connection-specific (`Proxy-Connection`, `Keep-Alive`, `TE`, `Transfer-Encoding`,
 * `Upgrade`), plus `Proxy-Authenticate` / `Proxy-Authorization`, which RFC 9110 §11.7 scopes to the
 * next hop only.
 */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
  "proxy-authorization",
  "trailer",
] as const;

/**
 * Copies `headers` without the hop-by-hop fields of RFC 9110 §7.6.1 and without the `extra` names
 * (lower case), leaving the original untouched.
 */
export function withoutHopByHop(headers: Headers, extra: readonly string[] = []): Headers {
  const drop = new Set<string>([...HOP_BY_HOP, ...extra]);
  // "Connection: close, x-foo" makes x-foo hop-by-hop too (RFC 9110 §7.6.1).
  for (const name of (headers.get("connection") ?? "").split(",")) {
    const trimmed = name.trim().toLowerCase();
    if (trimmed !== "") drop.add(trimmed);
  }
  const out = new Headers();
  for (const [name, value] of headers) if (!drop.has(name)) out.append(name, value);
  return out;
}
