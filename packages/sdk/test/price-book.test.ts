// The catalogue cache: one fetch shared by concurrent callers, a TTL, an offline copy, fallback rates.
import { type ModelList, PriceBook } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const catalogue: ModelList = {
  object: "list",
  data: [
    { id: "cheap", pricing: { input: { rate_per_1m_tokens: "1" }, output: { rate_per_1m_tokens: "4" } } },
    { id: "unpriced" },
  ],
};

function countingSource(list: ModelList = catalogue) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    async list() {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return list;
    },
  };
}

describe("PriceBook", () => {
  it("100 concurrent callers share one fetch", async () => {
    const source = countingSource();
    const book = new PriceBook(source);
    const lists = await Promise.all(Array.from({ length: 100 }, () => book.get()));
    expect(source.calls).toBe(1);
    expect(new Set(lists).size).toBe(1);
    expect(lists[0]?.source).toBe("catalog");
  });

  it("fetches again once the TTL has passed", async () => {
    let now = 1_000;
    const source = countingSource();
    const book = new PriceBook(source, { ttlMs: 300_000, now: () => now });
    await book.get();
    now += 299_999;
    await book.get();
    expect(source.calls).toBe(1);
    now += 1;
    await book.get();
    expect(source.calls).toBe(2);
  });

  it("uses the offline copy when the catalogue cannot be fetched, and tries again next time", async () => {
    let calls = 0;
    const book = new PriceBook(
      {
        list: async () => {
          calls++;
          throw new Error("offline");
        },
      },
      { fallback: catalogue },
    );
    const list = await book.get();
    expect(list.source).toBe("offline");
    expect(list.cost("cheap", { prompt_tokens: 1_000_000, completion_tokens: 0 }).cost?.total).toBe("1");
    await book.get();
    expect(calls).toBe(2);
  });

  it("a failed fetch without an offline copy rejects, and is not cached", async () => {
    const book = new PriceBook({ list: () => Promise.reject(new Error("down")) });
    await expect(book.get()).rejects.toThrow("down");
    await expect(book.get()).rejects.toThrow("down");
  });

  it("costs unlisted or unpriced models as null with a reason, unless fallback rates are given", async () => {
    const list = await new PriceBook(countingSource()).get();
    expect(list.cost("unpriced", { prompt_tokens: 1, completion_tokens: 1 })).toEqual({
      cost: null,
      reason: "the catalogue gives unpriced no pricing",
    });
    expect(list.cost("nowhere", { prompt_tokens: 1, completion_tokens: 1 })).toEqual({
      cost: null,
      reason: "the catalogue does not list nowhere",
    });
    const withFallback = await new PriceBook(countingSource(), {
      fallbackRates: { inputPer1M: "3", outputPer1M: "15" },
    }).get();
    expect(
      withFallback.cost("nowhere", { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }).cost?.total,
    ).toBe("18");
    // A model the catalogue prices keeps its own rates.
    expect(withFallback.rates("cheap")).toMatchObject({ inputPer1M: "1", outputPer1M: "4" });
  });
});
