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

/** The names {@link withoutHopByHop} always drops: the RFC's hop-by-hop fields plus `extra` (lower case). */
export function hopByHopNames(extra: readonly string[] = []): ReadonlySet<string> {
  return new Set<string>([...HOP_BY_HOP, ...extra]);
}

const DEFAULT_NAMES = hopByHopNames();

/**
 * The fields of `headers` without the hop-by-hop fields of RFC 9110 §7.6.1 and without the names
 * in `drop` (from {@link hopByHopNames}, built once per caller), as name/value pairs ready to be a
 * `HeadersInit`: the next Request or Response builds its own Headers from them, so none is made here.
 */
export function withoutHopByHop(
  headers: Headers,
  drop: ReadonlySet<string> = DEFAULT_NAMES,
): [string, string][] {
  // "Connection: close, x-foo" makes x-foo hop-by-hop too (RFC 9110 §7.6.1).
  const connection = headers.get("connection");
  const named =
    connection === null ? undefined : new Set(connection.split(",").map((name) => name.trim().toLowerCase()));
  const out: [string, string][] = [];
  for (const [name, value] of headers)
    if (!drop.has(name) && named?.has(name) !== true) out.push([name, value]);
  return out;
}
