// Cost from the catalogue's string rates: exact decimals, null with a reason, never NaN.
import {
  costOf,
  costUnits,
  formatUsd,
  isPriced,
  type Model,
  parseRates,
  ratesOf,
  usageCostUnits,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const priced = (input: Record<string, string>, output: Record<string, string>): Model => ({
  id: "m",
  pricing: { input, output },
});

describe("ratesOf", () => {
  it("reads rate_per_1m_tokens, normalised", () => {
    expect(ratesOf(priced({ rate_per_1m_tokens: "0.250" }, { rate_per_1m_tokens: "2" }))).toEqual({
      model: "m",
      inputPer1M: "0.25",
      outputPer1M: "2",
    });
  });

  it("falls back to rate_per_1k_tokens when the per-1M rate is missing or unusable", () => {
    const rates = ratesOf(
      priced({ rate_per_1k_tokens: "0.00025" }, { rate_per_1m_tokens: "n/a", rate_per_1k_tokens: "0.002" }),
    );
    expect(rates).toEqual({ model: "m", inputPer1M: "0.25", outputPer1M: "2" });
  });

  it("a row without pricing, or with rates that are not numbers, is unpriced with a reason", () => {
    expect(ratesOf({ id: "bare" })).toEqual({ model: "bare", reason: "the catalogue gives bare no pricing" });
    const bad = ratesOf(priced({ rate_per_1m_tokens: "free" }, { rate_per_1m_tokens: "1" }));
    expect(isPriced(bad)).toBe(false);
    expect(bad).toMatchObject({ reason: "the catalogue gives m no usable input rate" });
    expect(isPriced(ratesOf(priced({ rate_per_1m_tokens: "-1" }, { rate_per_1m_tokens: "1" })))).toBe(false);
  });
});

describe("costOf", () => {
  it("prices the docs' example usage (1,707 prompt + 25 completion tokens) exactly", () => {
    const rates = parseRates("m", "0.25", "2");
    if (rates === undefined) throw new Error("rates did not parse");
    const cost = costOf({ prompt_tokens: 1707, completion_tokens: 25 }, rates);
    expect(cost).toEqual({
      input: "0.00042675",
      output: "0.00005",
      total: "0.00047675",
      currency: "USD",
      estimated: true,
    });
  });

  it("sums without binary rounding: ten tokens at 0.1 per token is exactly 1", () => {
    const rates = parseRates("m", "100000", "200000");
    if (rates === undefined) throw new Error("rates did not parse");
    expect(costOf({ prompt_tokens: 10, completion_tokens: 3 }, rates).total).toBe("1.6");
    // 0.1 + 0.2 in floats is 0.30000000000000004.
    expect(costOf({ prompt_tokens: 1, completion_tokens: 1 }, rates).total).toBe("0.3");
  });

  it("costUnits is exact in 10^-24 USD", () => {
    expect(costUnits(3, "0.000001")).toBe(3n * 10n ** 12n);
  });

  it("usageCostUnits sums both sides exactly: costOf's total is its formatUsd", () => {
    const rates = parseRates("m", "0.15", "0.6");
    if (rates === undefined) throw new Error("rates did not parse");
    const usage = { prompt_tokens: 1000, completion_tokens: 500 };
    // 0.00015 + 0.0003 = 0.00045 USD, i.e. 45 × 10^19 units of 10^-24 USD.
    expect(usageCostUnits(usage, rates)).toBe(45n * 10n ** 19n);
    expect(formatUsd(usageCostUnits(usage, rates))).toBe(costOf(usage, rates).total);
  });

  it("parseRates refuses what is not a plain non-negative decimal", () => {
    for (const bad of ["", "abc", "-1", "1e-3", "NaN"]) expect(parseRates("m", bad, "1")).toBeUndefined();
  });
});
