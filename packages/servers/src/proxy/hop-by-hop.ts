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
  let connection: string | undefined;
  const out: [string, string][] = [];
  for (const field of headers) {
    if (field[0] === "connection") connection = field[1];
    else if (!drop.has(field[0])) out.push(field);
  }
  // "Connection: close, x-foo" makes x-foo hop-by-hop too (RFC 9110 §7.6.1); the usual
  // "keep-alive" or "close" name nothing more.
  if (connection === undefined) return out;
  const named = connection
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "" && !drop.has(name));
  return named.length === 0 ? out : out.filter(([name]) => !named.includes(name));
}
