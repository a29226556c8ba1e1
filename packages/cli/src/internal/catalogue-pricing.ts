// The SDK's catalogue prices (PriceList, quoteRequest, costUnits: exact decimals in units of
// 10^-24 USD) in the unit of the shared Redis budgets: whole nano-dollars, rounded up so that a
// reservation or a settled cost never understates what the SDK computed.
import { costUnits, isPriced, type PriceList, quoteRequest } from "@gloo-toolkit/sdk";
import type { ProxyPricing } from "@gloo-toolkit/servers";

const UNITS_PER_NANO = 10n ** 15n;

/** SDK cost units (10^-24 USD) as whole nano-dollars, rounded up. */
export function unitsToNano(units: bigint): number {
  return Number((units + UNITS_PER_NANO - 1n) / UNITS_PER_NANO);
}

/**
 * A request's worst case in nano-dollars as the SDK quotes it (estimated prompt, all of
 * `max_tokens` × `n`, the dearest model it may be routed to), or why it cannot be priced.
 */
export function worstCaseNano(
  api: "v1" | "v2",
  body: Record<string, unknown>,
  prices: PriceList,
): number | string {
  const quote = quoteRequest({ customId: "", api, body }, prices);
  return quote.worst === undefined ? (quote.reason ?? "it cannot be priced") : unitsToNano(quote.worst);
}

/** What a finished request cost in nano-dollars at `model`'s rates; undefined when it has none. */
export function actualNano(
  prices: PriceList,
  model: string | undefined,
  usage: { promptTokens: number; completionTokens: number },
): number | undefined {
  if (model === undefined) return undefined;
  const rates = prices.rates(model);
  if (!isPriced(rates)) return undefined;
  return unitsToNano(
    costUnits(usage.promptTokens, rates.inputPer1M) + costUnits(usage.completionTokens, rates.outputPer1M),
  );
}

/** The proxy's pricing over a price list. A body with no messages list costs nothing: the platform refuses it. */
export function proxyPricing(prices: PriceList): ProxyPricing {
  return {
    worstCase(api, body) {
      if (!isRecord(body) || !Array.isArray(body.messages)) return 0;
      return worstCaseNano(api, body, prices);
    },
    actual: (_api, _body, usage, model) => actualNano(prices, model, usage),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
