// Cost estimation from the catalogue's published rates. Gloo's completions carry no cost, so the
// closest a client gets is the list rate (`pricing.{input,output}.rate_per_1m_tokens`, strings)
// applied to the returned `usage`. Arithmetic is exact (see internal/decimal.ts); a model without a
// usable rate gives `null` and a reason, never NaN.
import { formatExact, parseDecimal } from "./internal/decimal.js";
import type { CompletionUsage, Model, ModelPricing } from "./types.js";

/** The v1 endpoint's model when a request names none (docs.gloo.com/api-reference/studio/post-completions). */
export const V1_DEFAULT_MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

/** One model's rates, as exact decimal strings in USD per million tokens. */
export interface ModelRates {
  model: string;
  inputPer1M: string;
  outputPer1M: string;
}

/** Why a model has no rates: not in the catalogue, no `pricing`, or a rate that is not a number. */
export interface Unpriced {
  model: string;
  reason: string;
}

/** A cost estimate: exact decimal strings in USD. */
export interface Cost {
  input: string;
  output: string;
  total: string;
  currency: "USD";
  /** Always true: the platform returns no cost; this is the list rate times the returned usage. */
  estimated: true;
}

/** A cost, or `null` with the reason it cannot be known. */
export type CostResult = { cost: Cost; reason?: undefined } | { cost: null; reason: string };

/**
 * The rates of a catalogue entry, preferring `rate_per_1m_tokens` and falling back to
 * `rate_per_1k_tokens`; an entry without both usable rates is {@link Unpriced}.
 * @example ratesOf(model) // { model: "gloo-openai-gpt-5-mini", inputPer1M: "0.25", outputPer1M: "2" }
 */
export function ratesOf(model: Model): ModelRates | Unpriced {
  const input = perToken(model.pricing?.input);
  const output = perToken(model.pricing?.output);
  if (input === undefined || output === undefined) {
    const side = input === undefined ? "input" : "output";
    const why = model.pricing === undefined ? "no pricing" : `no usable ${side} rate`;
    return { model: model.id, reason: `the catalogue gives ${model.id} ${why}` };
  }
  return { model: model.id, inputPer1M: per1M(input), outputPer1M: per1M(output) };
}

/** Whether a rates lookup found rates. */
export function isPriced(rates: ModelRates | Unpriced): rates is ModelRates {
  return "inputPer1M" in rates;
}

/**
 * Rates from a `IN:OUT` pair of USD per million tokens (the `--price` override); undefined when
 * either side is not a plain non-negative decimal.
 */
export function parseRates(model: string, inputPer1M: string, outputPer1M: string): ModelRates | undefined {
  const input = parseDecimal(inputPer1M, 6);
  const output = parseDecimal(outputPer1M, 6);
  if (input === undefined || output === undefined) return undefined;
  return { model, inputPer1M: per1M(input), outputPer1M: per1M(output) };
}

/**
 * The exact cost of `usage` at `rates`.
 * @example costOf({ prompt_tokens: 1707, completion_tokens: 25, total_tokens: 1732 }, rates).total
 */
export function costOf(
  usage: Pick<CompletionUsage, "prompt_tokens" | "completion_tokens">,
  rates: ModelRates,
): Cost {
  const input = costUnits(usage.prompt_tokens, rates.inputPer1M);
  const output = costUnits(usage.completion_tokens, rates.outputPer1M);
  return {
    input: formatExact(input),
    output: formatExact(output),
    total: formatExact(input + output),
    currency: "USD",
    estimated: true,
  };
}

/** An amount in units of 10^-24 USD (what {@link costUnits} returns) as an exact decimal string. */
export function formatUsd(units: bigint): string {
  return formatExact(units);
}

/**
 * The cost of `usage` at `rates` in units of 10^-24 USD, for sums (a budget, a run's spend); the
 * same figure as {@link costOf}'s `total`, which is `formatUsd` of it.
 */
export function usageCostUnits(
  usage: Pick<CompletionUsage, "prompt_tokens" | "completion_tokens">,
  rates: ModelRates,
): bigint {
  return (
    costUnits(usage.prompt_tokens, rates.inputPer1M) + costUnits(usage.completion_tokens, rates.outputPer1M)
  );
}

/** Cost in units of 10^-24 USD of `tokens` at a per-1M rate (internal arithmetic of budgets). */
export function costUnits(tokens: number, ratePer1M: string): bigint {
  return BigInt(Math.max(0, Math.ceil(tokens))) * (parseDecimal(ratePer1M, 6) as bigint);
}

// A side's rate per token in units of 10^-24 USD; per-1M is the more precise of the two strings.
function perToken(pricing: ModelPricing | undefined): bigint | undefined {
  if (pricing === undefined) return undefined;
  const million = stringOf(pricing.rate_per_1m_tokens);
  if (million !== undefined) {
    const units = parseDecimal(million, 6);
    if (units !== undefined) return units;
  }
  const thousand = stringOf(pricing.rate_per_1k_tokens);
  return thousand === undefined ? undefined : parseDecimal(thousand, 3);
}

// The catalogue documents strings; a bare number is accepted too rather than dropping a real rate.
function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

function per1M(perTokenUnits: bigint): string {
  return formatExact(perTokenUnits * 1_000_000n);
}
