// GET /platform/v2/models: the fixture catalogue, and what the router answers for each entry.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, BASE, postJson, tokenFor } from "./helpers/emulator.js";

interface Listing {
  object: string;
  data: {
    id: string;
    name: string;
    family: string;
    supports_tools: boolean;
    output_modalities: string[];
    pricing?: { input: { rate_per_1m_tokens: unknown } };
  }[];
}

async function listing(): Promise<Listing> {
  const response = await createEmulator().fetch(new Request(`${BASE}/platform/v2/models`));
  return (await response.json()) as Listing;
}

describe("models catalogue", () => {
  it("lists the documented V2 ids as {object: list, data}, without emulator-only fields", async () => {
    const models = await listing();
    expect(models.object).toBe("list");
    const ids = models.data.map((model) => model.id);
    for (const id of [
      "gloo-anthropic-claude-haiku-4.5",
      "gloo-google-gemini-2.5-pro",
      "gloo-openai-gpt-5.2",
      "gloo-deepseek-v3.2",
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(typeof models.data[0]?.pricing?.input.rate_per_1m_tokens).toBe("string");
    expect(models.data.find((model) => model.id === "gloo-deepseek-r1")?.supports_tools).toBe(false);
    expect(JSON.stringify(models)).not.toContain('"apis"');
    expect(JSON.stringify(models)).not.toContain('"retired"');
  });

  it("lists no V1-only or retired id", async () => {
    const ids = (await listing()).data.map((model) => model.id);
    for (const id of [
      "us.meta.llama3-3-70b-instruct-v1:0",
      "meta.llama3-70b-instruct-v1:0",
      "us.anthropic.claude-sonnet-4-20250514-v1:0",
      "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
      "gloo-google-gemini-3-pro-preview",
      "gloo-google-gemini-3.1-flash-lite-preview",
    ]) {
      expect(ids).not.toContain(id);
    }
  });

  it("every listed text model answers a V2 probe, as Gloo's canary builds one per listed model", async () => {
    const emulator = createEmulator({ seed: 1 });
    const token = await tokenFor(emulator);
    const models = (await listing()).data.filter((model) => model.output_modalities.includes("text"));
    expect(models.length).toBeGreaterThan(30);
    for (const model of models) {
      const body = { model: model.id, auto_routing: false, messages: ask("Reply with only: OK") };
      const response = await postJson(emulator, "/ai/v2/chat/completions", body, token);
      expect({ id: model.id, status: response.status }).toEqual({ id: model.id, status: 200 });
      expect(((await response.json()) as { model: string }).model).toBe(model.id);
    }
  });

  it("carries the 2026-05-26 changelog's models, without a price Gloo does not publish", async () => {
    const byName = new Map((await listing()).data.map((model) => [model.name, model]));
    for (const name of [
      "Claude Opus 4.8",
      "GPT-5.3 Codex",
      "Claude Opus 4.7 Fast",
      "Claude Opus 4.6 Fast",
      "Qwen 3.5 Plus",
      "Qwen 3.5 27B",
      "Qwen 3 235B A22B",
      "GLM-4.7 Flash",
      "MiMo V2 Flash",
      "MiMo V2.5",
      "Gemini 3.1 Flash Lite",
    ]) {
      const model = byName.get(name);
      expect(model, name).toBeDefined();
      expect(model?.pricing, name).toBeUndefined();
    }
    expect([...byName.keys()].some((name) => /preview/i.test(name) && /3\.1 flash lite/i.test(name))).toBe(
      false,
    );
  });

  it("names families as Gloo's registry does", async () => {
    const models = (await listing()).data;
    expect(models.find((model) => model.id === "gloo-bfl-flux-2-pro")?.family).toBe("Black Forest Labs");
    const families = new Set(models.map((model) => model.family));
    expect([...families].sort()).toEqual([
      "Anthropic",
      "Black Forest Labs",
      "Google",
      "Open Source",
      "OpenAI",
    ]);
  });
});

describe("retired and V1-only ids", () => {
  const emulator = createEmulator();

  it("a retired id answers 400 naming the day and the successor, on V2 and V1", async () => {
    const token = await tokenFor(emulator);
    for (const path of ["/ai/v2/chat/completions", "/ai/v1/chat/completions"]) {
      const body = { model: "gloo-google-gemini-3-pro-preview", messages: ask("Hi") };
      const response = await postJson(emulator, path, body, token);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { message: string; code: number } }).error;
      expect(error.code).toBe(1001);
      expect(error.message).toContain("retired on 2026-04-27");
      expect(error.message).toContain('"gloo-google-gemini-3.1-pro"');
    }
  });

  it("the V1 ids still answer on V1", async () => {
    const token = await tokenFor(emulator);
    const body = { model: "us.anthropic.claude-3-7-sonnet-20250219-v1:0", messages: ask("Hi") };
    const response = await postJson(emulator, "/ai/v1/chat/completions", body, token);
    expect(response.status).toBe(200);
  });
});
