import { Gloo, GlooError } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { BASE_URL, fakePlatform } from "./helpers/fake-platform.js";

const catalogue = {
  object: "list",
  data: [
    {
      id: "gloo-anthropic-claude-haiku-4.5",
      name: "Claude Haiku 4.5",
      family: "Anthropic",
      provider_id: "anthropic/claude-haiku-4.5",
      context_window: 200000,
      max_output_tokens: 8192,
      supports_tools: true,
      pricing: { input: { rate_per_1m_tokens: "1.00" }, output: { rate_per_1m_tokens: "5.00" } },
    },
  ],
};

describe("gloo.models.list", () => {
  it("GETs /platform/v2/models without a token, even without credentials", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json(catalogue, { headers: { "x-request-id": "m-1" } }));
    const gloo = new Gloo({ baseURL: BASE_URL, fetch: platform.fetch });
    const list = await gloo.models.list();
    expect(list.data[0]?.id).toBe("gloo-anthropic-claude-haiku-4.5");
    expect(list.requestId).toBe("m-1");
    const request = platform.seen[0];
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe(`${BASE_URL}/platform/v2/models`);
    expect(request?.headers.has("authorization")).toBe(false);
    expect(platform.tokenRequests()).toHaveLength(0);
  });

  it("withResponse() hands over the raw response (status, headers) beside the parsed list", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json(catalogue, { headers: { date: "Tue, 01 Dec 2026 10:00:00 GMT" } }));
    const gloo = new Gloo({ baseURL: BASE_URL, fetch: platform.fetch });
    const { data, response } = await gloo.models.list().withResponse();
    expect(data.data).toHaveLength(1);
    expect(response.status).toBe(200);
    expect(response.headers.get("date")).toBe("Tue, 01 Dec 2026 10:00:00 GMT");
  });

  it("says so when the answer is not a catalogue", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json({ hello: "world" }));
    const gloo = new Gloo({ baseURL: BASE_URL, fetch: platform.fetch });
    await expect(gloo.models.list()).rejects.toThrow(GlooError);
  });
});
