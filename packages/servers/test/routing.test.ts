// Model resolution on V1 and the three routing mechanisms of V2, with routing metadata.
import { createEmulator } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { ask, postJson, tokenFor } from "./helpers/emulator.js";

const emulator = createEmulator({ seed: 5 });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

const v2 = async (body: Record<string, unknown>) => {
  const response = await postJson(
    emulator,
    "/ai/v2/chat/completions",
    { messages: ask("What is hope?"), ...body },
    token,
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("routing", () => {
  it("V1 defaults the model to us.meta.llama3-3-70b-instruct-v1:0 and accepts gloo-* ids too", async () => {
    const plain = await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, token);
    expect(await plain.json()).toMatchObject({ model: "us.meta.llama3-3-70b-instruct-v1:0" });
    const alias = await postJson(
      emulator,
      "/ai/v1/chat/completions",
      { messages: ask("Hi"), model: "gloo-anthropic-claude-haiku-4.5" },
      token,
    );
    expect(await alias.json()).toMatchObject({ model: "gloo-anthropic-claude-haiku-4.5" });
  });

  it("auto_routing picks a tier and reports the routing metadata", async () => {
    const { status, body } = await v2({ auto_routing: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      provider: "Gloo AI",
      auto_routing: true,
      routing_mechanism: "auto_routing",
      routing_tier: "tier_1",
    });
    expect(body.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/);
    expect(body.routing_confidence).toBeGreaterThanOrEqual(0);
    expect(body.routing_confidence).toBeLessThanOrEqual(1);
    expect(body).not.toHaveProperty("tradition");
  });

  it("model_family is case-insensitive and answered in canonical casing", async () => {
    for (const family of ["open source", "Open Source", "OPEN SOURCE"]) {
      const { status, body } = await v2({ model_family: family, auto_routing: false });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        model_family: "Open Source",
        routing_mechanism: "model_family",
        auto_routing: false,
      });
    }
  });

  it('a misspelt model_family ("open-source") is a 422 that echoes the input and lists the accepted values', async () => {
    const { status, body } = await v2({ model_family: "open-source" });
    expect(status).toBe(422);
    const [issue] = body.detail as { msg: string; input: unknown }[];
    expect(issue?.input).toEqual({ model_family: "open-source" });
    expect(issue?.msg).toContain("'Open Source'");
  });

  it("direct model selection omits tier and confidence and echoes tradition when sent", async () => {
    const { body } = await v2({ model: "gloo-openai-gpt-5.2", tradition: "evangelical" });
    expect(body).toMatchObject({
      model: "gloo-openai-gpt-5.2",
      model_family: "OpenAI",
      routing_mechanism: "direct_model_selection",
      tradition: "evangelical",
    });
    expect(body).not.toHaveProperty("routing_tier");
    expect(body).not.toHaveProperty("routing_confidence");
  });

  it("rejects two routing mechanisms, and none, with a 400 that names the rule", async () => {
    const both = await v2({ model: "gloo-openai-gpt-5.2", auto_routing: true });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ error: { code: 1001, retryable: false } });
    expect(JSON.stringify(both.body)).toContain("Only one routing mechanism allowed");
    const none = await v2({ auto_routing: false });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("exactly one of auto_routing: true, model, or model_family");
  });

  it("rejects unknown models, V1-only ids on V2, image-only models, and tools on tool-less models", async () => {
    const unknown = await v2({ model: "gloo-nope" });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('Unknown model \\"gloo-nope\\"');
    const v1Only = await v2({ model: "us.meta.llama3-3-70b-instruct-v1:0" });
    expect(v1Only.status).toBe(400);
    // Not "unknown": the id is in the catalogue, so the message says where it does work.
    expect(JSON.stringify(v1Only.body)).toContain("is a Completions V1 model: call /ai/v1/chat/completions");
    expect((await v2({ model: "gloo-bfl-flux-2-pro" })).status).toBe(400);
    const tools = [{ type: "function", function: { name: "lookup" } }];
    const toolless = await v2({ model: "gloo-meta-llama-3.1-8b-instruct", tools });
    expect(toolless.status).toBe(400);
    expect(JSON.stringify(toolless.body)).toContain("does not support function calling");
  });
});
