// The legacy Chat API's messages: POST /ai/v1/message (and /kallm), GET and PATCH /ai/v1/chat,
// DELETE /ai/v1/message, with the documented shapes.
import { createEmulator } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, postJson, tokenFor } from "./helpers/emulator.js";

const emulator = createEmulator({ now: () => Date.UTC(2026, 4, 26, 12) });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

const call = (method: string, path: string, body?: unknown) =>
  emulator.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );

interface Posted {
  chat_id: string;
  query_id: string;
  message_id: string;
  timestamp: string;
  success: boolean;
  message: string;
  model: string;
  sources: { publisher: string; title: string }[];
  sources_limit: number;
  suggestions: string[];
  intent: number;
}

interface ChatBody {
  chat_id: string;
  title: string;
  pin: unknown;
  messages: Record<string, unknown>[];
}

const ID = (prefix: string) =>
  new RegExp(`^${prefix}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);

describe("POST /ai/v1/message", () => {
  it("without chat_id creates a chat and answers the documented shape", async () => {
    const response = await postJson(
      emulator,
      "/ai/v1/message",
      {
        query: "Reply with only: Gloo AI Chat",
        character_limit: 1000,
        sources_limit: 5,
        stream: false,
        publishers: [],
        enable_suggestions: 1,
      },
      token,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Posted;
    expect(body.chat_id).toMatch(ID("c"));
    expect(body.query_id).toMatch(ID("q"));
    expect(body.message_id).toMatch(ID("m"));
    expect(body.timestamp).toBe("2026-05-26T12:00:00.000");
    expect(body).toMatchObject({
      success: true,
      message: "Gloo AI Chat",
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      sources: [],
      sources_limit: 5,
      intent: 0,
    });
    expect(body.suggestions).toHaveLength(3);
  });

  it("continues a chat, and GET /ai/v1/chat lists the user and kallm messages in order", async () => {
    const first = (await (
      await postJson(emulator, "/ai/v1/message", { query: "Explain grace." }, token)
    ).json()) as Posted;
    const second = (await (
      await postJson(
        emulator,
        "/ai/v1/message?intent=1&enable_suggestions=0",
        { chat_id: first.chat_id, query: "Reply with only: more" },
        token,
      )
    ).json()) as Posted;
    expect(second.chat_id).toBe(first.chat_id);
    expect(second.suggestions).toEqual([]);
    expect(second.intent).toBe(1);
    const chat = (await (await call("GET", `/ai/v1/chat?chat_id=${first.chat_id}`)).json()) as ChatBody;
    expect(chat.title).toBe("Explain grace.");
    expect(chat.messages.map((m) => [m.role, m.message])).toEqual([
      ["user", "Explain grace."],
      ["kallm", first.message],
      ["user", "Reply with only: more"],
      ["kallm", "more"],
    ]);
    expect(Object.keys(chat.messages[0] as object).sort()).toEqual(
      [
        "character_limit",
        "intent",
        "message",
        "message_id",
        "model",
        "publishers",
        "query_id",
        "role",
        "stream",
        "timestamp",
      ].sort(),
    );
    expect(Object.keys(chat.messages[1] as object).sort()).toEqual(
      [
        "intent",
        "message",
        "message_id",
        "model",
        "query_id",
        "role",
        "sources",
        "sources_limit",
        "success",
        "suggestions",
        "timestamp",
      ].sort(),
    );
    expect(chat.messages[1]?.message_id).toBe(first.message_id);
    expect(chat.messages[0]?.query_id).toBe(first.query_id);
  });

  it("takes chat_id as a query parameter, cuts the reply at character_limit, and cites named corpus publishers", async () => {
    const { chat_id } = (await (
      await postJson(emulator, "/ai/v1/message", { query: "Hi" }, token)
    ).json()) as Posted;
    const body = (await (
      await postJson(
        emulator,
        `/ai/v1/message?chat_id=${chat_id}`,
        {
          query: "Is love patient and kind?",
          character_limit: 12,
          publishers: ["WorldEnglishBible", "Unknown"],
          sources_limit: 1,
        },
        token,
      )
    ).json()) as Posted;
    expect(body.chat_id).toBe(chat_id);
    expect(body.message.length).toBeLessThanOrEqual(12);
    expect(body.sources.map((s) => [s.publisher, s.title])).toEqual([
      ["WorldEnglishBible", "1 Corinthians 13:4-7"],
    ]);
    const none = (await (
      await postJson(
        emulator,
        "/ai/v1/message?enable_sources=0",
        { query: "Is love patient?", publishers: ["WorldEnglishBible"] },
        token,
      )
    ).json()) as Posted;
    expect(none.sources).toEqual([]);
  });

  it("POST /ai/v1/message/kallm answers {query_id, message_id, message, timestamp} and records the turn", async () => {
    const response = await postJson(emulator, "/ai/v1/message/kallm", { query: "Say exactly: KALLM" }, token);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["message", "message_id", "query_id", "timestamp"]);
    expect(body.message).toBe("KALLM");
  });

  it("answers 422s that name the field, 404 for an unknown chat, 401 without a token", async () => {
    const missing = await postJson(emulator, "/ai/v1/message", { stream: "yes" }, token);
    expect(missing.status).toBe(422);
    const locs = ((await missing.json()) as { detail: { loc: string[] }[] }).detail.map((d) =>
      d.loc.join("."),
    );
    expect(locs).toEqual(expect.arrayContaining(["body.query", "body.stream"]));
    const badIntent = await postJson(emulator, "/ai/v1/message?intent=7", { query: "Hi" }, token);
    expect(((await badIntent.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual([
      "query",
      "intent",
    ]);
    expect(
      (await postJson(emulator, "/ai/v1/message", { chat_id: "cnope", query: "Hi" }, token)).status,
    ).toBe(404);
    expect((await postJson(emulator, "/ai/v1/message", { query: "Hi" }, undefined)).status).toBe(401);
  });
});

describe("a chat created by POST /ai/v1/chat", () => {
  it("still shows messages: [] (as the quickstart observed)", async () => {
    const { chat_id } = (await (
      await postJson(emulator, "/ai/v1/chat", { query: "Revelation?" }, token)
    ).json()) as ChatBody;
    const chat = (await (await call("GET", `/ai/v1/chat?chat_id=${chat_id}`)).json()) as ChatBody;
    expect(chat.messages).toEqual([]);
  });
});

describe("PATCH /ai/v1/chat and DELETE /ai/v1/message", () => {
  it("updates pin, title and summary, answering {chat_id, field, value}", async () => {
    const { chat_id } = (await (
      await postJson(emulator, "/ai/v1/message", { query: "Hi" }, token)
    ).json()) as Posted;
    for (const [field, value] of [
      ["pin", true],
      ["title", "Renamed"],
      ["summary", "A short chat"],
    ] as const) {
      const response = await call("PATCH", `/ai/v1/chat?chat_id=${chat_id}&chat_field=${field}`, {
        new_value: value,
      });
      expect(await response.json()).toEqual({ chat_id, field, value });
    }
    const chat = (await (await call("GET", `/ai/v1/chat?chat_id=${chat_id}`)).json()) as ChatBody & {
      summary: string;
    };
    expect([chat.pin, chat.title, chat.summary]).toEqual([true, "Renamed", "A short chat"]);
  });

  it("refuses an unknown field, a missing new_value, a non-boolean pin, missing parameters and unknown chats", async () => {
    const { chat_id } = (await (
      await postJson(emulator, "/ai/v1/message", { query: "Hi" }, token)
    ).json()) as Posted;
    const cases: [string, unknown, number, string][] = [
      [`?chat_id=${chat_id}&chat_field=color`, { new_value: 1 }, 422, "query.chat_field"],
      [`?chat_id=${chat_id}&chat_field=title`, {}, 422, "body.new_value"],
      [`?chat_id=${chat_id}&chat_field=pin`, { new_value: "yes" }, 422, "body.new_value"],
      [`?chat_id=${chat_id}`, { new_value: 1 }, 422, "query.chat_field"],
      ["?chat_id=cnope&chat_field=pin", { new_value: true }, 404, ""],
    ];
    for (const [query, body, status, loc] of cases) {
      const response = await call("PATCH", `/ai/v1/chat${query}`, body);
      expect({ query, status: response.status }).toEqual({ query, status });
      if (loc !== "") {
        const detail = ((await response.json()) as { detail: { loc: string[] }[] }).detail;
        expect(detail.map((d) => d.loc.join("."))).toContain(loc);
      }
    }
  });

  it("deletes one message: {deleted: true, message_id}, then 404; the GET no longer lists it", async () => {
    const posted = (await (
      await postJson(emulator, "/ai/v1/message", { query: "Hi" }, token)
    ).json()) as Posted;
    const path = `/ai/v1/message?message_id=${posted.message_id}&query_id=${posted.query_id}`;
    const deleted = await call("DELETE", path);
    expect(await deleted.json()).toEqual({ deleted: true, message_id: posted.message_id });
    expect((await call("DELETE", path)).status).toBe(404);
    const chat = (await (await call("GET", `/ai/v1/chat?chat_id=${posted.chat_id}`)).json()) as ChatBody;
    expect(chat.messages.map((m) => m.role)).toEqual(["user"]);
    const missing = await call("DELETE", "/ai/v1/message?message_id=m1");
    expect(((await missing.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual([
      "query",
      "query_id",
    ]);
  });
});
