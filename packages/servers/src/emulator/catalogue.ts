// The fixture model catalogue behind `GET /platform/v2/models`. Ids are the documented ones
// (reference: docs.gloo.com "Supported models", ids Gloo's own tooling verified live, the models
// of Gloo's 2026-05-26 changelog, and the V1 Bedrock ids). The listing shows only what V2 can call
// (Gloo's monitors build one V2 probe per listed model); V1-only and retired ids stay known to the
// router. Context windows, output limits and the older models' prices are placeholders
// (emulator choice, unconfirmed); the changelog's models carry no price, since Gloo publishes none.

/** A catalogue entry, in the field names the platform uses. */
export interface CatalogueModel {
  id: string;
  name: string;
  /** The family as Gloo's registry names it: the four routing families, or a vendor (`Black Forest Labs`). */
  family: RoutingFamily | "Black Forest Labs";
  provider_id: string;
  description: string;
  context_window: number;
  max_output_tokens: number;
  input_modalities: string[];
  output_modalities: string[];
  supports_reasoning: boolean;
  supports_tools: boolean;
  /** Per-token prices as strings; absent where Gloo publishes none. */
  pricing?: { input: Rate; output: Rate };
  /** Emulator-only: which completion APIs accept this id. Stripped from the listing. */
  apis: ("v1" | "v2")[];
  /** Emulator-only: when the platform stopped serving it and what replaces it; retired ids are not listed. */
  retired?: { on: string; successor: string };
}

/** The model families of V2's `model_family` routing, in the platform's casing. */
export type RoutingFamily = "Anthropic" | "OpenAI" | "Google" | "Open Source";

interface Rate {
  rate_per_1k_tokens: string;
  rate_per_1m_tokens: string;
}

type Extra = Partial<Omit<CatalogueModel, "id" | "name" | "family" | "provider_id" | "pricing">> & {
  /** False: Gloo publishes no price for it, so the entry has no `pricing`. */
  priced?: false;
};

function entry(
  id: string,
  name: string,
  family: CatalogueModel["family"],
  providerId: string,
  extra: Extra = {},
) {
  const perMillion = extra.supports_reasoning === true ? 10 : 1;
  const { priced, ...rest } = extra;
  return {
    id,
    name,
    family,
    provider_id: providerId,
    description: `${name} via Gloo AI (emulated).`,
    context_window: 128_000,
    max_output_tokens: 8192,
    input_modalities: ["text"],
    output_modalities: ["text"],
    supports_reasoning: false,
    supports_tools: true,
    ...(priced === false ? {} : { pricing: { input: rate(perMillion), output: rate(perMillion * 4) } }),
    apis: ["v1", "v2"],
    ...rest,
  } satisfies CatalogueModel as CatalogueModel;
}

function rate(perMillion: number): Rate {
  return { rate_per_1k_tokens: (perMillion / 1000).toFixed(4), rate_per_1m_tokens: perMillion.toFixed(2) };
}

const reasoning = { supports_reasoning: true } as const;
const noTools = { supports_tools: false } as const;
const v1Only = { apis: ["v1"] } satisfies Extra;
// The 2026-05-26 changelog's models: Gloo publishes names, not ids or prices (ids inferred).
const newIn20260526 = { priced: false } satisfies Extra;

/** Every model the emulator knows, V2 ids first, then the V1-only ids. */
export const CATALOGUE: readonly CatalogueModel[] = [
  entry("gloo-anthropic-claude-haiku-4.5", "Claude Haiku 4.5", "Anthropic", "anthropic/claude-haiku-4.5", {
    context_window: 200_000,
  }),
  entry("gloo-anthropic-claude-sonnet-4.5", "Claude Sonnet 4.5", "Anthropic", "anthropic/claude-sonnet-4.5"),
  entry("gloo-anthropic-claude-opus-4.5", "Claude Opus 4.5", "Anthropic", "anthropic/claude-opus-4.5"),
  entry("gloo-anthropic-claude-sonnet-4", "Claude Sonnet 4", "Anthropic", "anthropic/claude-sonnet-4"),
  entry("gloo-anthropic-claude-sonnet-4.6", "Claude Sonnet 4.6", "Anthropic", "anthropic/claude-sonnet-4.6"),
  entry("gloo-anthropic-claude-opus-4.6", "Claude Opus 4.6", "Anthropic", "anthropic/claude-opus-4.6"),
  entry("gloo-anthropic-claude-opus-4.8", "Claude Opus 4.8", "Anthropic", "anthropic/claude-opus-4.8", {
    ...newIn20260526,
    ...reasoning,
  }),
  entry(
    "gloo-anthropic-claude-opus-4.7-fast",
    "Claude Opus 4.7 Fast",
    "Anthropic",
    "anthropic/claude-opus-4.7-fast",
    newIn20260526,
  ),
  entry(
    "gloo-anthropic-claude-opus-4.6-fast",
    "Claude Opus 4.6 Fast",
    "Anthropic",
    "anthropic/claude-opus-4.6-fast",
    newIn20260526,
  ),
  entry(
    "gloo-google-gemini-2.5-flash-lite",
    "Gemini 2.5 Flash Lite",
    "Google",
    "google/gemini-2.5-flash-lite",
  ),
  entry("gloo-google-gemini-2.5-flash", "Gemini 2.5 Flash", "Google", "google/gemini-2.5-flash"),
  entry("gloo-google-gemini-2.5-pro", "Gemini 2.5 Pro", "Google", "google/gemini-2.5-pro", reasoning),
  // Listed on the supported-models page, later removed from the registry (observed); the day is
  // an emulator choice.
  entry("gloo-google-gemini-3-pro-preview", "Gemini 3 Pro Preview", "Google", "google/gemini-3-pro-preview", {
    ...reasoning,
    retired: { on: "2026-04-27", successor: "gloo-google-gemini-3.1-pro" },
  }),
  entry("gloo-google-gemini-3.1-pro", "Gemini 3.1 Pro", "Google", "google/gemini-3.1-pro", reasoning),
  // Promoted from preview on 2026-05-26: the GA id answers, the preview id is retired.
  entry(
    "gloo-google-gemini-3.1-flash-lite",
    "Gemini 3.1 Flash Lite",
    "Google",
    "google/gemini-3.1-flash-lite",
    {
      ...newIn20260526,
    },
  ),
  entry(
    "gloo-google-gemini-3.1-flash-lite-preview",
    "Gemini 3.1 Flash Lite Preview",
    "Google",
    "google/gemini-3.1-flash-lite-preview",
    { retired: { on: "2026-05-26", successor: "gloo-google-gemini-3.1-flash-lite" } },
  ),
  entry("gloo-openai-gpt-5-nano", "GPT-5 nano", "OpenAI", "openai/gpt-5-nano"),
  entry("gloo-openai-gpt-5-mini", "GPT-5 mini", "OpenAI", "openai/gpt-5-mini", { max_output_tokens: 16_384 }),
  entry("gloo-openai-gpt-5-pro", "GPT-5 Pro", "OpenAI", "openai/gpt-5-pro", reasoning),
  entry("gloo-openai-gpt-5.2", "GPT-5.2", "OpenAI", "openai/gpt-5.2"),
  entry("gloo-openai-gpt-5.2-pro", "GPT-5.2 Pro", "OpenAI", "openai/gpt-5.2-pro", reasoning),
  entry("gloo-openai-gpt-5.4", "GPT-5.4", "OpenAI", "openai/gpt-5.4"),
  entry("gloo-openai-gpt-4.1", "GPT-4.1", "OpenAI", "openai/gpt-4.1"),
  entry("gloo-openai-gpt-4.1-mini", "GPT-4.1 mini", "OpenAI", "openai/gpt-4.1-mini"),
  entry("gloo-openai-gpt-5.3-codex", "GPT-5.3 Codex", "OpenAI", "openai/gpt-5.3-codex", {
    ...newIn20260526,
    ...reasoning,
  }),
  entry(
    "gloo-meta-llama-3.1-8b-instruct",
    "Llama 3.1 8B Instruct",
    "Open Source",
    "meta/llama-3.1-8b",
    noTools,
  ),
  entry("gloo-meta-llama-4-maverick", "Llama 4 Maverick", "Open Source", "meta/llama-4-maverick", noTools),
  entry("gloo-deepseek-chat-v3.1", "DeepSeek Chat v3.1", "Open Source", "deepseek/deepseek-chat-v3.1"),
  entry("gloo-deepseek-v3.2", "DeepSeek v3.2", "Open Source", "deepseek/deepseek-v3.2"),
  entry("gloo-deepseek-r1", "DeepSeek R1", "Open Source", "deepseek/deepseek-r1", {
    ...reasoning,
    ...noTools,
  }),
  entry("gloo-openai-gpt-oss-120b", "GPT-OSS 120B", "Open Source", "openai/gpt-oss-120b", reasoning),
  entry("gloo-mistral-large-3", "Mistral Large 3", "Open Source", "mistral/mistral-large-3"),
  entry("gloo-qwen-qwen-3.5-plus", "Qwen 3.5 Plus", "Open Source", "qwen/qwen3.5-plus", newIn20260526),
  entry("gloo-qwen-qwen-3.5-27b", "Qwen 3.5 27B", "Open Source", "qwen/qwen3.5-27b", newIn20260526),
  entry(
    "gloo-qwen-qwen-3-235b-a22b",
    "Qwen 3 235B A22B",
    "Open Source",
    "qwen/qwen3-235b-a22b",
    newIn20260526,
  ),
  entry("gloo-zai-glm-4.7-flash", "GLM-4.7 Flash", "Open Source", "z-ai/glm-4.7-flash", newIn20260526),
  entry("gloo-xiaomi-mimo-v2-flash", "MiMo V2 Flash", "Open Source", "xiaomi/mimo-v2-flash", newIn20260526),
  entry("gloo-xiaomi-mimo-v2.5", "MiMo V2.5", "Open Source", "xiaomi/mimo-v2.5", newIn20260526),
  entry("gloo-bfl-flux-2-pro", "FLUX.2 Pro", "Black Forest Labs", "bfl/flux-2-pro", {
    ...noTools,
    output_modalities: ["image"],
  }),
  entry(
    "us.meta.llama3-3-70b-instruct-v1:0",
    "Llama 3.3 70B Instruct (V1)",
    "Open Source",
    "meta/llama-3.3-70b",
    v1Only,
  ),
  entry(
    "meta.llama3-70b-instruct-v1:0",
    "Llama 3 70B Instruct (V1)",
    "Open Source",
    "meta/llama-3-70b",
    v1Only,
  ),
  entry(
    "us.anthropic.claude-sonnet-4-20250514-v1:0",
    "Claude Sonnet 4 (V1)",
    "Anthropic",
    "anthropic/claude-sonnet-4",
    v1Only,
  ),
  entry(
    "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    "Claude 3.7 Sonnet (V1)",
    "Anthropic",
    "anthropic/claude-3.7-sonnet",
    v1Only,
  ),
];

/** The V1 default model (reference: the V1 API reference's `model` default). */
export const V1_DEFAULT_MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

/** Looks a model up by exact id. */
export function findModel(id: string): CatalogueModel | undefined {
  return CATALOGUE.find((model) => model.id === id);
}

/** A catalogue entry as listed: without the emulator-only fields. */
export type ListedModel = Omit<CatalogueModel, "apis" | "retired">;

/**
 * The listing body, `{object: "list", data: [...]}`: the models callable on V2 today (not the
 * V1-only ids, not retired ones), without the emulator-only fields.
 */
export function catalogueListing(): { object: "list"; data: ListedModel[] } {
  const callable = CATALOGUE.filter((model) => model.apis.includes("v2") && model.retired === undefined);
  return { object: "list", data: callable.map(({ apis: _apis, retired: _retired, ...model }) => model) };
}
