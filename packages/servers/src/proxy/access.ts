import { createHash, timingSafeEqual } from "node:crypto";
import { isIPv4 } from "node:net";

let lastHost = { host: "", loopback: false };

/**
 * True for names that only this machine can reach: `localhost`, `127.0.0.0/8` and `::1`
 * (with or without brackets). The proxy binds to these by default; anything else needs a key.
 */
export function isLoopbackHost(host: string): boolean {
  // A proxy is asked about the same Host on every request: the last answer is kept.
  if (host === lastHost.host) return lastHost.loopback;
  lastHost = { host, loopback: loopbackName(host) };
  return lastHost.loopback;
}

function loopbackName(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIPv4(name)) return name.startsWith("127.");
  return name === "::1" || name === "0:0:0:0:0:0:0:1" || name === "::ffff:127.0.0.1";
}

/**
 * Why the proxy must not bind `host` with this `key`, or `undefined` when it may: the Gloo
 * credentials behind the proxy would otherwise be usable by anyone who can reach the port.
 */
export function bindRefusal(host: string, key: string | undefined): string | undefined {
  if (isLoopbackHost(host) || (key !== undefined && key !== "")) return undefined;
  return `refusing to listen on ${host} without a proxy key: anyone who can reach it could spend your Gloo credentials.`;
}

/** A request the proxy refuses before doing any work, as an OpenAI-shaped error. */
export interface Refusal {
  status: 401 | 403;
  message: string;
  code: string;
}

/**
 * Checks a request against the proxy's access rule: with a key, `Authorization: Bearer <key>`
 * (compared in constant time); without one, only loopback `Host`s and no cross-site browser
 * `Origin`, so a web page cannot reach the proxy by DNS rebinding or a form post. `url` is the
 * request's URL when the caller has already parsed it.
 */
export function checkAccess(
  request: Request,
  key: string | undefined,
  url: URL = new URL(request.url),
): Refusal | undefined {
  if (key !== undefined && key !== "") return checkKey(request.headers.get("authorization"), key);
  const violation = loopbackViolation(request, url);
  if (violation === "host") {
    return {
      status: 403,
      code: "non_loopback_host",
      message: `This proxy has no key, so it only answers requests addressed to localhost (Host was "${url.host}"). Start it with --key to accept others.`,
    };
  }
  if (violation === "origin") {
    return {
      status: 403,
      code: "cross_origin",
      message: "This proxy has no key, so it refuses requests from web pages on other origins.",
    };
  }
  return undefined;
}

/**
 * The rule for a local server without a key (the keyless proxy, the playground): which part a
 * request breaks — its `Host` is not a loopback name (DNS rebinding), or it carries the `Origin` of
 * a web page elsewhere — or `undefined` when it keeps to it.
 */
export function loopbackViolation(
  request: Request,
  url: URL = new URL(request.url),
): "host" | "origin" | undefined {
  if (!isLoopbackHost(url.hostname)) return "host";
  const origin = request.headers.get("origin");
  if (origin !== null && !sameLoopbackOrigin(origin)) return "origin";
  return undefined;
}

function checkKey(authorization: string | null, key: string): Refusal | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (match?.[1] !== undefined && sameSecret(match[1].trim(), key)) return undefined;
  return {
    status: 401,
    code: "invalid_proxy_key",
    message:
      authorization === null
        ? "Missing proxy key: send `Authorization: Bearer <proxy key>` (the key the proxy was started with)."
        : "Wrong proxy key: send `Authorization: Bearer <proxy key>` with the key the proxy was started with.",
  };
}

// Hash first so both sides have the same length, as timingSafeEqual requires.
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sameLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).hostname);
  } catch {
    return false;
  }
}
