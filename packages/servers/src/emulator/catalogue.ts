// The fixture model catalogue served at `GET /platform/v2/models`. Ids are the documented ones
// (reference: docs.gloo.com "Supported models", plus ids Gloo's own tooling verified live and the
// V1 Bedrock ids). Context windows, output limits and prices are placeholders except where
// documented (emulator choice, unconfirmed): the real list changes often.

/** A catalogue entry, in the field names the platform uses. */
export interface CatalogueModel {
  id: string;
  name: string;
  family: "Anthropic" | "OpenAI" | "Google" | "Open Source";
  provider_id: string;
  description: string;
  context_window: number;
  max_output_tokens: number;
  input_modalities: string[];
  output_modalities: string[];
  supports_reasoning: boolean;
  supports_tools: boolean;
  pricing: { input: Rate; output: Rate };
  /** Emulator-only: which completion APIs accept this id. Stripped from the listing. */
  apis: ("v1" | "v2")[];
}

interface Rate {
  rate_per_1k_tokens: string;
  rate_per_1m_tokens: string;
}

type Extra = Partial<Omit<CatalogueModel, "id" | "name" | "family" | "provider_id">>;

function entry(
  id: string,
  name: string,
  family: CatalogueModel["family"],
  providerId: string,
  extra: Extra = {},
) {
  const perMillion = extra.supports_reasoning === true ? 10 : 1;
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
    pricing: { input: rate(perMillion), output: rate(perMillion * 4) },
    apis: ["v1", "v2"],
    ...extra,
  } satisfies CatalogueModel as CatalogueModel;
}

function rate(perMillion: number): Rate {
  return { rate_per_1k_tokens: (perMillion / 1000).toFixed(4), rate_per_1m_tokens: perMillion.toFixed(2) };
}

const reasoning = { supports_reasoning: true } as const;
const noTools = { supports_tools: false } as const;
const v1Only = { apis: ["v1"] } satisfies Extra;

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
  entry(
    "gloo-google-gemini-2.5-flash-lite",
    "Gemini 2.5 Flash Lite",
    "Google",
    "google/gemini-2.5-flash-lite",
  ),
  entry("gloo-google-gemini-2.5-flash", "Gemini 2.5 Flash", "Google", "google/gemini-2.5-flash"),
  entry("gloo-google-gemini-2.5-pro", "Gemini 2.5 Pro", "Google", "google/gemini-2.5-pro", reasoning),
  entry(
    "gloo-google-gemini-3-pro-preview",
    "Gemini 3 Pro Preview",
    "Google",
    "google/gemini-3-pro-preview",
    reasoning,
  ),
  entry("gloo-google-gemini-3.1-pro", "Gemini 3.1 Pro", "Google", "google/gemini-3.1-pro", reasoning),
  entry("gloo-openai-gpt-5-nano", "GPT-5 nano", "OpenAI", "openai/gpt-5-nano"),
  entry("gloo-openai-gpt-5-mini", "GPT-5 mini", "OpenAI", "openai/gpt-5-mini", { max_output_tokens: 16_384 }),
  entry("gloo-openai-gpt-5-pro", "GPT-5 Pro", "OpenAI", "openai/gpt-5-pro", reasoning),
  entry("gloo-openai-gpt-5.2", "GPT-5.2", "OpenAI", "openai/gpt-5.2"),
  entry("gloo-openai-gpt-5.2-pro", "GPT-5.2 Pro", "OpenAI", "openai/gpt-5.2-pro", reasoning),
  entry("gloo-openai-gpt-5.4", "GPT-5.4", "OpenAI", "openai/gpt-5.4"),
  entry("gloo-openai-gpt-4.1", "GPT-4.1", "OpenAI", "openai/gpt-4.1"),
  entry("gloo-openai-gpt-4.1-mini", "GPT-4.1 mini", "OpenAI", "openai/gpt-4.1-mini"),
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
  entry("gloo-bfl-flux-2-pro", "FLUX.2 Pro", "Open Source", "bfl/flux-2-pro", {
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

/** The listing body: `{object: "list", data: [...]}` without the emulator-only fields. */
export function catalogueListing(): { object: "list"; data: Omit<CatalogueModel, "apis">[] } {
  return { object: "list", data: CATALOGUE.map(({ apis: _apis, ...model }) => model) };
}
