// `gloo.fetch`: a fetch that adds the bearer token and, after a 401, retries once with a fresh
// one. It is for requests the SDK has no method for (and for the proxy); it does not retry
// anything else, so its caller keeps full control.
import type { TokenSource } from "../request.js";
import type { FetchFunction } from "../types.js";

/** Builds the token-injecting fetch; relative paths (`/ai/v2/…`) resolve against `baseURL`. */
export function createAuthFetch(
  baseURL: string,
  tokens: TokenSource | undefined,
  doFetch: typeof fetch,
): FetchFunction {
  return async (input, init) => {
    const target = typeof input === "string" && input.startsWith("/") ? baseURL + input : input;
    const request = new Request(target, init);
    if (!tokens || request.headers.has("authorization")) return doFetch(request);
    // Keep a copy before the body is consumed, so the retry can send it again.
    const spare = tokens.canRefresh ? request.clone() : undefined;
    const token = await tokens.get(init?.signal ? { signal: init.signal } : {});
    request.headers.set("authorization", `Bearer ${token.accessToken}`);
    const response = await doFetch(request);
    if (response.status !== 401 || !spare) {
      await spare?.body?.cancel();
      return response;
    }
    tokens.invalidate(token.accessToken);
    await response.body?.cancel();
    const fresh = await tokens.get(init?.signal ? { signal: init.signal } : {});
    spare.headers.set("authorization", `Bearer ${fresh.accessToken}`);
    return doFetch(spare);
  };
}
