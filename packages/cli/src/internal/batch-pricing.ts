// `gloo batch`'s cost arithmetic over a whole file: the dry run's estimate, the lines a budget
// cannot price, and what earlier runs already spent (from the results file). Per-line quotes and
// exact sums come from the SDK.
import {
  type BatchOutputLine,
  type CompletionUsage,
  formatUsd,
  isPriced,
  type PriceList,
  quoteRequest,
  usageCostUnits,
} from "@gloo-toolkit/sdk";
import type { InputLine } from "./batch-input.js";

/** A dry run's estimate of a file. Money is exact decimal strings in USD, over the priced lines. */
export interface FileEstimate {
  requests: number;
  promptTokens: number;
  /** Sum of `max_tokens` × `n` over lines that set it. */
  maxCompletionTokens: number;
  worstCost: string | null;
  expectedCost: string | null;
  /** Lines whose cost is unknown, with the reason (the first 20). */
  unpriced: { line: number; reason: string }[];
  unpricedCount: number;
  /** Where the rates came from. */
  priceSource: "catalog" | "offline" | null;
}

/** Estimates every line of a file. */
export function quoteAll(lines: readonly InputLine[], prices: PriceList | undefined): FileEstimate {
  let promptTokens = 0;
  let maxCompletionTokens = 0;
  let worst = 0n;
  let expected = 0n;
  const unpriced: FileEstimate["unpriced"] = [];
  let unpricedCount = 0;
  for (const line of lines) {
    const quote = quoteRequest(line.request, prices);
    promptTokens += quote.promptTokens;
    maxCompletionTokens += quote.maxCompletionTokens ?? 0;
    if (quote.worst === undefined || quote.expected === undefined) {
      unpricedCount++;
      if (unpriced.length < 20) unpriced.push({ line: line.line, reason: quote.reason ?? "unknown" });
      continue;
    }
    worst += quote.worst;
    expected += quote.expected;
  }
  const priced = prices !== undefined && unpricedCount < lines.length;
  return {
    requests: lines.length,
    promptTokens,
    maxCompletionTokens,
    worstCost: priced ? formatUsd(worst) : null,
    expectedCost: priced ? formatUsd(expected) : null,
    unpriced,
    unpricedCount,
    priceSource: prices?.source ?? null,
  };
}

/** Lines whose worst case cannot be priced (a budget refuses to start with any). */
export function unpricedLines(
  lines: readonly InputLine[],
  prices: PriceList,
): { line: number; reason: string }[] {
  const out: { line: number; reason: string }[] = [];
  for (const line of lines) {
    const quote = quoteRequest(line.request, prices);
    if (quote.worst === undefined) out.push({ line: line.line, reason: quote.reason ?? "unknown cost" });
  }
  return out;
}

/**
 * What earlier runs spent: each stored result's usage at its model's rate. A result whose cost is
 * unknown counts its line's worst case, so a budget errs on the safe side.
 */
export function spentBefore(
  results: readonly BatchOutputLine[],
  lines: readonly InputLine[],
  prices: PriceList,
): { total: string; unknown: number } {
  const byId = new Map(lines.map((line) => [line.request.customId, line]));
  let total = 0n;
  let unknown = 0;
  for (const result of results) {
    const body = result.response?.body as { model?: unknown; usage?: CompletionUsage } | undefined;
    const rates = typeof body?.model === "string" ? prices.rates(body.model) : undefined;
    if (rates !== undefined && isPriced(rates) && body?.usage !== undefined) {
      total += usageCostUnits(body.usage, rates);
      continue;
    }
    unknown++;
    const line = byId.get(result.custom_id);
    total += line === undefined ? 0n : (quoteRequest(line.request, prices).worst ?? 0n);
  }
  return { total: formatUsd(total), unknown };
}
