// SSE streams: chunk order, interleaved choices, usage chunk, [DONE] only on request, tool deltas.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, type Chunk, postJson, sseData, tokenFor } from "./helpers/emulator.js";

async function stream(
  body: Record<string, unknown>,
  options: Parameters<typeof createEmulator>[0] = {},
  api = "v1",
) {
  const emulator = createEmulator({ seed: 7, ...options });
  const response = await postJson(
    emulator,
    `/ai/${api}/chat/completions`,
    { ...body, stream: true },
    await tokenFor(emulator),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return sseData(response);
}

const textOf = (chunks: unknown[], index = 0) =>
  (chunks as Chunk[])
    .flatMap((chunk) => chunk.choices ?? [])
    .filter((choice) => choice.index === index)
    .map((choice) => choice.delta.content ?? "")
    .join("");

describe("streams", () => {
  it("sends the role first, one token per chunk, and ends on the finish_reason chunk without [DONE]", async () => {
    const chunks = (await stream({
      messages: ask("Reply with only: STREAM-OK"),
      temperature: 0,
      max_tokens: 8,
    })) as Chunk[];
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.slice(1, -1).map((c) => c.choices[0]?.delta.content)).toEqual(["STREAM", "-", "OK"]);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.slice(0, -1).every((c) => c.choices[0]?.finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((c) => (c as unknown as { id: string }).id)).size).toBe(1);
  });

  it("adds data: [DONE] when doneSentinel is set", async () => {
    const chunks = await stream({ messages: ask("Reply with only: X") }, { doneSentinel: true });
    expect(chunks.at(-1)).toBe("[DONE]");
  });

  it("adds a usage chunk with choices: [] for stream_options.include_usage, matching the streamed text", async () => {
    const chunks = (await stream({
      messages: ask("Explain the beatitudes."),
      stream_options: { include_usage: true },
      temperature: 0,
    })) as Chunk[];
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    const content = chunks.filter((c) => c.choices[0]?.delta.content).length;
    expect(usage?.usage?.completion_tokens).toBe(content);
    expect(usage?.usage?.total_tokens).toBe((usage?.usage?.prompt_tokens ?? 0) + content);
  });

  it("interleaves n choices and gives each its own finish_reason", async () => {
    const chunks = (await stream({
      messages: ask("Say ONE word that is exactly SUN."),
      n: 3,
      temperature: 0,
    })) as Chunk[];
    for (const index of [0, 1, 2]) {
      expect(textOf(chunks, index)).toBe("SUN");
      expect(chunks.some((c) => c.choices[0]?.index === index && c.choices[0].finish_reason === "stop")).toBe(
        true,
      );
    }
  });

  it('ends a truncated stream with finish_reason "length"', async () => {
    const chunks = (await stream({ messages: ask("Explain the psalms."), max_tokens: 3 })) as Chunk[];
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(3);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("streams tool calls as OpenAI tool_calls deltas", async () => {
    const tools = [
      {
        type: "function",
        function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } } } },
      },
    ];
    const chunks = (await stream({ messages: ask("Hi"), tools, tool_choice: "required" })) as Chunk[];
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []) as {
      function: { name?: string; arguments: string };
    }[];
    expect(deltas[0]?.function.name).toBe("lookup");
    expect(JSON.parse(deltas.map((d) => d.function.arguments).join(""))).toEqual({ q: "example-q" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("carries V2 routing metadata on every chunk", async () => {
    const chunks = await stream({ messages: ask("Hi"), model_family: "google" }, {}, "v2");
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ model_family: "Google", routing_mechanism: "model_family" });
  });

  it("waits tokenDelayMs between chunks through the injected sleep", async () => {
    const waits: number[] = [];
    const chunks = await stream(
      { messages: ask("Reply with only: A B C") },
      { tokenDelayMs: 20, sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual(Array(chunks.length).fill(20));
  });

  it("stops producing when the reader cancels", async () => {
    const emulator = createEmulator({ tokenDelayMs: 1 });
    const response = await postJson(
      emulator,
      "/ai/v1/chat/completions",
      { messages: ask("Explain everything."), stream: true },
      await tokenFor(emulator),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    expect((await reader.read()).done).toBe(true);
  });
});
