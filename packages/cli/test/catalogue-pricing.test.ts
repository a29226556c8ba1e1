import type { Model } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { catalogPricing } from "../src/internal/catalogue-pricing.js";

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
const models: Model[] = [
  row("cheap", "OpenAI", "0.25", "2", { max_output_tokens: 1000 }),
  row("dear", "Anthropic", "3", "15", { max_output_tokens: 2000 }),
  { id: "unpriced", family: "Google" },
  {
    id: "per-1k-only",
    family: "Google",
    pricing: { input: { rate_per_1k_tokens: "0.0000001" }, output: { rate_per_1k_tokens: "0.0004" } },
  },
];
const pricing = catalogPricing(models);
const usage = (promptTokens: number, completionTokens: number) => ({ promptTokens, completionTokens });

describe("catalogPricing", () => {
  it("prices usage exactly from the decimal rates, in nano-dollars rounded up", () => {
    // 1,707 prompt and 25 completion tokens at $0.25 / $2 per million: 426,750 + 50,000 nano-dollars.
    expect(pricing.actual("v2", {}, usage(1707, 25), "cheap")).toBe(476_750);
    // $0.0001 per million from a per-1k rate: 3 tokens cost 0.3 nano-dollars, reserved as 1.
    expect(pricing.actual("v2", {}, usage(3, 0), "per-1k-only")).toBe(1);
  });

  it("reserves the prompt estimate plus max_tokens × n at the model's rates", () => {
    const body = { model: "cheap", max_tokens: 100, n: 2, messages: [{ role: "user", content: "12345678" }] };
    // Prompt: 3 + 4 + 8/4 = 9 tokens → 2,250; output 200 tokens → 400,000.
    expect(pricing.worstCase("v1", body)).toBe(402_250);
  });

  it("without max_tokens, bounds the answer by the model's max_output_tokens", () => {
    // The prompt estimate's 3 tokens of framing at $3/M, 2,000 answer tokens at $15/M.
    expect(pricing.worstCase("v1", { model: "dear", messages: [] })).toBe(3 * 3_000 + 2000 * 15_000);
  });

  it("prices auto routing, a family or an unknown model at the dearest rate it may be routed to", () => {
    const messages = [{ role: "user", content: "hi" }];
    const dearest = pricing.worstCase("v2", { model: "dear", max_tokens: 10, messages });
    expect(pricing.worstCase("v2", { auto_routing: true, max_tokens: 10, messages })).toBe(dearest);
    expect(pricing.worstCase("v2", { model: "nope", max_tokens: 10, messages })).toBe(dearest);
    expect(pricing.worstCase("v2", { model_family: "openai", max_tokens: 10, messages })).toBe(
      pricing.worstCase("v2", { model: "cheap", max_tokens: 10, messages }),
    );
  });

  it("refuses a catalogue without any rates", () => {
    expect(() => catalogPricing([{ id: "x" }])).toThrow(/no rates/);
  });
});
