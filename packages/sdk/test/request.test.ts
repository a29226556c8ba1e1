// The request pipeline as the client uses it: retries, server hints, timeouts and aborts.

import { getEventListeners } from "node:events";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  Gloo,
  InternalServerError,
  RateLimitError,
} from "@gloo-toolkit/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  completionReply,
  errorReply,
  fakePlatform,
  hello,
  sseReply,
  textChunks,
} from "./helpers/fake-platform.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("retries", () => {
  it("a 429 with Retry-After waits that long, then succeeds", async () => {
    const platform = fakePlatform();
    platform.reply(
      errorReply(429, { error: "Rate limit exceeded", code: "too_many_requests" }, { "retry-after": "3" }),
    );
    const options = platform.options();
    const completion = await new Gloo(options).chat.completions.create({ messages: hello });
    expect(completion.choices[0]?.message.content).toBe("Hello");
    expect(options.sleeps).toEqual([3000]);
    expect(platform.apiRequests()).toHaveLength(2);
  });

  it("honours retry-after-ms and X-RateLimit-Reset", async () => {
    const platform = fakePlatform();
    platform.reply(
      errorReply(503, {}, { "retry-after-ms": "120" }),
      errorReply(429, {}, { "x-ratelimit-reset": "2" }),
    );
    const options = platform.options();
    await new Gloo(options).chat.completions.create({ messages: hello });
    expect(options.sleeps).toEqual([120, 2000]);
  });

  it("backs off with jitter when there is no hint, and gives up after maxRetries", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(500, {}), errorReply(502, {}), errorReply(503, { detail: "down" }));
    const options = platform.options({ random: () => 0.5 });
    const error = await new Gloo(options).chat.completions.create({ messages: hello }).catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe("503 down (POST https://platform.test/ai/v1/chat/completions)");
    expect(options.sleeps).toEqual([437.5, 875]);
    expect(platform.apiRequests()).toHaveLength(3);
  });

  it("retries 408 and 409 and connection failures", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(408, {}), errorReply(409, {}), () => {
      throw new TypeError("fetch failed", { cause: new Error("ECONNRESET") });
    });
    const gloo = new Gloo(platform.options({ maxRetries: 3 }));
    await gloo.chat.completions.create({ messages: hello });
    expect(platform.apiRequests()).toHaveLength(4);
  });

  it("does not retry 400 or a 503 the platform marks retryable: false", async () => {
    const platform = fakePlatform();
    platform.reply(
      errorReply(400, { error: "only one routing mechanism allowed" }),
      errorReply(503, { error: { type: "service_unavailable_error", retryable: false } }),
    );
    const gloo = new Gloo(platform.options());
    await expect(gloo.chat.completions.create({ messages: hello })).rejects.toBeInstanceOf(BadRequestError);
    await expect(gloo.chat.completions.create({ messages: hello })).rejects.toBeInstanceOf(
      InternalServerError,
    );
    expect(platform.apiRequests()).toHaveLength(2);
  });

  it("per-call maxRetries overrides the client's", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(429, {}), errorReply(429, {}));
    const gloo = new Gloo(platform.options({ maxRetries: 5 }));
    await expect(gloo.chat.completions.create({ messages: hello }, { maxRetries: 0 })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(platform.apiRequests()).toHaveLength(1);
  });

  it("a connection failure that persists becomes an APIConnectionError with its cause", async () => {
    const platform = fakePlatform();
    const drop = () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    };
    platform.reply(drop, drop, drop);
    const error = await new Gloo(platform.options()).chat.completions
      .create({ messages: hello })
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe("timeouts and aborts", () => {
  /** A reply that never comes unless the request is aborted. */
  const hang = (signal: AbortSignal | undefined) =>
    new Promise<Response>((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));

  function hangingPlatform() {
    let started = 0;
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith("/oauth2/token"))
        return Response.json({ access_token: "t".repeat(30), expires_in: 3600 });
      started++;
      return hang(init?.signal ?? undefined);
    }) as typeof globalThis.fetch;
    return { fetch, started: () => started };
  }

  it("abort stops the request with APIUserAbortError and no retry", async () => {
    const platform = hangingPlatform();
    const gloo = new Gloo({ accessToken: "t", fetch: platform.fetch, sleep: async () => {} });
    const controller = new AbortController();
    const pending = gloo.chat.completions.create({ messages: hello }, { signal: controller.signal });
    await vi.waitFor(() => expect(platform.started()).toBe(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(platform.started()).toBe(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    await expect(
      gloo.chat.completions.create({ messages: hello }, { signal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(platform.apiRequests()).toHaveLength(0);
  });

  it("an abort during a retry wait stops the wait", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(503, {}, { "retry-after": "30" }));
    const controller = new AbortController();
    const gloo = new Gloo({
      ...platform.options(),
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          signal?.addEventListener("abort", () => reject(new APIUserAbortError()));
          controller.abort();
        }),
    });
    await expect(
      gloo.chat.completions.create({ messages: hello }, { signal: controller.signal }),
    ).rejects.toBeInstanceOf(APIUserAbortError);
    expect(platform.apiRequests()).toHaveLength(1);
  });

  it("the timeout aborts each attempt and retries, then raises APIConnectionTimeoutError", async () => {
    vi.useFakeTimers();
    const platform = hangingPlatform();
    const gloo = new Gloo({
      accessToken: "t",
      fetch: platform.fetch,
      sleep: async () => {},
      timeout: 1000,
      maxRetries: 1,
    });
    const pending = gloo.chat.completions.create({ messages: hello }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(platform.started()).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await pending;
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(platform.started()).toBe(2);
  });

  it("for streams, the timeout only covers the wait for the response headers", async () => {
    vi.useFakeTimers();
    let body!: ReadableStreamDefaultController<Uint8Array>;
    const fetch = (async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            body = controller;
          },
        }),
        {
          headers: { "content-type": "text/event-stream" },
        },
      )) as typeof globalThis.fetch;
    const gloo = new Gloo({ accessToken: "t", fetch, timeout: 1000, idleTimeout: 60_000 });
    const stream = await gloo.chat.completions.create({ messages: hello, stream: true });
    const text = stream.finalText();
    await vi.advanceTimersByTimeAsync(5000);
    const encode = (s: string) => new TextEncoder().encode(s);
    for (const chunk of textChunks("late", " but fine"))
      body.enqueue(encode(`data: ${JSON.stringify(chunk)}\n\n`));
    body.close();
    expect(await text).toBe("late but fine");
  });

  it("a stream request is retried before its headers arrive, never after", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(503, {}), sseReply(textChunks("ok")));
    const gloo = new Gloo(platform.options());
    const stream = await gloo.chat.completions.create({ messages: hello, stream: true });
    expect(await stream.finalText()).toBe("ok");
    expect(platform.apiRequests().map((r) => r.headers.get("accept"))).toEqual([
      "text/event-stream",
      "text/event-stream",
    ]);
  });

  it("the per-call timeout overrides the client's", async () => {
    vi.useFakeTimers();
    const platform = hangingPlatform();
    const gloo = new Gloo({ accessToken: "t", fetch: platform.fetch, timeout: 600_000, maxRetries: 0 });
    const pending = gloo.chat.completions.create({ messages: hello }, { timeout: 50 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await pending).toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe("the caller's signal", () => {
  it("is unlinked once a call ends, so a shared signal collects no listeners", async () => {
    const platform = fakePlatform();
    platform.reply(
      errorReply(503, {}),
      completionReply(),
      sseReply(textChunks("a")),
      sseReply(textChunks("b")),
    );
    const gloo = new Gloo(platform.options());
    const shared = new AbortController();
    await gloo.chat.completions.create({ messages: hello }, { signal: shared.signal });
    const first = await gloo.chat.completions.create(
      { messages: hello, stream: true },
      { signal: shared.signal },
    );
    await first.finalText();
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
    const second = await gloo.chat.completions.create(
      { messages: hello, stream: true },
      { signal: shared.signal },
    );
    expect(getEventListeners(shared.signal, "abort").length).toBeGreaterThan(0);
    second.abort();
    expect(getEventListeners(shared.signal, "abort")).toHaveLength(0);
  });
});

describe("request ids", () => {
  it("results carry a non-enumerable requestId from x-request-id", async () => {
    const platform = fakePlatform();
    platform.reply(completionReply("Hi", "req-42"));
    const completion = await new Gloo(platform.options()).chat.completions.create({ messages: hello });
    expect(completion.requestId).toBe("req-42");
    expect(Object.keys(completion)).not.toContain("requestId");
    expect(JSON.stringify(completion)).not.toContain("req-42");
  });
});
