// POST /ai/v2/chat/completions/grounded: V2 routing plus retrieval from the built-in corpus.
import { createEmulator, serve } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { ask, type Chunk, postJson, sseData, tokenFor } from "./helpers/emulator.js";

const PATH = "/ai/v2/chat/completions/grounded";
const emulator = createEmulator({ seed: 9 });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

interface Grounded {
  model: string;
  routing_mechanism?: string;
  sources_returned: boolean;
  choices: { message: { content: string }; finish_reason: string }[];
  citations?: { publisher: string; title: string; snippet: string }[];
}

const grounded = (body: unknown, headers: Record<string, string> = {}) =>
  postJson(emulator, PATH, body, token, headers);

describe("grounded completions", () => {
  it("answers from the passages about the question, with sources_returned and V2's routing metadata", async () => {
    const response = await grounded({
      auto_routing: true,
      rag_publisher: "WorldEnglishBible",
      sources_limit: 1,
      messages: ask("Is love patient and kind?"),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Grounded;
    expect(body.sources_returned).toBe(true);
    expect(body.routing_mechanism).toBe("auto_routing");
    expect(body.choices[0]?.message.content).toContain("Love is patient and is kind");
    expect(body.choices[0]?.message.content).toContain("1 Corinthians 13:4-7");
    expect(body.choices[0]?.message.content).not.toContain("Psalm 23");
  });

  it("cites up to sources_limit passages, best first, the same every time", async () => {
    const request = {
      model: "gloo-openai-gpt-5.2",
      messages: ask("What does Yahweh require: to love mercy? Does love hope all things?"),
      sources_limit: 2,
      temperature: 1.5,
    };
    const first = (await (await grounded(request)).json()) as Grounded;
    const second = (await (await grounded(request)).json()) as Grounded;
    expect(first.choices[0]?.message.content).toBe(second.choices[0]?.message.content);
    expect(first.choices[0]?.message.content.match(/\(([^,]+), World English Bible\)/g)).toHaveLength(2);
  });

  it("lets the model answer when it calls a tool, answers JSON or follows an exact-reply instruction", async () => {
    const base = { auto_routing: true, rag_publisher: "WorldEnglishBible" };
    const exact = (await (
      await grounded({ ...base, messages: ask("Is love patient? Reply with only: yes") })
    ).json()) as Grounded;
    expect([exact.sources_returned, exact.choices[0]?.message.content]).toEqual([true, "yes"]);
    const json = (await (
      await grounded({ ...base, messages: ask("Is love patient?"), response_format: { type: "json_object" } })
    ).json()) as Grounded;
    expect(JSON.parse(json.choices[0]?.message.content as string)).toMatchObject({
      topic: "Is love patient",
    });
    const tool = {
      type: "function",
      function: {
        name: "love_verse",
        description: "Find a verse about love",
        parameters: { type: "object", properties: {} },
      },
    };
    const called = (await (
      await grounded({ ...base, messages: ask("Is love patient?"), tools: [tool] })
    ).json()) as Grounded;
    expect(called.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("says sources_returned: false and answers from the model when nothing matches", async () => {
    const body = (await (
      await grounded({
        auto_routing: true,
        rag_publisher: "BunyanPilgrimsProgress",
        messages: ask("Reply with only: NONE"),
      })
    ).json()) as Grounded;
    expect(body.sources_returned).toBe(false);
    expect(body.choices[0]?.message.content).toBe("NONE");
  });

  it("defaults messages to one user message and rag_publisher to GlooGrounded", async () => {
    const response = await grounded({ auto_routing: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Grounded;
    expect(body.choices[0]?.message.content.length).toBeGreaterThan(0);
    const everyone = (await (
      await grounded({ auto_routing: true, messages: ask("Why is our heart restless?") })
    ).json()) as Grounded;
    expect(everyone.choices[0]?.message.content).toContain("Augustine of Hippo");
  });

  it("streams the citations as the first event, then the answer", async () => {
    const response = await grounded({
      auto_routing: true,
      rag_publisher: "AugustineConfessions",
      stream: true,
      messages: ask("Why is our heart restless?"),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await sseData(response)) as (Chunk & Grounded)[];
    const [first, ...rest] = events;
    expect(first?.choices).toEqual([]);
    expect(first?.citations?.[0]).toMatchObject({
      publisher: "AugustineConfessions",
      title: "Confessions, Book I, 1",
    });
    expect(rest.some((event) => "citations" in event)).toBe(false);
    const text = rest.map((event) => event.choices[0]?.delta.content ?? "").join("");
    expect(text).toContain("our heart is restless");
    expect(rest.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("sends no citations event with include_citations: false", async () => {
    const events = (await sseData(
      await grounded({
        auto_routing: true,
        stream: true,
        include_citations: false,
        messages: ask("Why is our heart restless?"),
      }),
    )) as Grounded[];
    expect(events.some((event) => "citations" in event)).toBe(false);
  });

  it("answers the documented errors", async () => {
    const empty = await grounded({ auto_routing: true, messages: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain("omit messages");
    const twoRoutes = await grounded({
      auto_routing: true,
      model: "gloo-openai-gpt-5.2",
      messages: ask("Hi"),
    });
    expect(twoRoutes.status).toBe(400);
    for (const limit of [0, 11, 2.5, "3"]) {
      const response = await grounded({ auto_routing: true, sources_limit: limit, messages: ask("Hi") });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual([
        "body",
        "sources_limit",
      ]);
    }
    const unknown = await grounded({ auto_routing: true, rag_publisher: "Nobody", messages: ask("Hi") });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain("WorldEnglishBible");
    const anonymous = await postJson(emulator, PATH, { auto_routing: true }, undefined);
    expect(anonymous.status).toBe(401);
  });

  it("refuses what the safety layer refuses, with sources_returned: false", async () => {
    const body = (await (
      await grounded({ auto_routing: true, messages: ask("Hi") }, { "x-emulator-fault": "moderation" })
    ).json()) as Grounded;
    expect([body.model, body.sources_returned, "routing_mechanism" in body]).toEqual(["", false, false]);
  });

  it("over a real socket: the citations event arrives first, before any content", async () => {
    const server = await serve(emulator.fetch, { port: 0 });
    try {
      const response = await fetch(`${server.url}${PATH}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          auto_routing: true,
          stream: true,
          messages: ask("Why is our heart restless?"),
        }),
      });
      const events = (await sseData(response)) as Grounded[];
      expect(events[0]?.citations?.[0]?.publisher).toBe("AugustineConfessions");
      expect(events.slice(1).every((event) => !("citations" in event))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
