// Request and response types of the Gloo AI chat completions API. Field names follow OpenAI's
// OpenAPI description (CreateChatCompletionRequest / Response / StreamResponse), which the Gloo
// platform mirrors; Gloo-specific fields (v2 routing, `tradition`) are added where documented.

/** A plain-text content part of a message. */
export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
}

/** An image content part of a user message (for vision-capable models). */
export interface ChatCompletionContentPartImage {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

/** Any content part a user message may carry. */
export type ChatCompletionContentPart = ChatCompletionContentPartText | ChatCompletionContentPartImage;

/** A system prompt. */
export interface ChatCompletionSystemMessageParam {
  role: "system";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A developer prompt (OpenAI's newer name for a system prompt). */
export interface ChatCompletionDeveloperMessageParam {
  role: "developer";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A turn written by the user. */
export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | ChatCompletionContentPart[];
  name?: string;
}

/** A previous assistant reply, sent back as history (may carry tool calls instead of text). */
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  content?: string | ChatCompletionContentPartText[] | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/** The result of a tool call, answering the assistant's call with the same id. */
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | ChatCompletionContentPartText[];
  tool_call_id: string;
}

/** One message of the conversation sent in `messages`. */
export type ChatCompletionMessageParam =
  | ChatCompletionSystemMessageParam
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

/** The roles a message may have. */
export type ChatCompletionRole = ChatCompletionMessageParam["role"];

/** A function the model may call. */
export interface ChatCompletionTool {
  type: "function";
  function: {
    name: string;
    description?: string;
    /** A JSON Schema object describing the arguments. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

/** Whether and which tool the model must call. */
export type ChatCompletionToolChoiceOption =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

/** Output format constraints (`json_schema` support depends on the model). */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: {
        name: string;
        description?: string;
        schema?: Record<string, unknown>;
        strict?: boolean | null;
      };
    };

/** Fields shared by v1 and v2 requests. Fields not listed here are still sent as given. */
export interface ChatCompletionCreateParamsCommon {
  /** The whole conversation: the API keeps no history; the last message must be the user's. */
  messages: ChatCompletionMessageParam[];
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  seed?: number | null;
  user?: string;
  tools?: ChatCompletionTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  /** `include_usage: true` asks for a final usage-only chunk (`choices: []`). */
  stream_options?: { include_usage?: boolean } | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  metadata?: Record<string, string> | null;
}

/** A v1 request (`/ai/v1/chat/completions`); `model` is optional there (the platform has a default). */
export interface ChatCompletionCreateParamsBase extends ChatCompletionCreateParamsCommon {
  model?: string;
  stream?: boolean | null;
}

/** A v1 request that answers with one JSON completion. */
export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase {
  stream?: false | null;
}

/** A v1 request that answers with a server-sent event stream of chunks. */
export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase {
  stream: true;
}

/** A v1 chat completion request. */
export type ChatCompletionCreateParams =
  | ChatCompletionCreateParamsNonStreaming
  | ChatCompletionCreateParamsStreaming;

/** The model families of v2's `model_family` routing (matched case-insensitively by the platform). */
export type ModelFamily =
  | "openai"
  | "anthropic"
  | "google"
  | "open source"
  | "OpenAI"
  | "Anthropic"
  | "Google"
  | "Open Source";

/** The faith traditions v2 can answer from; omit for a general Christian perspective. */
export type Tradition = "evangelical" | "catholic" | "mainline" | "not_faith_specific";

/** Let the platform pick the model ("AI Core"). */
export interface AutoRouting {
  auto_routing: true;
  model?: never;
  model_family?: never;
}

/** Name the exact model ("AI Select"). */
export interface ModelRouting {
  model: string;
  auto_routing?: false;
  model_family?: never;
}

/** Name a model family and let the platform pick within it ("AI Core Select"). */
export interface ModelFamilyRouting {
  model_family: ModelFamily;
  auto_routing?: false;
  model?: never;
}

/**
 * Exactly one routing mechanism of v2: setting none or more than one is a compile-time error,
 * as the platform rejects it with a 400 (docs.gloo.com/api-reference/completions/v2).
 */
export type ChatCompletionRouting = AutoRouting | ModelRouting | ModelFamilyRouting;

/** Fields of a v2 request besides the routing. */
export interface ChatCompletionCreateParamsV2Base extends ChatCompletionCreateParamsCommon {
  tradition?: Tradition;
  stream?: boolean | null;
}

/** A v2 request that answers with one JSON completion. */
export type ChatCompletionCreateParamsV2NonStreaming = ChatCompletionCreateParamsV2Base & {
  stream?: false | null;
} & ChatCompletionRouting;

/** A v2 request that answers with a server-sent event stream of chunks. */
export type ChatCompletionCreateParamsV2Streaming = ChatCompletionCreateParamsV2Base & {
  stream: true;
} & ChatCompletionRouting;

/** A v2 chat completion request (`/ai/v2/chat/completions`). */
export type ChatCompletionCreateParamsV2 =
  | ChatCompletionCreateParamsV2NonStreaming
  | ChatCompletionCreateParamsV2Streaming;

/** Why the model stopped; `error` only appears in streams (docs.gloo.com/best-practices/completions-streaming-failures). */
export type ChatCompletionFinishReason =
  | "stop"
  | "length"
  | "tool_calls"
  | "content_filter"
  | "function_call"
  | "error";

/** A tool call the assistant asks the caller to run. */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  /** `arguments` is a JSON string generated by the model: parse and validate it before use. */
  function: { name: string; arguments: string };
}

/** The assistant's reply in a completion. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[] | null;
  annotations?: unknown[] | null;
  audio?: unknown;
  function_call?: { name: string; arguments: string } | null;
}

/** One alternative of a completion. */
export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: ChatCompletionFinishReason | null;
  logprobs?: unknown;
}

/** Token counts of a request; `cache_*` are Gloo additions (2026-05 changelog, may be absent). */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: Record<string, number | null> | null;
  prompt_tokens_details?: Record<string, number | null> | null;
  cache_tokens?: number;
  cache_hit_rate?: number;
}

/** A chat completion (`object: "chat.completion"`). Fields the platform adds are kept as received. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
}

/** The routing metadata v2 adds to completions and chunks (docs.gloo.com/api-guides/completions-v2). */
export interface RoutingMetadata {
  /** e.g. `"Gloo AI"`. */
  provider?: string;
  /** Title case in responses: `OpenAI`, `Anthropic`, `Google`, `Open Source`. */
  model_family?: string;
  auto_routing?: boolean;
  routing_mechanism?: "auto_routing" | "model_family" | "direct_model_selection" | (string & {});
  /** e.g. `tier_1`…`tier_4`; omitted for direct model selection. */
  routing_tier?: string;
  /** 0 to 1; omitted for direct model selection. */
  routing_confidence?: number;
  /** Present only when sent in the request. */
  tradition?: Tradition;
}

/** A v2 chat completion: a completion plus routing metadata. */
export interface ChatCompletionV2 extends ChatCompletion, RoutingMetadata {}

/** A tool call fragment inside a stream delta; fragments with the same `index` concatenate. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

/** The increment a chunk carries for one choice. */
export interface ChatCompletionChunkDelta {
  role?: "assistant";
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ChatCompletionChunkToolCall[];
}

/** One choice of a stream chunk. */
export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  finish_reason: ChatCompletionFinishReason | null;
  logprobs?: unknown;
  /** Set with `finish_reason: "error"` when the platform fails mid-stream (docs.gloo.com/best-practices/completions-streaming-failures). */
  error?: PlatformErrorObject;
}

/**
 * One server-sent chunk of a streamed completion. The platform's documented chunks can be minimal
 * (only `choices`), so the identifying fields are optional.
 */
export interface ChatCompletionChunk extends RoutingMetadata {
  id?: string;
  object?: "chat.completion.chunk";
  created?: number;
  model?: string;
  choices: ChatCompletionChunkChoice[];
  /** Present on the final usage-only chunk (`choices: []`) when `stream_options.include_usage` is set. */
  usage?: CompletionUsage | null;
  /** Set when the platform fails mid-stream; the error may sit here or on the choice. */
  error?: PlatformErrorObject;
}

/**
 * The structured error object of the AI endpoints (`{"error": {...}}` bodies and error chunks).
 * Only some fields are documented; the rest are kept as received.
 */
export interface PlatformErrorObject {
  /** e.g. `service_unavailable_error`. */
  type?: string;
  /** A numeric internal code such as `2006`, or a string code. */
  code?: number | string;
  /** Symbolic name such as `PROVIDER_TIMEOUT`. */
  name?: string;
  message?: string;
  category?: string;
  /** `client` or `provider`. */
  fault?: string;
  /** The platform's own verdict on whether retrying can help. */
  retryable?: boolean;
  trace_id?: string;
  [key: string]: unknown;
}

/** Price of a model per token count; rates are decimal strings as the platform sends them. */
export interface ModelPricing {
  rate_per_1k_tokens?: string;
  rate_per_1m_tokens?: string;
}

/** One entry of the public model catalogue (`GET /platform/v2/models`). */
export interface Model {
  id: string;
  name?: string;
  /** `Anthropic`, `OpenAI`, `Google`, `Open Source`, … */
  family?: string;
  /** The upstream id, e.g. `anthropic/claude-haiku-4.5`. */
  provider_id?: string;
  description?: string;
  context_window?: number;
  max_output_tokens?: number;
  input_modalities?: string[];
  output_modalities?: string[];
  supports_reasoning?: boolean;
  supports_tools?: boolean;
  pricing?: { input?: ModelPricing; output?: ModelPricing };
}

/** The model catalogue. */
export interface ModelList {
  object: "list";
  data: Model[];
}

/** A result that carries the request id of the response it came from (non-enumerable). */
export type WithRequestId<T> = T & { readonly requestId: string | undefined };

/** Per-call options of every API method. */
export interface RequestOptions {
  /** Aborts the call (and an open stream). */
  signal?: AbortSignal | undefined;
  /** Milliseconds for each attempt of a JSON request, or until a stream's response headers arrive; includes the wait for the token. */
  timeout?: number | undefined;
  /** Milliseconds allowed between two stream chunks. */
  idleTimeout?: number | undefined;
  /** Retries after a retryable failure; 0 turns retries off. */
  maxRetries?: number | undefined;
  /** Extra request headers for this call. */
  headers?: Record<string, string> | undefined;
}

/** What a custom token provider may return: the token, optionally with its expiry (epoch ms). */
export type TokenProviderResult = string | { accessToken: string; expiresAt?: number };

/** A fetch function with the signature of the global one. */
export type FetchFunction = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
