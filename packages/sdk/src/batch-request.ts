// One line of a batch in OpenAI's Batch format (platform.openai.com/docs/api-reference/batch/request-input):
// `{custom_id, method, url, body}`. Checked whole before anything is sent — every problem of a line,
// not just the first — and quoted: estimated tokens and the worst-case cost a budget must reserve.
import { costUnits, isPriced, type ModelRates, V1_DEFAULT_MODEL } from "./cost.js";
import { RequestValidationError } from "./errors.js";
import { guardMessages, guardRouting, guardValues } from "./guard.js";
import { isRecord } from "./internal/error-body.js";
import { estimateMessageTokens } from "./internal/token-estimate.js";
import type { PriceList } from "./price-book.js";
import type { ChatCompletionMessageParam, Model } from "./types.js";

/** An input line as OpenAI's Batch API takes it. */
export interface BatchRequestInput {
  custom_id: string;
  /** Only `POST`. */
  method?: string;
  /** `/v1/chat/completions` (Gloo v1) or `/v2/chat/completions` (Gloo v2); the default API when absent. */
  url?: string;
  /** The chat completion request, exactly as the endpoint takes it. */
  body: Record<string, unknown>;
}

/** A line that passed the checks: which Gloo API it goes to and its body. */
export interface BatchRequest {
  customId: string;
  api: "v1" | "v2";
  body: Record<string, unknown>;
}

/** The two endpoints a batch line may name, and the Gloo API each goes to. */
export const BATCH_URLS: Readonly<Record<string, "v1" | "v2">> = Object.freeze({
  "/v1/chat/completions": "v1",
  "/v2/chat/completions": "v2",
});

/** The result of {@link checkBatchRequest}: the request, or every problem found. */
export type BatchRequestCheck = { request: BatchRequest; problems?: undefined } | { problems: string[] };

/**
 * Checks one parsed input line: `custom_id`, `method`, `url` (or `defaultApi`), and the body as the
 * SDK's guard checks every request (messages, roles, v2 routing, values JSON cannot carry).
 * @example checkBatchRequest({ custom_id: "a", url: "/v2/chat/completions", body: { auto_routing: true, messages } })
 */
export function checkBatchRequest(value: unknown, defaultApi?: "v1" | "v2"): BatchRequestCheck {
  if (!isRecord(value)) return { problems: ['is not a JSON object: write {"custom_id": …, "body": {…}}'] };
  const problems: string[] = [];
  const customId = value.custom_id;
  if (typeof customId !== "string" || customId === "") {
    problems.push('has no custom_id: add a unique non-empty "custom_id" string');
  }
  if (value.method !== undefined && value.method !== "POST") {
    problems.push(`has method ${JSON.stringify(value.method)}: only "POST" is supported`);
  }
  const api = apiOf(value.url, defaultApi, problems);
  const body = value.body;
  if (!isRecord(body)) problems.push('has no "body" object: put the chat completion request there');
  else problems.push(...bodyProblems(body, api));
  if (problems.length > 0 || api === undefined || !isRecord(body)) return { problems };
  return { request: { customId: customId as string, api, body } };
}

function apiOf(
  url: unknown,
  defaultApi: "v1" | "v2" | undefined,
  problems: string[],
): "v1" | "v2" | undefined {
  if (url === undefined) {
    if (defaultApi === undefined)
      problems.push('has no "url": add "/v1/chat/completions" or "/v2/chat/completions"');
    return defaultApi;
  }
  const api = typeof url === "string" ? BATCH_URLS[url] : undefined;
  if (api === undefined) {
    problems.push(`has url ${JSON.stringify(url)}: use "/v1/chat/completions" or "/v2/chat/completions"`);
  }
  return api;
}

function bodyProblems(body: Record<string, unknown>, api: "v1" | "v2" | undefined): string[] {
  const problems: string[] = [];
  if (body.stream === true) problems.push("asks for stream: true: a batch stores whole replies, remove it");
  const checks = [guardMessages, guardValues, ...(api === "v2" ? [guardRouting] : [])];
  for (const check of checks) {
    try {
      check(body);
    } catch (error) {
      if (!(error instanceof RequestValidationError)) throw error;
      // The guard's advice to turn it off is for callers of create(), not for a batch file.
      const message = error.message
        .replace(/^Invalid request: /, "")
        .replace(/ \(set guard: false[^)]*\)$/, "");
      problems.push(`body: ${message}`);
    }
  }
  return problems;
}

/** Tokens and cost of one request before it is sent. Costs are units of 10^-24 USD. */
export interface RequestQuote {
  /** Estimated prompt tokens (about 4 characters per token, 4 per message). */
  promptTokens: number;
  /** The most completion tokens it may produce (`max_tokens` × `n`), when known. */
  maxCompletionTokens: number | undefined;
  /** The models it may be answered by: one, or the candidates of `auto_routing` / `model_family`. */
  candidates: string[];
  /** Highest cost over the candidates: estimated prompt and all of `max_tokens`; undefined when unknown. */
  worst: bigint | undefined;
  /** Mean over the candidates, with half of `max_tokens`; undefined when unknown. */
  expected: bigint | undefined;
  /** Why the cost is unknown. */
  reason?: string;
}

/**
 * Quotes a checked request against a price list. `auto_routing` may be answered by any text model
 * of the catalogue and `model_family` by any of that family, so both reserve the dearest of them.
 */
export function quoteRequest(request: BatchRequest, prices: PriceList | undefined): RequestQuote {
  const messages = request.body.messages as ChatCompletionMessageParam[];
  const promptTokens = messages.reduce((sum, message) => sum + estimateMessageTokens(message), 0);
  const maxTokens = positiveInteger(request.body.max_tokens);
  const choices = positiveInteger(request.body.n) ?? 1;
  const base = {
    promptTokens,
    maxCompletionTokens: maxTokens === undefined ? undefined : maxTokens * choices,
  };
  if (prices === undefined) {
    return { ...base, candidates: [], worst: undefined, expected: undefined, reason: "no price list" };
  }
  const candidates = candidatesOf(request, prices.models);
  if (candidates.length === 0) {
    return { ...base, candidates, worst: undefined, expected: undefined, reason: noCandidates(request) };
  }
  let worst = 0n;
  let sum = 0n;
  for (const model of candidates) {
    const rates = prices.rates(model);
    if (!isPriced(rates))
      return { ...base, candidates, worst: undefined, expected: undefined, reason: rates.reason };
    const output = maxTokens ?? positiveInteger(prices.find(model)?.max_output_tokens);
    if (output === undefined) {
      const reason = `no max_tokens, and the catalogue gives ${model} no max_output_tokens: set max_tokens`;
      return { ...base, candidates, worst: undefined, expected: undefined, reason };
    }
    const cost = quoteUnits(promptTokens, output * choices, rates);
    if (cost.full > worst) worst = cost.full;
    sum += cost.half;
  }
  const expected = sum / BigInt(candidates.length);
  return { ...base, candidates, worst, expected };
}

function quoteUnits(prompt: number, completion: number, rates: ModelRates) {
  const input = costUnits(prompt, rates.inputPer1M);
  const output = costUnits(completion, rates.outputPer1M);
  return { full: input + output, half: input + output / 2n };
}

function candidatesOf(request: BatchRequest, models: readonly Model[]): string[] {
  const body = request.body;
  if (request.api === "v1")
    return [typeof body.model === "string" && body.model !== "" ? body.model : V1_DEFAULT_MODEL];
  if (typeof body.model === "string" && body.model !== "") return [body.model];
  const text = models.filter((model) => model.output_modalities?.includes("text") ?? true);
  if (body.auto_routing === true) return text.map((model) => model.id);
  const family = String(body.model_family).trim().toLowerCase();
  return text.filter((model) => model.family?.toLowerCase() === family).map((model) => model.id);
}

function noCandidates(request: BatchRequest): string {
  return request.body.auto_routing === true
    ? "the catalogue lists no text model for auto_routing"
    : `the catalogue lists no text model of family ${JSON.stringify(request.body.model_family)}`;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
