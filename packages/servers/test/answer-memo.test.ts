// Remembered answers: a resent temperature-0 body gets the same reply with a fresh id and
// timestamp; temperature > 0 still draws from the PRNG; auth and faults still apply per request.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, type Chunk, postJson, sseData, tokenFor } from "./helpers/emulator.js";

interface Completion {
  id: string;
  created: number;
  choices: { message: { content: string | null } }[];
  usage: { total_tokens: number };
}

const V1 = "/ai/v1/chat/completions";
const V2 = "/ai/v2/chat/completions";

describe("resending the same completion body", () => {
  it("answers the same text at temperature 0, with a new id and created from the clock each time", async () => {
    let now = 1_700_000_000_000;
    const emulator = createEmulator({ seed: 3, now: () => now });
    const token = await tokenFor(emulator);
    const body = { messages: ask("Explain the seven seals in two concise sentences."), temperature: 0 };
    for (const path of [V1, V2]) {
      const send = { ...body, ...(path === V2 ? { auto_routing: true } : {}) };
      const firstText = await (await postJson(emulator, path, send, token)).text();
      now += 5_000;
      const second = await postJson(emulator, path, send, token);
      const first = JSON.parse(firstText) as Completion;
      const again = (await second.json()) as Completion;
      expect(again.id).not.toBe(first.id);
      expect(again.created).toBe(first.created + 5);
      expect({ ...again, id: first.id, created: first.created }).toEqual(first);
      expect(second.headers.get("content-type")).toBe("application/json");
      expect(second.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      // The body is plain JSON, in the same text form a fresh answer has.
      expect(firstText).toBe(JSON.stringify(first));
    }
  });

  it("draws afresh at temperature > 0: each reply is the one the PRNG's current value gives", async () => {
    let value = 0;
    const random = () => value;
    const emulator = createEmulator({ random });
    const token = await tokenFor(emulator);
    const body = { messages: ask("Describe the book of Ruth."), temperature: 1 };
    const contentOf = async (target = emulator, bearer = token) =>
      ((await (await postJson(target, V1, body, bearer)).json()) as Completion).choices[0]?.message.content;
    const low = await contentOf();
    value = 0.99;
    const high = await contentOf();
    expect(high).not.toBe(low);
    const fresh = createEmulator({ random });
    expect(await contentOf(fresh, await tokenFor(fresh))).toBe(high);
  });

  it("still checks the token and applies faults on every request", async () => {
    const emulator = createEmulator({ seed: 5 });
    const token = await tokenFor(emulator);
    const body = { messages: ask("Describe the book of Ruth."), temperature: 0 };
    expect((await postJson(emulator, V1, body, token)).status).toBe(200);
    expect((await postJson(emulator, V1, body, token, { "x-emulator-fault": "503" })).status).toBe(503);
    emulator.revokeTokens();
    expect((await postJson(emulator, V1, body, token)).status).toBe(401);
  });

  it("streams the same text as the JSON answer when the body asks for a stream", async () => {
    const emulator = createEmulator({ seed: 5 });
    const token = await tokenFor(emulator);
    const body = { messages: ask("Describe the book of Ruth."), temperature: 0 };
    const json = (await (await postJson(emulator, V1, body, token)).json()) as Completion;
    for (let i = 0; i < 2; i++) {
      const chunks = (await sseData(
        await postJson(emulator, V1, { ...body, stream: true }, token),
      )) as Chunk[];
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
      expect(text).toBe(json.choices[0]?.message.content);
    }
  });

  it("keeps answering correctly after more distinct bodies than it remembers", async () => {
    const emulator = createEmulator({ seed: 5 });
    const token = await tokenFor(emulator);
    const body = (i: number) => ({ messages: ask(`Reply with only: WORD-${i}`), temperature: 0 });
    for (let i = 0; i < 300; i++) {
      const answer = (await (await postJson(emulator, V1, body(i), token)).json()) as Completion;
      expect(answer.choices[0]?.message.content).toBe(`WORD-${i}`);
    }
    const first = (await (await postJson(emulator, V1, body(0), token)).json()) as Completion;
    expect(first.choices[0]?.message.content).toBe("WORD-0");
  });

  it("answers long bodies (not remembered, to bound memory) the same way each time", async () => {
    const emulator = createEmulator({ seed: 5 });
    const token = await tokenFor(emulator);
    const context = { role: "system", content: "x ".repeat(20_000) };
    const body = { messages: [context, ...ask("Reply with only: LONG")], temperature: 0 };
    for (let i = 0; i < 2; i++) {
      const answer = (await (await postJson(emulator, V1, body, token)).json()) as Completion;
      expect(answer.choices[0]?.message.content).toBe("LONG");
      expect(answer.usage.total_tokens).toBeGreaterThan(20_000);
    }
  });
});
