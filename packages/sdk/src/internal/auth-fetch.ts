// `gloo.fetch`: a fetch that adds the bearer token and, after a 401, retries once with a fresh
// one. It is for requests the SDK has no method for (and for the proxy); it does not retry
// anything else, so its caller keeps full control.
import type { AccessToken } from "../oauth.js";
import type { TokenSource } from "../request.js";
import type { FetchFunction } from "../types.js";

/** Builds the token-injecting fetch; relative paths (`/ai/v2/…`) resolve against `baseURL`. */
export function createAuthFetch(
  baseURL: string,
  tokens: TokenSource | undefined,
  doFetch: typeof fetch,
): FetchFunction {
  return (input, init) => {
    const target = typeof input === "string" && input.startsWith("/") ? baseURL + input : input;
    // The common case (a URL string and a body that can be sent twice) needs no Request object:
    // building one, and cloning it for the retry, costs web streams and an AbortController per call.
    if (typeof target === "string" && resendable(init?.body)) {
      try {
        return withToken(tokens, doFetch, target, init ?? {});
      } catch (error) {
        // As fetch does: a bad argument rejects rather than throws.
        return Promise.reject(error);
      }
    }
    return withTokenRequest(tokens, doFetch, new Request(target, init), init?.signal);
  };
}

function resendable(body: RequestInit["body"]): boolean {
  return (
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer
  );
}

function withToken(
  tokens: TokenSource | undefined,
  doFetch: typeof fetch,
  target: string,
  init: RequestInit,
): Promise<Response> {
  // Pairs or a record (what callers mostly pass) stay pairs, the token one more: the fetch below
  // checks them as it builds its request, so no Headers is built here for them.
  const pairs = pairsOf(init.headers);
  const headers = pairs === undefined ? new Headers(init.headers) : undefined;
  const given = headers === undefined ? hasAuthorization(pairs ?? []) : headers.has("authorization");
  if (!tokens || given) return doFetch(target, init);
  const send = (accessToken: string) => {
    if (headers !== undefined) headers.set("authorization", `Bearer ${accessToken}`);
    const withBearer = headers ?? [...(pairs ?? []), ["authorization", `Bearer ${accessToken}`]];
    return doFetch(target, { ...init, headers: withBearer });
  };
  const retried = async (token: AccessToken, response: Response): Promise<Response> => {
    tokens.invalidate(token.accessToken);
    await response.body?.cancel();
    return send((await tokens.get(options)).accessToken);
  };
  const options = init.signal ? { signal: init.signal } : {};
  const answer = (token: AccessToken) =>
    send(token.accessToken).then((response) =>
      response.status !== 401 || !tokens.canRefresh ? response : retried(token, response),
    );
  // A valid cached token needs no wait before sending.
  const cached = tokens.peek();
  return cached === undefined ? tokens.get(options).then(answer) : answer(cached);
}

// Headers given as name/value pairs or a plain record, as pairs; undefined for a Headers or any
// other form (and for a malformed pair, which the Headers built instead reports).
function pairsOf(init: HeadersInit | undefined): [string, string][] | undefined {
  if (init === undefined) return [];
  if (Array.isArray(init)) {
    for (const pair of init as unknown[]) if (!Array.isArray(pair) || pair.length !== 2) return undefined;
    return init as [string, string][];
  }
  if (init instanceof Headers || typeof init !== "object" || init === null) return undefined;
  const proto = Object.getPrototypeOf(init);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return Object.entries(init);
}

function hasAuthorization(pairs: readonly [string, string][]): boolean {
  for (const [name] of pairs) if (String(name).toLowerCase() === "authorization") return true;
  return false;
}

// Any other input (a Request, a URL object, a streamed body): keep a clone for the one retry.
async function withTokenRequest(
  tokens: TokenSource | undefined,
  doFetch: typeof fetch,
  request: Request,
  signal: AbortSignal | null | undefined,
): Promise<Response> {
  if (!tokens || request.headers.has("authorization")) return doFetch(request);
  // Keep a copy before the body is consumed, so the retry can send it again.
  const spare = tokens.canRefresh ? request.clone() : undefined;
  const options = signal ? { signal } : {};
  const token = await tokens.get(options);
  request.headers.set("authorization", `Bearer ${token.accessToken}`);
  const response = await doFetch(request);
  if (response.status !== 401 || !spare) {
    await spare?.body?.cancel();
    return response;
  }
  tokens.invalidate(token.accessToken);
  await response.body?.cancel();
  const fresh = await tokens.get(options);
  spare.headers.set("authorization", `Bearer ${fresh.accessToken}`);
  return doFetch(spare);
}
