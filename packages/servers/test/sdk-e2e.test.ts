// The SDK against the emulator over loopback: every client behaviour the faults exist for.
import {
  APIConnectionError,
  APIUserAbortError,
  Gloo,
  type GlooOptions,
  RateLimitError,
  StreamError,
  StreamInterruptedError,
} from "@gloo-toolkit/sdk";
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterEach, describe, expect, it } from "vitest";

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function setup(options: Parameters<typeof createEmulator>[0] = {}, client: Partial<GlooOptions> = {}) {
  const emulator = createEmulator({ seed: 2, ...options });
  const server = await serve(emulator.fetch, { port: 0 });
  running.push(server);
  const waits: number[] = [];
  const gloo = new Gloo({
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    baseURL: server.url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...client,
  });
  return { emulator, gloo, waits };
}

const params = (content: string) => ({
  model: "us.meta.llama3-3-70b-instruct-v1:0",
  messages: [{ role: "user" as const, content }],
  temperature: 0,
});

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _chunk of stream) count++;
  return count;
}

describe("SDK ↔ emulator over loopback", () => {
  it("answers the quickstart's health check through the SDK, with the x-request-id", async () => {
    const { gloo } = await setup();
    const completion = await gloo.chat.completions.create(
      params("Return EXACTLY this string and nothing else: PING-9473e0"),
    );
    expect(completion.choices[0]?.message.content).toBe("PING-9473e0");
    expect(completion.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("makes a single token request for many concurrent calls", async () => {
    const { gloo, emulator } = await setup();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => gloo.chat.completions.create(params(`Reply with only: N${i}`))),
    );
    expect(results.map((r) => r.choices[0]?.message.content)).toEqual(
      Array.from({ length: 20 }, (_, i) => `N${i}`),
    );
    expect(emulator.tokensIssued).toBe(1);
  });

  it("refreshes the token once after a 401 and succeeds", async () => {
    const { gloo, emulator } = await setup();
    await gloo.chat.completions.create(params("Reply with only: one"));
    emulator.revokeTokens();
    const again = await gloo.chat.completions.create(params("Reply with only: two"));
    expect(again.choices[0]?.message.content).toBe("two");
    expect(emulator.tokensIssued).toBe(2);
  });

  it("waits out a 429 for its Retry-After, then succeeds", async () => {
    const { gloo, emulator, waits } = await setup();
    emulator.queueFault("429,retry-after=3");
    const completion = await gloo.chat.completions.create(params("Reply with only: after"));
    expect(completion.choices[0]?.message.content).toBe("after");
    expect(waits).toEqual([3000]);
  });

  it("retries 500, 502 and 503, and a connection dropped before the headers", async () => {
    const { gloo, emulator, waits } = await setup({}, { maxRetries: 4 });
    for (const fault of ["500", "502", "503", "drop"]) emulator.queueFault(fault);
    const completion = await gloo.chat.completions.create(params("Reply with only: through"));
    expect(completion.choices[0]?.message.content).toBe("through");
    expect(waits).toHaveLength(4);
  });

  it("gives up with RateLimitError after maxRetries, and APIConnectionError on repeated drops", async () => {
    const { gloo, emulator } = await setup({}, { maxRetries: 1 });
    emulator.queueFault("429");
    emulator.queueFault("429");
    const limited = await gloo.chat.completions.create(params("Hi")).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).status).toBe(429);
    emulator.queueFault("drop");
    emulator.queueFault("drop");
    await expect(gloo.chat.completions.create(params("Hi"))).rejects.toBeInstanceOf(APIConnectionError);
  });

  it("streams the quickstart's SSE probe to STREAM-OK", async () => {
    const { gloo } = await setup();
    const stream = await gloo.chat.completions.create({
      ...params("Reply with only: STREAM-OK"),
      stream: true,
      max_tokens: 8,
    });
    expect(await stream.finalText()).toBe("STREAM-OK");
  });

  it("raises StreamInterruptedError when the stream is dropped mid-way, never ending silently", async () => {
    const { gloo, emulator } = await setup();
    emulator.queueFault("drop-after=3");
    const stream = await gloo.chat.completions.create({ ...params("Explain the psalms."), stream: true });
    await expect(drain(stream)).rejects.toBeInstanceOf(StreamInterruptedError);
  });

  it('raises StreamError on a finish_reason: "error" chunk, carrying the platform error', async () => {
    const { gloo, emulator } = await setup();
    emulator.queueFault("error-after=2");
    const stream = await gloo.chat.completions.create({ ...params("Explain the psalms."), stream: true });
    const error = await drain(stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).error).toMatchObject({ retryable: true });
  });

  it("aborts a stream mid-way with APIUserAbortError", async () => {
    const { gloo } = await setup({ tokenDelayMs: 5 });
    const controller = new AbortController();
    const stream = await gloo.chat.completions.create(
      { ...params("Explain the whole Bible."), stream: true },
      { signal: controller.signal },
    );
    const reading = (async () => {
      for await (const _chunk of stream) controller.abort();
    })();
    await expect(reading).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it("aborts a request waiting on latency with APIUserAbortError", async () => {
    const { gloo } = await setup();
    const controller = new AbortController();
    const pending = gloo.chat.completions.create(params("Hi"), {
      signal: controller.signal,
      headers: { "x-emulator-fault": "latency=60000" },
    });
    await gloo.auth.getToken();
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it("reads V2 routing metadata", async () => {
    const { gloo } = await setup();
    const completion = await gloo.v2.chat.completions.create({
      messages: [{ role: "user", content: "Hi" }],
      model_family: "anthropic",
    });
    expect(completion).toMatchObject({
      model_family: "Anthropic",
      routing_mechanism: "model_family",
      provider: "Gloo AI",
    });
  });
});
