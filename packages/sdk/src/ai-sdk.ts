// The Vercel AI SDK provider, published as the subpath `@gloo-toolkit/sdk/ai-sdk` so that only
// users who import it need `@ai-sdk/openai-compatible` (an optional peer dependency); the core
// entry stays free of runtime dependencies.
import { createOpenAICompatible, type OpenAICompatibleProvider } from "@ai-sdk/openai-compatible";
import { Gloo, type GlooOptions } from "./client.js";
import { GlooError } from "./errors.js";
import { MODEL_FAMILIES } from "./models.js";
import { toRouting, withoutRouting } from "./routing.js";
import type { ChatCompletionRouting, FetchFunction } from "./types.js";

/** A chat model of the provider, as `generateText` / `streamText` take it. */
export type GlooLanguageModel = ReturnType<OpenAICompatibleProvider["chatModel"]>;

/** Completions V2's model families (matched case-insensitively by the platform). */
export type GlooModelFamily = (typeof MODEL_FAMILIES)[number];

const FAMILIES: readonly string[] = MODEL_FAMILIES;

/** Settings of {@link createGloo}: a client, or the options to build one. */
export interface GlooProviderSettings extends GlooOptions {
  /** An existing client, to share its token cache; the other options are then ignored. */
  client?: Gloo;
  /**
   * Ask for a final usage chunk in streams (`stream_options.include_usage`), so `streamText`
   * reports token counts.
   * @default true
   */
  includeUsage?: boolean;
}

/** The Gloo provider: Completions V2 by model, auto routing or model family, and V1. */
export interface GlooProvider {
  /** V2 with direct model selection, e.g. `gloo("gloo-openai-gpt-5-mini")`. */
  (modelId: string): GlooLanguageModel;
  /** Same as calling the provider. */
  chatModel(modelId: string): GlooLanguageModel;
  /** V2 with `auto_routing: true`: Gloo picks the model for each request. */
  autoRouting(): GlooLanguageModel;
  /** V2 with `model_family`: Gloo picks a model of that family. */
  modelFamily(family: GlooModelFamily): GlooLanguageModel;
  /** The deprecated Completions V1 with an explicit model id. */
  v1(modelId: string): GlooLanguageModel;
  /** The client whose token cache the provider uses. */
  readonly client: Gloo;
}

/**
 * Creates a Vercel AI SDK provider for Gloo on `@ai-sdk/openai-compatible`: tokens are fetched,
 * cached, renewed and retried after a 401 by the SDK's client, so no OAuth code is needed.
 * @example
 * import { generateText } from "ai";
 * import { createGloo } from "@gloo-toolkit/sdk/ai-sdk";
 * const gloo = createGloo({ clientId: process.env.GLOO_CLIENT_ID, clientSecret: process.env.GLOO_CLIENT_SECRET });
 * const { text } = await generateText({ model: gloo.autoRouting(), prompt: "Hello" });
 */
export function createGloo(settings: GlooProviderSettings = {}): GlooProvider {
  const { client: given, includeUsage = true, ...options } = settings;
  const client = given ?? new Gloo(options);
  const providers = new Map<string, OpenAICompatibleProvider>();
  // One openai-compatible provider per API and routing, each with its own body rewrite.
  const model = (api: "v1" | "v2", modelId: string, routing?: ChatCompletionRouting): GlooLanguageModel => {
    const key = `${api}:${JSON.stringify(routing ?? null)}`;
    let provider = providers.get(key);
    if (provider === undefined) {
      provider = createOpenAICompatible({
        name: "gloo",
        baseURL: `${client.baseURL}/ai/${api}`,
        // No apiKey: the request leaves without Authorization and the client's fetch adds the token.
        fetch: routing === undefined ? client.fetch : withRouting(client.fetch, routing),
        includeUsage,
      });
      providers.set(key, provider);
    }
    return provider.chatModel(modelId);
  };
  const direct = (modelId: string) => model("v2", modelId);
  return Object.assign(direct, {
    chatModel: direct,
    autoRouting: () => model("v2", "auto_routing", toRouting({ auto_routing: true })),
    modelFamily: (family: GlooModelFamily) =>
      model("v2", `model_family:${family}`, toRouting({ model_family: checkFamily(family) })),
    v1: (modelId: string) => model("v1", modelId),
    client,
  });
}

function checkFamily(family: GlooModelFamily): GlooModelFamily {
  if (typeof family === "string" && FAMILIES.includes(family.toLowerCase())) return family;
  throw new GlooError(
    `modelFamily: expected one of ${FAMILIES.map((f) => `"${f}"`).join(", ")}, got ${JSON.stringify(family)}.`,
  );
}

/**
 * The AI SDK always sends `model`, but Completions V2 answers 400 when `model` comes with
 * `auto_routing` or `model_family` ("exactly one routing mechanism", docs.gloo.com
 * api-reference/completions/v2): drop it and add the routing field, as Gloo's own example
 * provider does (glooai/typescript-example, chatbot/lib/gloo-provider.ts).
 */
function withRouting(fetch: FetchFunction, routing: ChatCompletionRouting): FetchFunction {
  return (input, init) => {
    if (typeof init?.body !== "string") return fetch(input, init);
    const body = withoutRouting(JSON.parse(init.body) as object);
    return fetch(input, { ...init, body: JSON.stringify({ ...body, ...routing }) });
  };
}
