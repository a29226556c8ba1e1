import { describe, expect, it } from "vitest";
import { buildChatRequest } from "../src/internal/chat-request.js";

const model = "env-model";

describe("buildChatRequest", () => {
  it("builds a v1 body with the model, system prompt and numeric flags", () => {
    const request = buildChatRequest(
      { system: "S", "max-tokens": "8", temperature: "0", n: "3" },
      "P",
      model,
    );
    expect(request).toEqual({
      api: "v1",
      body: {
        model,
        max_tokens: 8,
        temperature: 0,
        n: 3,
        messages: [
          { role: "system", content: "S" },
          { role: "user", content: "P" },
        ],
      },
    });
  });

  it("routes v2 by exactly one of auto-routing, model or family", () => {
    expect(buildChatRequest({ api: "v2" }, "P", model).body).toMatchObject({ auto_routing: true });
    expect(buildChatRequest({ api: "v2", model: "m" }, "P", "m").body).toMatchObject({ model: "m" });
    expect(buildChatRequest({ "model-family": "OpenAI" }, "P", model)).toMatchObject({
      api: "v2",
      // Any case is accepted; the family is sent as the docs spell it.
      body: { model_family: "openai" },
    });
    expect(() => buildChatRequest({ "model-family": "openai", model: "m" }, "P", "m")).toThrow(
      "--model and --model-family",
    );
  });

  it("checks ranges per endpoint and v2-only flags", () => {
    expect(buildChatRequest({ api: "v2", temperature: "1.8" }, "P", model).body.temperature).toBe(1.8);
    expect(() => buildChatRequest({ temperature: "1.8" }, "P", model)).toThrow("≤ 1");
    expect(() => buildChatRequest({ api: "v1", tradition: "catholic" }, "P", model)).toThrow("need --api v2");
    expect(() => buildChatRequest({ api: "v3" }, "P", model)).toThrow('--api must be v1 or v2, got "v3".');
    expect(() => buildChatRequest({ "model-family": "open-source" }, "P", model)).toThrow(
      "--model-family must be one of",
    );
  });
});
