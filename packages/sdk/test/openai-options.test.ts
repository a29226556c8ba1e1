import { Gloo, GlooError, openAICompatibleFetch, openAIOptions } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { BASE_URL, errorReply, fakePlatform, tokenValue } from "./helpers/fake-platform.js";

const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] });

describe("openAIOptions", () => {
  it("points at /ai/v2 by default and /ai/v1 on request", () => {
    const gloo = new Gloo(fakePlatform().options());
    expect(openAIOptions(gloo).baseURL).toBe(`${BASE_URL}/ai/v2`);
    expect(openAIOptions(gloo, { api: "v1" }).baseURL).toBe(`${BASE_URL}/ai/v1`);
  });

  it("rejects an unknown api with a message naming the allowed values", () => {
    const gloo = new Gloo(fakePlatform().options());
    expect(() => openAIOptions(gloo, { api: "v3" as "v2" })).toThrow(GlooError);
    expect(() => openAIOptions(gloo, { api: "v3" as "v2" })).toThrow(/"v1" or "v2"/);
  });

  it("apiKey resolves to the cached token: one token request for many calls", async () => {
    const platform = fakePlatform();
    const { apiKey } = openAIOptions(new Gloo(platform.options()));
    expect(await apiKey()).toBe(tokenValue(1));
    expect(await apiKey()).toBe(tokenValue(1));
    expect(platform.tokenRequests()).toHaveLength(1);
  });

  it("fetch sends the Gloo token in place of the client's API key, the body unchanged", async () => {
    const platform = fakePlatform();
    const options = openAIOptions(new Gloo(platform.options()));
    const response = await options.fetch(`${options.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer placeholder-key", "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(200);
    const [sent] = platform.apiRequests();
    expect(sent?.url).toBe(`${BASE_URL}/ai/v2/chat/completions`);
    expect(sent?.headers.get("authorization")).toBe(`Bearer ${tokenValue(1)}`);
    expect(sent?.body).toBe(body);
  });
});

describe("openAICompatibleFetch", () => {
  it("after a 401 renews the token once and resends the same body", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, { error: "Token expired" }));
    const fetch = openAICompatibleFetch(new Gloo(platform.options()));
    const response = await fetch(`${BASE_URL}/ai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-anything" },
      body,
    });
    expect(response.status).toBe(200);
    const sent = platform.apiRequests();
    expect(sent.map((request) => request.headers.get("authorization"))).toEqual([
      `Bearer ${tokenValue(1)}`,
      `Bearer ${tokenValue(2)}`,
    ]);
    expect(sent[1]?.body).toBe(body);
  });

  it("returns a second 401 as it is rather than retrying again", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, { error: "no" }), errorReply(401, { error: "still no" }));
    const fetch = openAICompatibleFetch(new Gloo(platform.options()));
    const response = await fetch(`${BASE_URL}/ai/v2/chat/completions`, { method: "POST", body });
    expect(response.status).toBe(401);
    expect(platform.apiRequests()).toHaveLength(2);
  });
});
