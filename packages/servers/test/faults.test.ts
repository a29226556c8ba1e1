// Faults on demand: header, queue and rates.
import { createEmulator, parseFaults } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, type Chunk, postJson, tokenFor } from "./helpers/emulator.js";

const body = { messages: ask("Explain the psalms in three sentences."), temperature: 0 };

async function withFault(fault: string, extra: Record<string, unknown> = {}, options = {}) {
  const emulator = createEmulator({ now: () => 1_700_000_000_000, ...options });
  return postJson(emulator, "/ai/v1/chat/completions", { ...body, ...extra }, await tokenFor(emulator), {
    "x-emulator-fault": fault,
  });
}

describe("faults", () => {
  it("429 carries the documented body, Retry-After and X-RateLimit-Reset", async () => {
    const response = await withFault("429");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(response.headers.get("x-ratelimit-reset")).toBe(String(1_700_000_000 + 1));
    expect(await response.json()).toEqual({ error: "Rate limit exceeded", code: "too_many_requests" });
    const longer = await withFault("429,retry-after=7");
    expect(longer.headers.get("retry-after")).toBe("7");
  });

  it.each([500, 502, 503])("%i carries the platform's error object with retryable: true", async (status) => {
    const response = await withFault(String(status));
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(json.error).toMatchObject({ retryable: true, category: "server_error" });
    expect(typeof json.error.code).toBe("number");
    expect(json.error.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(json.error.trace_id).toBe(response.headers.get("x-request-id")?.replaceAll("-", ""));
  });

  it("drop closes the connection before any header (the handler throws DROP_CONNECTION)", async () => {
    await expect(withFault("drop")).rejects.toBe(Symbol.for("gloo-toolkit.drop-connection"));
  });

  it("drop-after=N errors the stream after N chunks", async () => {
    const response = await withFault("drop-after=3", { stream: true });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const received: string[] = [];
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received.push(new TextDecoder().decode(value));
        }
      })(),
    ).rejects.toThrow(/dropped/);
    expect(received).toHaveLength(3);
  });

  it('error-after=N sends a finish_reason: "error" chunk with a retryable error object, then ends', async () => {
    const response = await withFault("error-after=2", { stream: true }, { doneSentinel: true });
    const events = (await response.text()).trim().split("\n\n");
    expect(events).toHaveLength(3);
    const last = JSON.parse((events[2] as string).slice(6)) as Chunk;
    expect(last.choices[0]?.finish_reason).toBe("error");
    expect(last.error).toMatchObject({ retryable: true });
  });

  it("latency=MS waits through the injected sleep before answering", async () => {
    const waits: number[] = [];
    const response = await withFault(
      "latency=250",
      {},
      { latencyMs: 100, sleep: async (ms: number) => void waits.push(ms) },
    );
    expect(response.status).toBe(200);
    // Every request waits the configured latency (the token request too); the header adds its own.
    expect(waits).toEqual([100, 100, 250]);
  });

  it("queueFault applies to the next completion requests in order, then stops", async () => {
    const emulator = createEmulator();
    const token = await tokenFor(emulator);
    emulator.queueFault("503");
    emulator.queueFault("429");
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await postJson(emulator, "/ai/v1/chat/completions", body, token)).status);
    expect(statuses).toEqual([503, 429, 200]);
    expect(() => emulator.queueFault("boom")).toThrow(/Unknown x-emulator-fault item "boom"/);
  });

  it("applies --faults rates at random, reproducibly for a seed", async () => {
    const run = async () => {
      const emulator = createEmulator({ faults: "429=0.3,503=0.2", seed: 9 });
      const token = await tokenFor(emulator);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await postJson(emulator, "/ai/v1/chat/completions", body, token)).status);
      return statuses;
    };
    const statuses = await run();
    expect(new Set(statuses)).toEqual(new Set([200, 429, 503]));
    expect(await run()).toEqual(statuses);
  });

  it("parses fault specs and rejects bad ones with a message", () => {
    expect(parseFaults("429=0.1, 503=0.05,drop=0.01")).toEqual({ "429": 0.1, "503": 0.05, drop: 0.01 });
    expect(parseFaults("")).toEqual({});
    expect(() => parseFaults("429")).toThrow(/use fault=rate/);
    expect(() => parseFaults("429=abc")).toThrow(/from 0 to 1/);
    expect(() => parseFaults("429=0.7,503=0.6")).toThrow(/at most 1/);
    expect(() => createEmulator({ faults: { "503": 2 } })).toThrow(/from 0 to 1/);
  });

  it("does not apply rate faults to the token endpoint or the catalogue", async () => {
    const emulator = createEmulator({ faults: "503=1" });
    expect((await tokenFor(emulator)).split(".")).toHaveLength(3);
    expect((await emulator.fetch(new Request("http://emulator.test/platform/v2/models"))).status).toBe(200);
  });
});
