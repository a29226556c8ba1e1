// The legacy chat pair the quickstart warns about.
import { createEmulator } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, postJson, tokenFor } from "./helpers/emulator.js";

const emulator = createEmulator();
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

const get = (query: string, bearer = token) =>
  emulator.fetch(
    new Request(`${BASE}/ai/v1/chat${query}`, { headers: { authorization: `Bearer ${bearer}` } }),
  );

describe("legacy chat", () => {
  it("POST {query} answers a chat_id, and GET ?chat_id= answers that chat with messages: []", async () => {
    const created = await postJson(
      emulator,
      "/ai/v1/chat",
      { query: "Your question about Revelation..." },
      token,
    );
    expect(created.status).toBe(200);
    const { chat_id } = (await created.json()) as { chat_id: string };
    expect(chat_id).toMatch(/^c[0-9a-f-]{36}$/);
    const chat = await get(`?chat_id=${chat_id}`);
    expect(chat.status).toBe(200);
    expect(await chat.json()).toMatchObject({
      chat_id,
      user_id: "emulator-client",
      messages: [],
      pin: false,
      summary: null,
      title: "Your question about Revelation...",
    });
  });

  it("answers a GET without chat_id with the documented 422 body", async () => {
    const response = await get("");
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [{ type: "missing", loc: ["query", "chat_id"], msg: "Field required", input: null }],
    });
  });

  it("answers an unknown chat with 404 and a missing query with 422", async () => {
    expect((await get("?chat_id=c-unknown")).status).toBe(404);
    const missing = await postJson(emulator, "/ai/v1/chat", {}, token);
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ detail: [{ type: "missing", loc: ["body", "query"] }] });
  });

  it("requires a bearer token on both", async () => {
    expect((await postJson(emulator, "/ai/v1/chat", { query: "x" }, undefined)).status).toBe(401);
    expect((await get("?chat_id=x", "bad")).status).toBe(401);
  });
});
