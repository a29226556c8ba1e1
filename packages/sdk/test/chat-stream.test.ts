import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  type ChatCompletion,
  type ChatCompletionChunk,
  ChatCompletionStream,
  GlooError,
  SSEEventTooLargeError,
  StreamError,
  StreamInterruptedError,
} from "@gloo-toolkit/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";

const encoder = new TextEncoder();

/** A response body the test writes to, recording whether the stream cancelled it. */
function controlledBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const source = {
    cancelled: 0,
    cancelReason: undefined as unknown,
    stream: new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel(reason) {
        source.cancelled += 1;
        source.cancelReason = reason;
      },
    }),
    write(text: string) {
      controller.enqueue(encoder.encode(text));
    },
    send(chunk: ChatCompletionChunk | "[DONE]") {
      source.write(`data: ${chunk === "[DONE]" ? chunk : JSON.stringify(chunk)}\n\n`);
    },
    close() {
      controller.close();
    },
    fail(error: unknown) {
      controller.error(error);
    },
  };
  return source;
}

type Source = ReturnType<typeof controlledBody>;

function openStream(
  source: Source,
  options: {
    idleTimeout?: number;
    includeUsage?: boolean;
    maxEventSize?: number;
  } = {},
) {
  const response = new Response(source.stream, {
    headers: { "content-type": "text/event-stream", "x-request-id": "req-123" },
  });
  const controller = new AbortController();
  return new ChatCompletionStream(response, { controller, ...options });
}

const meta = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m" } as const;

function text(content: string, index = 0): ChatCompletionChunk {
  return { ...meta, choices: [{ index, delta: { content }, finish_reason: null }] };
}

function finish(index = 0): ChatCompletionChunk {
  return { ...meta, choices: [{ index, delta: {}, finish_reason: "stop" }] };
}

const usage = { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 };
const usageChunk: ChatCompletionChunk = { ...meta, choices: [], usage };

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("ChatCompletionStream: how a stream ends", () => {
  it("ends on the finish_reason chunk when the body closes without [DONE] (the platform's way)", async () => {
    const source = controlledBody();
    source.send(text("Hi"));
    source.send(finish());
    source.close();
    const chunks = await collect(openStream(source));
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, "stop"]);
  });

  it("ends at [DONE] and closes a body that stays open", async () => {
    const source = controlledBody();
    source.send(text("Hi"));
    source.send(finish());
    source.send("[DONE]");
    const chunks = await collect(openStream(source));
    expect(chunks).toHaveLength(2);
    expect(source.cancelled).toBe(1);
  });

  it("cancels the rest of a completed body with one shared AbortError, not a new error per stream", async () => {
    const reasons: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const source = controlledBody();
      source.send(finish());
      source.send("[DONE]");
      await collect(openStream(source));
      reasons.push(source.cancelReason);
    }
    expect(reasons[0]).toBeInstanceOf(DOMException);
    expect((reasons[0] as DOMException).name).toBe("AbortError");
    expect(reasons[1]).toBe(reasons[0]);
  });

  it("delivers the usage chunk after the finish, then stops reading", async () => {
    const source = controlledBody();
    source.send(text("Hi"));
    source.send(finish());
    source.send(usageChunk);
    const chunks = await collect(openStream(source));
    expect(chunks.at(-1)).toEqual(usageChunk);
    expect(source.cancelled).toBe(1);
  });

  it("with includeUsage: false ends at the finish without waiting for the body", async () => {
    const source = controlledBody();
    source.send(finish());
    const chunks = await collect(openStream(source, { includeUsage: false }));
    expect(chunks).toHaveLength(1);
    expect(source.cancelled).toBe(1);
  });

  it("ends cleanly when the body stays open and silent after the finish (idle timeout)", async () => {
    const source = controlledBody();
    source.send(text("done"));
    source.send(finish());
    const stream = openStream(source, { idleTimeout: 10 });
    await expect(stream.finalText()).resolves.toBe("done");
    expect(source.cancelled).toBe(1);
  });

  it("waits only briefly, not a whole idle timeout, for a usage chunk on a body left open", async () => {
    vi.useFakeTimers();
    try {
      const source = controlledBody();
      source.send(text("done"));
      source.send(finish());
      let reply: string | undefined;
      const result = openStream(source)
        .finalText() // default idle timeout: 60 s
        .then((value) => {
          reply = value;
        });
      await vi.advanceTimersByTimeAsync(2_000);
      expect(reply).toBe("done");
      await result;
      expect(source.cancelled).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("with n=3 reads on until every choice has finished", async () => {
    const source = controlledBody();
    source.send(text("a", 0));
    source.send(text("b", 1));
    source.send(text("c", 2));
    source.send(finish(0));
    source.send(finish(2));
    source.send(text("b2", 1));
    source.send(finish(1));
    const completion = await openStream(source, { includeUsage: false }).finalCompletion();
    expect(completion.choices.map((c) => c.message.content)).toEqual(["a", "bb2", "c"]);
  });

  it("skips comments and empty data (heartbeats) and accepts CRLF framing", async () => {
    const source = controlledBody();
    source.write(": keep-alive\r\n\r\ndata:\r\n\r\n");
    source.write(`data: ${JSON.stringify(text("x"))}\r\n\r\n`);
    source.send(finish());
    source.close();
    await expect(openStream(source).finalText()).resolves.toBe("x");
  });

  it("stops at the usage chunk even when more events arrived in the same network read", async () => {
    const source = controlledBody();
    const event = (chunk: ChatCompletionChunk) => `data: ${JSON.stringify(chunk)}\n\n`;
    source.write([event(text("a")), event(finish()), event(usageChunk), "data: not json\n\n"].join(""));
    const chunks = await collect(openStream(source));
    expect(chunks).toHaveLength(3);
    expect(source.cancelled).toBe(1);
  });
});

describe("ChatCompletionStream: the public outcome", () => {
  it("done resolves to the assembled completion however the stream is read", async () => {
    const source = controlledBody();
    source.send(text("x"));
    source.send(text("y"));
    source.send(finish());
    source.send(usageChunk);
    source.close();
    const stream = openStream(source);
    const done = stream.done;
    expect(await collect(stream.textStream())).toEqual(["x", "y"]);
    const completion = await done;
    expect(completion.choices[0]?.message.content).toBe("xy");
    expect(completion.usage).toEqual(usage);
    expect(completion.requestId).toBe("req-123");
    // Asked for after the end, it settles the same way, with the same object.
    expect(await stream.done).toBe(completion);
    expect(await stream.finalCompletion()).toBe(completion);
  });

  it("done rejects with the error the stream failed with, carrying the request id", async () => {
    const source = controlledBody();
    source.send(text("partial"));
    source.fail(new Error("socket hang up"));
    const stream = openStream(source);
    const iterated = await collect(stream).catch((e: unknown) => e);
    expect(iterated).toBeInstanceOf(StreamInterruptedError);
    await expect(stream.done).rejects.toBe(iterated);
    expect((iterated as StreamInterruptedError).requestId).toBe("req-123");
  });

  it("done rejects with APIUserAbortError when the reader leaves before the finish", async () => {
    const source = controlledBody();
    source.send(text("a"));
    const stream = openStream(source);
    for await (const _ of stream) break;
    const error = await stream.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect((error as APIUserAbortError).requestId).toBe("req-123");
    expect(source.cancelled).toBe(1);
  });

  it("toReadableStream re-encodes the chunks, and fromReadableStream reads them back", async () => {
    const source = controlledBody();
    source.send(text("he"));
    source.send(text("llo"));
    source.send(finish());
    source.close();
    const copy = ChatCompletionStream.fromReadableStream(
      openStream(source, { includeUsage: false }).toReadableStream(),
    );
    const chunks = await collect(copy);
    expect(chunks).toEqual([text("he"), text("llo"), finish()]);
    expect((await copy.done).choices[0]?.message.content).toBe("hello");
  });

  it("a StreamError survives the trip through toReadableStream as a StreamError", async () => {
    const source = controlledBody();
    const platformError = { type: "service_unavailable_error", code: 2002, message: "busy" };
    source.send(text("partial"));
    source.send({
      ...meta,
      choices: [{ index: 0, delta: {}, finish_reason: "error" }],
      error: platformError,
    });
    const copy = ChatCompletionStream.fromReadableStream(openStream(source).toReadableStream());
    const error = await copy.finalCompletion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).error).toEqual(platformError);
  });

  it("fromResponse reads a 2xx event stream and refuses any other status", async () => {
    const source = controlledBody();
    source.send(text("ok"));
    source.send(finish());
    source.close();
    const response = new Response(source.stream, {
      headers: { "content-type": "text/event-stream", "x-request-id": "r-7" },
    });
    const stream = ChatCompletionStream.fromResponse(response, { includeUsage: false });
    expect(await stream.finalText()).toBe("ok");
    expect(stream.requestId).toBe("r-7");
    expect(() => ChatCompletionStream.fromResponse(new Response("no", { status: 500 }))).toThrow(
      "needs a 2xx response, got 500",
    );
  });
});

describe("ChatCompletionStream: failures", () => {
  it('raises StreamError with the platform object and request id on finish_reason "error"', async () => {
    const source = controlledBody();
    const platformError = { type: "service_unavailable_error", code: 2002, retryable: true, message: "busy" };
    source.send(text("partial"));
    source.send({
      ...meta,
      choices: [{ index: 0, delta: {}, finish_reason: "error" }],
      error: platformError,
    });
    const stream = openStream(source);
    const error = await stream.finalCompletion().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ error: platformError, requestId: "req-123", retryable: true });
    expect((error as StreamError).chunk?.choices[0]?.finish_reason).toBe("error");
    expect(source.cancelled).toBe(1);
    // Asking again reports the same failure rather than an empty completion.
    await expect(stream.finalCompletion()).rejects.toBe(error);
  });

  it("reads the error object from the choice when the chunk has none", async () => {
    const source = controlledBody();
    source.send({
      ...meta,
      choices: [{ index: 0, delta: {}, finish_reason: "error", error: { code: 2001 } }],
    });
    await expect(openStream(source).finalCompletion()).rejects.toMatchObject({ error: { code: 2001 } });
  });

  it('raises StreamError for a data payload with an "error" field', async () => {
    const source = controlledBody();
    source.write('data: {"error":{"message":"quota","code":"too_many_requests"}}\n\n');
    const error = await openStream(source)
      .finalCompletion()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ error: { message: "quota", code: "too_many_requests" } });
  });

  it("raises StreamError for an SSE `event: error`", async () => {
    const source = controlledBody();
    source.write('event: error\ndata: {"message":"overloaded","type":"server_error"}\n\n');
    await expect(collect(openStream(source))).rejects.toMatchObject({
      name: "StreamError",
      error: { message: "overloaded", type: "server_error" },
    });
  });

  it("raises StreamInterruptedError when the body ends before any finish_reason", async () => {
    const source = controlledBody();
    source.send(text("cut"));
    source.write('data: {"choi'); // an unterminated event is discarded, not parsed
    source.close();
    const chunks: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of openStream(source)) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(chunks).toHaveLength(1);
  });

  it("raises SSEEventTooLargeError and closes the body when an event outgrows maxEventSize", async () => {
    const source = controlledBody();
    source.send(text("ok"));
    source.write(`data: ${"x".repeat(600)}`);
    source.write("x".repeat(600)); // still no line end: 1206 characters buffered
    const stream = openStream(source, { maxEventSize: 1024 });
    const chunks: ChatCompletionChunk[] = [];
    const error = await (async () => {
      for await (const chunk of stream) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SSEEventTooLargeError);
    expect(chunks).toHaveLength(1);
    expect(source.cancelled).toBe(1);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it("raises StreamInterruptedError when [DONE] arrives before any finish_reason", async () => {
    const source = controlledBody();
    source.send(text("cut"));
    source.send("[DONE]");
    await expect(openStream(source).finalText()).rejects.toThrow(
      /\[DONE\] after 1 chunk\(s\) without a finish_reason/,
    );
    expect(source.cancelled).toBe(1);
  });

  it("raises StreamInterruptedError, with the cause, when the body errors mid-stream", async () => {
    const source = controlledBody();
    source.send(text("cut"));
    const stream = openStream(source);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const cause = new Error("socket hang up");
    source.fail(cause);
    const error = await iterator.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).cause).toBe(cause);
  });

  it("ends cleanly when the body errors after every choice finished", async () => {
    const source = controlledBody();
    source.send(text("ok"));
    source.send(finish());
    const stream = openStream(source);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    // Erroring discards queued data, so the error comes only after both chunks were read.
    source.fail(new Error("reset after the last chunk"));
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
    await expect(stream.finalText()).resolves.toBe("ok");
  });

  it("raises APIConnectionTimeoutError when the stream stalls before the finish, and closes it", async () => {
    const source = controlledBody();
    source.send(text("slow"));
    const stream = openStream(source, { idleTimeout: 10 });
    await expect(collect(stream)).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(source.cancelled).toBe(1);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it("does not count a slow consumer's time against the idle timeout", async () => {
    const source = controlledBody();
    source.send(text("a"));
    source.send(finish());
    source.close();
    const stream = openStream(source, { idleTimeout: 5 });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    expect(chunks).toHaveLength(2);
  });

  it("explains a JSON response where a stream was expected", async () => {
    const response = new Response('{"choices":[]}', { headers: { "content-type": "application/json" } });
    const stream = new ChatCompletionStream(response, { controller: new AbortController() });
    await expect(stream.finalCompletion()).rejects.toThrow(/application\/json, not text\/event-stream/);
  });

  it("rejects data that is not a JSON chunk with a clear error", async () => {
    const source = controlledBody();
    source.write("data: not json\n\n");
    await expect(openStream(source).finalCompletion()).rejects.toThrow(/not a JSON chunk: not json/);
  });
});

describe("ChatCompletionStream: abort and early exit", () => {
  it("abort() during a pending read raises APIUserAbortError and cancels the body", async () => {
    const source = controlledBody();
    source.send(text("a"));
    const stream = openStream(source);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    stream.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(source.cancelled).toBe(1);
  });

  it("an abort between chunks raises on the next read", async () => {
    const source = controlledBody();
    source.send(text("a"));
    source.send(text("b"));
    const stream = openStream(source);
    const error = await (async () => {
      for await (const _ of stream) stream.controller.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(source.cancelled).toBe(1);
  });

  it("leaving the loop with break cancels the body and aborts the controller", async () => {
    const source = controlledBody();
    source.send(text("a"));
    source.send(text("b"));
    const stream = openStream(source);
    for await (const _ of stream) break;
    expect(source.cancelled).toBe(1);
    expect(stream.controller.signal.aborted).toBe(true);
    await expect(stream.finalCompletion()).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it("return() during a pending read ends that read and cancels the body", async () => {
    const source = controlledBody();
    const stream = openStream(source);
    const iterator = stream[Symbol.asyncIterator]();
    const pending = iterator.next();
    await iterator.return?.();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(source.cancelled).toBe(1);
  });

  it("serves calls to next() made before the previous one settled, in order", async () => {
    const source = controlledBody();
    const iterator = openStream(source)[Symbol.asyncIterator]();
    const first = iterator.next();
    const second = iterator.next();
    source.send(text("a"));
    source.send(text("b"));
    const values = await Promise.all([first, second]);
    expect(values.map((r) => r.value?.choices[0]?.delta.content)).toEqual(["a", "b"]);
  });

  it("can be iterated only once", async () => {
    const source = controlledBody();
    const stream = openStream(source);
    stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(GlooError);
  });
});

describe("ChatCompletionStream: helpers", () => {
  it("textStream yields only the non-empty text deltas of choice 0", async () => {
    const source = controlledBody();
    source.send({
      ...meta,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    });
    source.send(text("Hel"));
    source.send(text("other choice", 1));
    source.send({
      ...meta,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, id: "c", function: { name: "f" } }] },
          finish_reason: null,
        },
      ],
    });
    source.send(text("lo"));
    source.send(finish(0));
    source.send(finish(1));
    source.send(usageChunk);
    expect(await collect(openStream(source).textStream())).toEqual(["Hel", "lo"]);
  });

  it("finalCompletion assembles text, tool calls across deltas and usage", async () => {
    const source = controlledBody();
    const toolDelta = (fn: { name?: string; arguments: string }, id?: string): ChatCompletionChunk => ({
      ...meta,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, ...(id ? { id } : {}), function: fn }] },
          finish_reason: null,
        },
      ],
    });
    source.send(text("Checking. "));
    source.send(toolDelta({ name: "get_weather", arguments: '{"ci' }, "call_1"));
    source.send(toolDelta({ arguments: 'ty":"Oslo"}' }));
    source.send({ ...meta, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] });
    source.send(usageChunk);
    const completion = await openStream(source).finalCompletion();
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        content: "Checking. ",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
    });
    expect(completion.usage).toEqual(usage);
  });

  it("finalCompletion consumes the rest after a partial iteration", async () => {
    const source = controlledBody();
    source.send(text("a"));
    source.send(text("b"));
    source.send(finish());
    source.close();
    const stream = openStream(source);
    let completion: ChatCompletion | undefined;
    for await (const chunk of stream) {
      expect(chunk.choices[0]?.delta.content).toBe("a");
      completion = await stream.finalCompletion();
    }
    expect(completion?.choices[0]?.message.content).toBe("ab");
  });

  it("exposes the request id and the response", () => {
    const stream = openStream(controlledBody());
    expect(stream.requestId).toBe("req-123");
    expect(stream.response.headers.get("content-type")).toBe("text/event-stream");
  });
});

describe("ChatCompletionStream over a real socket", () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it("raises StreamInterruptedError when the server destroys the socket mid-stream", async () => {
    let socket: Socket | undefined;
    server = createServer((request, response) => {
      socket = request.socket;
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write(`data: ${JSON.stringify(text("first"))}\n\n`);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    const stream = new ChatCompletionStream(response, { controller });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) {
        received.push(chunk.choices[0]?.delta.content ?? "");
        // The first chunk has arrived: now the connection drops before any finish_reason.
        socket?.destroy();
      }
    })().catch((e: unknown) => e);
    expect(received).toEqual(["first"]);
    expect(error).toBeInstanceOf(StreamInterruptedError);
  });
});
