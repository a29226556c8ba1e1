// Prices chat requests in nano-dollars from the platform's model catalogue, for the proxy's shared
// budget: the worst case before sending (prompt estimate plus the most the answer may hold, at the
// dearest rate the request may be routed to), the actual cost from `usage` afterwards.
import { Conversation, type Model } from "@gloo-toolkit/sdk";
import type { ProxyPricing } from "@gloo-toolkit/servers";

interface Rates {
  /** Nano-dollars per million tokens (exact: rates are read from their decimal strings). */
  input: bigint;
  output: bigint;
  maxOutput: number | undefined;
  family: string;
}

/** Answer length assumed when neither the request nor the catalogue bounds it. */
const DEFAULT_MAX_OUTPUT = 8192;

/** A pricing over the catalogue's rows that have rates; throws when none has. */
export function catalogPricing(models: readonly Model[]): ProxyPricing {
  const rates = new Map<string, Rates>();
  for (const model of models) {
    const input = perMillionNano(model.pricing?.input);
    const output = perMillionNano(model.pricing?.output);
    if (input === undefined || output === undefined) continue;
    rates.set(model.id, {
      input,
      output,
      maxOutput: model.max_output_tokens,
      family: (model.family ?? "").toLowerCase(),
    });
  }
  if (rates.size === 0) throw new Error("The model catalogue has no rates to price requests with.");
  const all = [...rates.values()];
  const candidates = (body: Record<string, unknown>): Rates[] => {
    const direct = typeof body.model === "string" ? rates.get(body.model) : undefined;
    if (direct !== undefined) return [direct];
    if (typeof body.model_family === "string") {
      const family = all.filter((r) => r.family === (body.model_family as string).toLowerCase());
      if (family.length > 0) return family;
    }
    // Auto routing, an unpriced or unknown model: any model may answer, so the dearest counts.
    return all;
  };
  return {
    worstCase(_api, body) {
      const request = isRecord(body) ? body : {};
      const prompt = BigInt(promptTokens(request.messages));
      let worst = 0n;
      for (const rate of candidates(request)) {
        const output = BigInt(maxOutput(request) ?? rate.maxOutput ?? DEFAULT_MAX_OUTPUT);
        const cost = prompt * rate.input + output * rate.output;
        if (cost > worst) worst = cost;
      }
      return ceilPerMillion(worst);
    },
    actual(_api, body, usage, model) {
      const rate =
        (model === undefined ? undefined : rates.get(model)) ??
        candidates(isRecord(body) ? body : {}).reduce((a, b) => (a.output >= b.output ? a : b));
      return ceilPerMillion(
        BigInt(usage.promptTokens) * rate.input + BigInt(usage.completionTokens) * rate.output,
      );
    },
  };
}

// `rate_per_1m_tokens` "0.25" → 250,000,000 nano-dollars per million tokens, digit by digit; a
// `rate_per_1k_tokens` alone counts a thousand times. A missing or malformed rate is no rate.
function perMillionNano(rate: { rate_per_1k_tokens?: string; rate_per_1m_tokens?: string } | undefined) {
  const perMillion = decimalNano(rate?.rate_per_1m_tokens);
  if (perMillion !== undefined) return perMillion;
  const perThousand = decimalNano(rate?.rate_per_1k_tokens);
  return perThousand === undefined ? undefined : perThousand * 1000n;
}

function decimalNano(text: string | undefined): bigint | undefined {
  const match = text === undefined ? null : /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (match === null) return undefined;
  return BigInt(match[1] as string) * 1_000_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"));
}

function ceilPerMillion(nanoTimesMillion: bigint): number {
  return Number((nanoTimesMillion + 999_999n) / 1_000_000n);
}

function promptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return new Conversation({ messages }).estimateTokens();
}

function maxOutput(body: Record<string, unknown>): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  const n = typeof body.n === "number" && body.n > 1 ? body.n : 1;
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value * n : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
