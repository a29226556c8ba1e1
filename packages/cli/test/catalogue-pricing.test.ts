import { createPriceList, type Model } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { actualNano, proxyPricing, unitsToNano, worstCaseNano } from "../src/internal/catalogue-pricing.js";

const row = (
  id: string,
  family: string,
  input: string,
  output: string,
  extra: Partial<Model> = {},
): Model => ({
  id,
  family,
  pricing: { input: { rate_per_1m_tokens: input }, output: { rate_per_1m_tokens: output } },
  ...extra,
});
const prices = createPriceList(
  [
    row("cheap", "OpenAI", "0.25", "2", { max_output_tokens: 1000 }),
    row("dear", "Anthropic", "3", "15", { max_output_tokens: 2000 }),
    row("tiny", "Google", "0.0001", "0.0001"),
    { id: "unpriced", family: "Google" },
  ],
  "catalog",
  0,
);
const messages = [{ role: "user", content: "12345678" }];

describe("the SDK's prices in nano-dollars", () => {
  it("converts 10^-24 USD units to nano-dollars, rounding up", () => {
    expect(unitsToNano(10n ** 15n)).toBe(1);
    expect(unitsToNano(10n ** 15n + 1n)).toBe(2);
    expect(unitsToNano(0n)).toBe(0);
  });

  it("prices usage exactly from the decimal rates", () => {
    // 1,707 prompt and 25 completion tokens at $0.25 / $2 per million: 426,750 + 50,000 nano-dollars.
    expect(actualNano(prices, "cheap", { promptTokens: 1707, completionTokens: 25 })).toBe(476_750);
    // 3 tokens at $0.0001 per million cost 0.3 nano-dollars: recorded as 1.
    expect(actualNano(prices, "tiny", { promptTokens: 3, completionTokens: 0 })).toBe(1);
    expect(actualNano(prices, "unpriced", { promptTokens: 3, completionTokens: 0 })).toBeUndefined();
    expect(actualNano(prices, undefined, { promptTokens: 3, completionTokens: 0 })).toBeUndefined();
  });

  it("takes the SDK's worst case: prompt estimate plus max_tokens × n, the dearest candidate", () => {
    // The SDK estimates 4 + 8/4 = 6 prompt tokens: 1,500; 200 answer tokens at $2/M: 400,000.
    expect(worstCaseNano("v1", { model: "cheap", max_tokens: 100, n: 2, messages }, prices)).toBe(401_500);
    const dearest = worstCaseNano("v2", { model: "dear", max_tokens: 10, messages }, prices);
    expect(worstCaseNano("v2", { model_family: "anthropic", max_tokens: 10, messages }, prices)).toBe(
      dearest,
    );
    expect(worstCaseNano("v2", { model: "unpriced", max_tokens: 10, messages }, prices)).toMatch(/unpriced/);
  });

  it("gives the proxy a reason for a request it cannot price, and 0 for a body the platform will refuse", () => {
    const pricing = proxyPricing(prices);
    expect(pricing.worstCase("v2", { model: "unpriced", max_tokens: 5, messages })).toMatch(/no pricing/);
    expect(pricing.worstCase("v1", { model: "cheap" })).toBe(0);
    expect(pricing.actual("v1", {}, { promptTokens: 1707, completionTokens: 25 }, "cheap")).toBe(476_750);
  });
});
