// Options that make the `openai` package (or any client built on it, like LangChain's ChatOpenAI)
// talk to Gloo with no OAuth code. Nothing is imported from `openai`: these are plain values of the
// shapes its `ClientOptions` accepts, so the SDK keeps no runtime dependency.
import type { Gloo } from "./client.js";
import { GlooError } from "./errors.js";
import type { FetchFunction } from "./types.js";

/** The parts of a {@link Gloo} client the adapters use. */
export type GlooClientLike = Pick<Gloo, "baseURL" | "fetch" | "auth">;

/** Which Completions API an OpenAI-style client should call. */
export interface OpenAIOptionsConfig {
  /**
   * `"v2"` sends to `/ai/v2` (routing: `model`, or `auto_routing` / `model_family` as extra body
   * fields); `"v1"` to the deprecated `/ai/v1`.
   * @default "v2"
   */
  api?: "v1" | "v2" | undefined;
}

/** Options for `new OpenAI(...)`: spread them into the constructor, alongside your own. */
export interface GlooOpenAIOptions {
  /** `${gloo.baseURL}/ai/v2` (or `/ai/v1`). */
  baseURL: string;
  /** Returns the current Gloo access token (cached; renewed before it expires). */
  apiKey: () => Promise<string>;
  /** Sends with the Gloo token and retries once with a fresh one after a 401. */
  fetch: FetchFunction;
}

/**
 * A fetch for any OpenAI-compatible client: it replaces whatever `Authorization` the client set
 * (its API key, possibly a placeholder) with the Gloo token, and after a 401 retries once with a
 * fresh token — the retry `gloo.fetch` does only when it set the header itself.
 * @example
 * const client = new OpenAI({ baseURL: `${gloo.baseURL}/ai/v2`, apiKey: "unused", fetch: openAICompatibleFetch(gloo) });
 */
export function openAICompatibleFetch(gloo: Pick<Gloo, "fetch">): FetchFunction {
  return (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.delete("authorization");
    return gloo.fetch(input, { ...init, headers });
  };
}

/**
 * Options for the `openai` package (v5.18 or later, which accepts a function as `apiKey`):
 * base URL, a token-returning `apiKey` and a token-injecting `fetch`.
 * @example
 * import OpenAI from "openai";
 * const gloo = new Gloo({ clientId, clientSecret });
 * const openai = new OpenAI(openAIOptions(gloo));
 * const completion = await openai.chat.completions.create({ model: "gloo-openai-gpt-5-mini", messages });
 */
export function openAIOptions(gloo: GlooClientLike, config: OpenAIOptionsConfig = {}): GlooOpenAIOptions {
  const api = config.api ?? "v2";
  if (api !== "v1" && api !== "v2") {
    throw new GlooError(`openAIOptions: api must be "v1" or "v2", got ${JSON.stringify(api)}.`);
  }
  return {
    baseURL: `${gloo.baseURL}/ai/${api}`,
    apiKey: async () => (await gloo.auth.getToken()).accessToken,
    fetch: openAICompatibleFetch(gloo),
  };
}
