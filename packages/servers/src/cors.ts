// CORS for the emulator and the proxy, off unless origins are listed: a wrapper around any fetch
// handler that answers preflights itself and labels the answers to listed origins
// (Fetch standard, "CORS protocol": fetch.spec.whatwg.org/#http-cors-protocol).
import { FAULT_HEADER } from "./emulator/faults.js";
import type { FetchHandler } from "./node-server.js";

/** The origins a page may call from: a list of `scheme://host[:port]`, or `"*"` for any. */
export type CorsOrigins = "*" | readonly string[];

/**
 * Methods a listed page may use: the token endpoint and completions (POST), models and legacy chat
 * (GET), and the legacy Chat API's PATCH /ai/v1/chat and DELETE /ai/v1/message.
 */
export const CORS_ALLOWED_METHODS: readonly string[] = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"];

/**
 * Request headers a listed page may send: what the SDK and OpenAI-compatible clients send, and
 * the emulator's fault header. `Authorization` has to be named: a `*` would not cover it.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  "authorization",
  "content-type",
  "accept",
  "x-request-id",
  FAULT_HEADER,
];

/** Response headers a listed page may read: the request id and the retry hints the SDK uses. */
export const CORS_EXPOSED_HEADERS: readonly string[] = [
  "x-request-id",
  "retry-after",
  "retry-after-ms",
  "x-ratelimit-limit",
  "x-ratelimit-remaining",
  "x-ratelimit-reset",
];

/**
 * Reads a comma-separated `--cors` value into origins. Throws a `TypeError` saying what is wrong:
 * an entry that is not an http(s) origin (a path, query or credentials included), or `*` when
 * `allowAny` is false.
 */
export function parseCorsOrigins(spec: string, options: { allowAny: boolean }): CorsOrigins {
  const items = spec
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  if (items.length === 0) throw new TypeError("no origins given: list them, e.g. http://localhost:5173");
  if (items.includes("*")) {
    if (!options.allowAny) throw new TypeError("* (any origin) is not allowed here: list the origins");
    if (items.length > 1) throw new TypeError("* already allows every origin: give it alone");
    return "*";
  }
  return [...new Set(items.map(originOf))];
}

function originOf(item: string): string {
  let url: URL | undefined;
  try {
    url = new URL(item);
  } catch {
    url = undefined;
  }
  const bare = url !== undefined && url.pathname === "/" && url.search === "" && url.hash === "";
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || !bare || url.username) {
    throw new TypeError(`"${item}" is not an origin: write scheme://host[:port], e.g. http://localhost:5173`);
  }
  return url.origin;
}

/**
 * Wraps `handler` so that pages on `origins` may call it from a browser: preflights from those
 * origins are answered with 204 and the allowed methods and headers, and their other requests get
 * `Access-Control-Allow-Origin` and `Access-Control-Expose-Headers`. Requests without an `Origin`,
 * or from other origins, reach `handler` untouched, as without the wrapper.
 */
export function withCors(handler: FetchHandler, origins: CorsOrigins): FetchHandler {
  const listed = origins === "*" ? undefined : new Set(origins);
  return async (request) => {
    const origin = request.headers.get("origin");
    if (origin === null || (listed !== undefined && !listed.has(origin))) return handler(request);
    const allowOrigin = listed === undefined ? "*" : origin;
    if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
      return preflight(request, allowOrigin);
    }
    return labelled(await handler(request), allowOrigin);
  };
}

function preflight(request: Request, allowOrigin: string): Response {
  const headers = new Headers({
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-methods": CORS_ALLOWED_METHODS.join(", "),
    "access-control-allow-headers": CORS_ALLOWED_HEADERS.join(", "),
    "access-control-max-age": "600",
  });
  if (allowOrigin !== "*") headers.set("vary", "Origin");
  // Chrome's Private Network Access: a page on a public site asks before calling a loopback server.
  if (request.headers.get("access-control-request-private-network") === "true") {
    headers.set("access-control-allow-private-network", "true");
  }
  return new Response(null, { status: 204, headers });
}

function labelled(response: Response, allowOrigin: string): Response {
  const target = mutable(response);
  target.headers.set("access-control-allow-origin", allowOrigin);
  target.headers.set("access-control-expose-headers", CORS_EXPOSED_HEADERS.join(", "));
  if (allowOrigin !== "*") target.headers.append("vary", "Origin");
  return target;
}

// A handler's own Response has mutable headers (and keeps serve's in-memory fast path); one that
// came from fetch() does not, so it is copied.
function mutable(response: Response): Response {
  try {
    response.headers.set("access-control-allow-origin", "");
    return response;
  } catch {
    return new Response(response.body, response);
  }
}
