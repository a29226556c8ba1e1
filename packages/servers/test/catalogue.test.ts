// GET /platform/v2/models: the fixture catalogue.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers/emulator.js";

interface Listing {
  object: string;
  data: {
    id: string;
    family: string;
    supports_tools: boolean;
    output_modalities: string[];
    pricing: { input: { rate_per_1m_tokens: unknown } };
  }[];
}

describe("models catalogue", () => {
  it("lists the documented V2 ids and the V1 ids as {object: list, data}", async () => {
    const response = await createEmulator().fetch(new Request(`${BASE}/platform/v2/models`));
    const listing = (await response.json()) as Listing;
    expect(listing.object).toBe("list");
    const ids = listing.data.map((model) => model.id);
    for (const id of [
      "gloo-anthropic-claude-haiku-4.5",
      "gloo-google-gemini-2.5-pro",
      "gloo-openai-gpt-5.2",
      "gloo-deepseek-v3.2",
      "us.meta.llama3-3-70b-instruct-v1:0",
      "us.anthropic.claude-sonnet-4-20250514-v1:0",
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      listing.data.every((model) => ["Anthropic", "OpenAI", "Google", "Open Source"].includes(model.family)),
    ).toBe(true);
    expect(typeof listing.data[0]?.pricing.input.rate_per_1m_tokens).toBe("string");
    expect(listing.data.find((model) => model.id === "gloo-deepseek-r1")?.supports_tools).toBe(false);
    expect(JSON.stringify(listing)).not.toContain('"apis"');
  });
});
