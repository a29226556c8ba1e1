// The router: routes, methods, x-request-id on every response.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, BASE, postJson, tokenFor } from "./helpers/emulator.js";

describe("createEmulator routing", () => {
  const emulator = createEmulator();

  it("puts a distinct x-request-id on every response, errors included", async () => {
    const responses = await Promise.all([
      emulator.fetch(new Request(`${BASE}/platform/v2/models`)),
      emulator.fetch(new Request(`${BASE}/nowhere`)),
      postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, undefined),
      postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, await tokenFor(emulator)),
    ]);
    const ids = responses.map((response) => response.headers.get("x-request-id"));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(4);
  });

  it("answers unknown paths with FastAPI's 404 and wrong methods with 405 and Allow", async () => {
    const missing = await emulator.fetch(new Request(`${BASE}/ai/v1/nothing`));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
    const wrong = await emulator.fetch(new Request(`${BASE}/ai/v2/chat/completions`));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(await wrong.json()).toEqual({ detail: "Method Not Allowed" });
  });

  it("answers with ordinary Responses: body stream, clone, single read", async () => {
    const response = await emulator.fetch(new Request(`${BASE}/platform/v2/models`));
    expect(response).toBeInstanceOf(Response);
    const copy = response.clone();
    const streamed = await new Response(response.body).json();
    expect(streamed).toMatchObject({ object: "list" });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await copy.json()).toEqual(streamed);
  });

  it("rejects nonsensical options when created", () => {
    expect(() => createEmulator({ tokenTtlSeconds: 0 })).toThrow(/tokenTtlSeconds/);
    expect(() => createEmulator({ faults: "nope" })).toThrow(/Bad fault/);
  });
});
