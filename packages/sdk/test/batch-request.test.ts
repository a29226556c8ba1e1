// Batch input lines: every problem of a line named, and the quote a budget reserves.
import { checkBatchRequest, createPriceList, type Model, quoteRequest } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const messages = [{ role: "user", content: "x".repeat(40) }];

describe("checkBatchRequest", () => {
  it("maps the url to the API, or uses the default for lines without one", () => {
    expect(
      checkBatchRequest({
        custom_id: "a",
        url: "/v2/chat/completions",
        body: { auto_routing: true, messages },
      }),
    ).toMatchObject({ request: { customId: "a", api: "v2" } });
    expect(checkBatchRequest({ custom_id: "a", body: { messages } }, "v1")).toMatchObject({
      request: { api: "v1" },
    });
  });

  it("lists every problem of a line", () => {
    const check = checkBatchRequest({
      method: "GET",
      url: "/v1/embeddings",
      body: { messages: [], stream: true },
    });
    expect(check.problems).toEqual([
      'has no custom_id: add a unique non-empty "custom_id" string',
      'has method "GET": only "POST" is supported',
      'has url "/v1/embeddings": use "/v1/chat/completions" or "/v2/chat/completions"',
      "asks for stream: true: a batch stores whole replies, remove it",
      "body: messages: is empty: the API keeps no history, so send the whole conversation ending with a user message.",
    ]);
  });

  it("applies the SDK's guard, v2 routing included", () => {
    const check = checkBatchRequest({ custom_id: "a", url: "/v2/chat/completions", body: { messages } });
    expect(check.problems).toEqual([
      expect.stringContaining("v2 needs exactly one of auto_routing: true, model or model_family"),
    ]);
    expect(checkBatchRequest({ custom_id: "a", body: { messages } }).problems).toEqual([
      'has no "url": add "/v1/chat/completions" or "/v2/chat/completions"',
    ]);
    expect(checkBatchRequest("text").problems).toHaveLength(1);
  });
});

describe("quoteRequest", () => {
  const model = (
    id: string,
    family: string,
    input: string,
    output: string,
    extra: Partial<Model> = {},
  ): Model => ({
    id,
    family,
    max_output_tokens: 1000,
    output_modalities: ["text"],
    pricing: { input: { rate_per_1m_tokens: input }, output: { rate_per_1m_tokens: output } },
    ...extra,
  });
  const prices = createPriceList(
    [
      model("cheap", "OpenAI", "1", "1"),
      model("dear", "Anthropic", "10", "100"),
      model("image", "Anthropic", "1000", "1000", { output_modalities: ["image"] }),
    ],
    "catalog",
    0,
  );
  const v2 = (body: Record<string, unknown>) => {
    const check = checkBatchRequest({
      custom_id: "a",
      url: "/v2/chat/completions",
      body: { messages, ...body },
    });
    if (check.problems) throw new Error(check.problems.join());
    return check.request;
  };

  it("a direct model: prompt estimate × input rate + max_tokens × n × output rate", () => {
    const quote = quoteRequest(v2({ model: "dear", max_tokens: 100, n: 2 }), prices);
    // 40 characters → 10 tokens + 4 for the message.
    expect(quote).toMatchObject({ promptTokens: 14, maxCompletionTokens: 200, candidates: ["dear"] });
    expect(quote.worst).toBe(14n * 10n * 10n ** 18n + 200n * 100n * 10n ** 18n);
  });

  it("auto_routing and model_family reserve the dearest text model they may be routed to", () => {
    const auto = quoteRequest(v2({ auto_routing: true, max_tokens: 10 }), prices);
    expect(auto.candidates).toEqual(["cheap", "dear"]);
    expect(auto.worst).toBe(quoteRequest(v2({ model: "dear", max_tokens: 10 }), prices).worst);
    const family = quoteRequest(v2({ model_family: "anthropic", max_tokens: 10 }), prices);
    expect(family.candidates).toEqual(["dear"]);
  });

  it("without max_tokens, the model's max_output_tokens bounds the reply", () => {
    expect(quoteRequest(v2({ model: "cheap" }), prices).worst).toBe((14n + 1000n) * 10n ** 18n);
  });

  it("an unknown price is undefined with the reason, never NaN", () => {
    const check = checkBatchRequest({ custom_id: "a", body: { messages } }, "v1");
    if (check.problems) throw new Error("invalid");
    const quote = quoteRequest(check.request, prices);
    expect(quote.worst).toBeUndefined();
    expect(quote.reason).toBe("the catalogue does not list us.meta.llama3-3-70b-instruct-v1:0");
    expect(quoteRequest(v2({ model_family: "google" }), prices).reason).toContain("no text model of family");
  });
});
