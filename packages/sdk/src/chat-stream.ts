/**
 * The typed layer of a streamed chat completion: SSE events from `sse.ts` become
 * `ChatCompletionChunk`s, delivered through an abortable async iterator.
 *
 * When the stream ends (gloo-platform §5): the platform ends a stream with the chunk whose
 * `finish_reason` is set and does not send `data: [DONE]`, though OpenAI-compatible servers
 * do. A usage-only chunk (`choices: []`) may follow the finish when the request set
 * `stream_options.include_usage`. So once every choice has finished, the stream reads on only
 * until the body ends, a `[DONE]` arrives, or a chunk carrying `usage` arrives; an idle
 * timeout or a dropped connection in that phase ends the stream cleanly, because the content
 * is already complete. Before every choice has finished, any end raises (a `[DONE]` too): a
 * stream never ends silently short.
 */
import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  GlooError,
  StreamError,
  StreamInterruptedError,
} from "./errors.js";
import { createSSEParser, type ServerSentEvent } from "./sse.js";
import { type CompletionAccumulator, createCompletionAccumulator } from "./stream-assembly.js";
import type { ChatCompletion, ChatCompletionChunk, PlatformErrorObject } from "./types.js";

/** Options of a `ChatCompletionStream`. */
export interface ChatCompletionStreamOptions {
  /** Aborting it closes the stream; the stream aborts it too when it stops reading early. */
  controller: AbortController;
  /**
   * Milliseconds allowed between two reads of the body; `0` turns the timer off.
   * @default 60_000
   */
  idleTimeout?: number | undefined;
  /** The request id to report; defaults to the response's `x-request-id` header. */
  requestId?: string | undefined;
  /**
   * Whether the request set `stream_options.include_usage`. `false` ends the stream at the
   * finishing chunk without waiting for the body to close; `true` or unset reads on for a usage chunk.
   * @default undefined
   */
  includeUsage?: boolean | undefined;
  /** Called once with the assembled completion when the stream completes (not when it fails or is closed early). */
  onComplete?: ((completion: ChatCompletion) => void) | undefined;
}

/** The default idle timeout between two stream reads, in milliseconds. */
export const DEFAULT_STREAM_IDLE_TIMEOUT = 60_000;

// setTimeout fires at once for delays above 2^31 - 1 ms, so longer ones mean "no timer".
const MAX_TIMER_DELAY = 2_147_483_647;
const EXCERPT_LENGTH = 200;

type StreamState = "open" | "complete" | "failed" | "closed";

/**
 * A streamed chat completion: iterate it with `for await`, or ask for the text or the whole completion.
 *
 * @example
 * ```ts
 * const stream = await gloo.chat.completions.create({ model, messages, stream: true });
 * for await (const text of stream.textStream()) process.stdout.write(text);
 * ```
 */
export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  /** The `x-request-id` of the response (quote it to support). */
  readonly requestId: string | undefined;
  /** The HTTP response, for its status and headers; its body belongs to the stream. */
  readonly response: Response;
  /** The controller whose abort closes the connection. */
  readonly controller: AbortController;
  readonly #idleTimeout: number;
  readonly #includeUsage: boolean | undefined;
  readonly #onComplete: ((completion: ChatCompletion) => void) | undefined;
  readonly #accumulator: CompletionAccumulator = createCompletionAccumulator();
  #chunks: AsyncGenerator<ChatCompletionChunk, void, undefined> | undefined;
  #state: StreamState = "open";
  #failure: unknown;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #idled = false;

  constructor(response: Response, options: ChatCompletionStreamOptions) {
    this.response = response;
    this.controller = options.controller;
    this.requestId = options.requestId ?? response.headers.get("x-request-id") ?? undefined;
    const idle = options.idleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT;
    this.#idleTimeout = idle > 0 && idle <= MAX_TIMER_DELAY ? idle : 0;
    this.#includeUsage = options.includeUsage;
    this.#onComplete = options.onComplete;
  }

  /** Closes the connection; a pending or later read raises `APIUserAbortError`. */
  abort(): void {
    this.controller.abort();
  }

  /** The chunks, in order; a stream can be iterated once (leaving the loop early closes the connection). */
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.#chunks !== undefined) {
      throw new GlooError(
        "This stream is already being read: iterate it once, and use finalCompletion() for the result.",
      );
    }
    this.#chunks = this.#read();
    return this.#chunks;
  }

  /** Only the text deltas of choice 0, skipping empty ones. */
  async *textStream(): AsyncGenerator<string, void, undefined> {
    for await (const chunk of this) {
      const choices = chunk.choices;
      const first = choices[0]?.index === 0 ? choices[0] : choices.find((choice) => choice.index === 0);
      const content = first?.delta?.content;
      if (typeof content === "string" && content.length > 0) yield content;
    }
  }

  /** Reads the rest of the stream and returns the assembled completion (text, tool calls, usage, per choice). */
  async finalCompletion(): Promise<ChatCompletion> {
    const chunks = this.#chunks ?? this[Symbol.asyncIterator]();
    while (!(await chunks.next()).done) {
      // Each chunk is already folded into the accumulator by the reader.
    }
    if (this.#state === "complete") return this.#accumulator.toCompletion();
    if (this.#state === "failed") throw this.#failure;
    throw new APIUserAbortError({ message: "The stream was closed before it completed." });
  }

  /** Reads the rest of the stream and returns the text of choice 0. */
  async finalText(): Promise<string> {
    const completion = await this.finalCompletion();
    return completion.choices.find((choice) => choice.index === 0)?.message.content ?? "";
  }

  async *#read(): AsyncGenerator<ChatCompletionChunk, void, undefined> {
    const body = this.response.body;
    const signal = this.controller.signal;
    if (body === null)
      throw this.#fail(new StreamInterruptedError({ message: "The stream response has no body." }));
    const reader = body.getReader();
    this.#reader = reader;
    // A fetch body errors by itself when its signal aborts, but any other body (a proxy's, a
    // test's) needs cancelling; cancel also settles a pending read, so the loop wakes up.
    const onAbort = (): void => void reader.cancel(signal.reason).catch(ignore);
    signal.addEventListener("abort", onAbort, { once: true });
    const events: ServerSentEvent[] = [];
    const parser = createSSEParser({ onEvent: (event) => events.push(event) });
    let received = 0;
    let bodyEnded = false;
    try {
      for (;;) {
        const result = await this.#readOnce(reader);
        if (result.done) {
          bodyEnded = !this.#idled && !signal.aborted;
          this.#finishBody(received);
          return;
        }
        parser.feed(result.value);
        for (const event of events) {
          const chunk = this.#toChunk(event);
          if (chunk === undefined) continue;
          if (chunk === "done") return this.#endAtDone(received);
          received += 1;
          this.#accumulator.add(chunk);
          yield chunk;
          if (this.#accumulator.finished && (this.#includeUsage === false || chunk.usage != null)) {
            return this.#complete();
          }
        }
        events.length = 0;
      }
    } catch (error) {
      // A connection that drops after every choice finished lost nothing but the usage chunk.
      if (this.#accumulator.finished && !signal.aborted && !(error instanceof GlooError)) {
        return this.#complete();
      }
      throw this.#fail(this.#classify(error));
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.#release(reader, bodyEnded);
    }
  }

  async #readOnce(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    if (this.#idleTimeout === 0) return reader.read();
    const timer = setTimeout(this.#onIdle, this.#idleTimeout);
    try {
      return await reader.read();
    } finally {
      clearTimeout(timer);
    }
  }

  // One function for every timer of this stream (no closure per read).
  readonly #onIdle = (): void => {
    this.#idled = true;
    void this.#reader?.cancel().catch(ignore);
  };

  // The body ended (or was cancelled by an abort or the idle timer): decide which it was.
  #finishBody(received: number): void {
    const signal = this.controller.signal;
    if (signal.aborted) throw signal.reason;
    if (this.#accumulator.finished) {
      this.#complete();
      return;
    }
    if (this.#idled) throw new IdleTimeout();
    throw new StreamInterruptedError({ message: this.#interruptedMessage(received) });
  }

  // OpenAI-compatible servers send [DONE] after the finish; before it, the reply is cut short.
  #endAtDone(received: number): void {
    if (!this.#accumulator.finished) {
      throw new StreamInterruptedError({
        message: `The stream sent [DONE] after ${received} chunk(s) without a finish_reason; the reply is incomplete.`,
      });
    }
    this.#complete();
  }

  #interruptedMessage(received: number): string {
    const base = `The stream ended after ${received} chunk(s) without a finish_reason; the reply is incomplete.`;
    const type = this.response.headers.get("content-type");
    if (received === 0 && type !== null && !type.includes("text/event-stream")) {
      return `${base} The response was ${type}, not text/event-stream: was "stream": true sent to a streaming endpoint?`;
    }
    return base;
  }

  // Turns one SSE event into a chunk, "done" for the [DONE] sentinel, or undefined to skip it.
  #toChunk(event: ServerSentEvent): ChatCompletionChunk | "done" | undefined {
    const data = event.data;
    if (event.event === "error") throw this.#streamError(errorObjectOf(parseJson(data) ?? data));
    if (data === "[DONE]") return "done";
    if (data.trim() === "") return undefined;
    const parsed = parseJson(data);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new GlooError(`The stream sent data that is not a JSON chunk: ${excerpt(data)}`);
    }
    const chunk = parsed as ChatCompletionChunk;
    if (!Array.isArray(chunk.choices)) chunk.choices = [];
    const failed = chunk.choices.find((choice) => choice.finish_reason === "error");
    if (chunk.error != null || failed !== undefined) {
      throw this.#streamError(errorObjectOf(chunk.error ?? failed?.error), chunk);
    }
    return chunk;
  }

  #streamError(error: PlatformErrorObject | undefined, chunk?: ChatCompletionChunk): StreamError {
    const requestId = this.requestId;
    return chunk === undefined
      ? new StreamError({ error, requestId })
      : new StreamError({ error, requestId, chunk });
  }

  #complete(): void {
    if (this.#state !== "open") return;
    this.#state = "complete";
    this.#onComplete?.(this.#accumulator.toCompletion());
  }

  #classify(error: unknown): unknown {
    if (error instanceof IdleTimeout) {
      return new APIConnectionTimeoutError({
        message: `No stream data arrived for ${this.#idleTimeout} ms (idleTimeout); the connection was closed.`,
      });
    }
    if (error instanceof GlooError) return error;
    const signal = this.controller.signal;
    if (signal.aborted)
      return new APIUserAbortError({ message: "The stream was aborted.", cause: signal.reason });
    return new StreamInterruptedError({
      message: "The connection dropped mid-stream; the reply is incomplete.",
      cause: error,
    });
  }

  #fail(error: unknown): unknown {
    if (this.#state === "open") {
      this.#state = "failed";
      this.#failure = error;
    }
    return error;
  }

  // Runs however the reading ended; anything but a body that ended by itself closes the connection.
  #release(reader: ReadableStreamDefaultReader<Uint8Array>, bodyEnded: boolean): void {
    this.#reader = undefined;
    // Leaving the loop after every choice finished still counts as a complete stream.
    if (this.#accumulator.finished) this.#complete();
    if (this.#state === "open") this.#state = "closed";
    if (bodyEnded) {
      reader.releaseLock();
      return;
    }
    void reader.cancel().catch(ignore);
    if (!this.controller.signal.aborted) this.controller.abort();
  }
}

/** Raised inside the reader when the idle timer cancelled the body; turned into a public error. */
class IdleTimeout extends Error {}

function ignore(): void {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The platform's error object, from `{"error": {...}}`, `{"error": "text", "code"}`, a bare object or text.
function errorObjectOf(value: unknown): PlatformErrorObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { message: excerpt(value) };
  if (typeof value !== "object" || Array.isArray(value)) return { message: excerpt(String(value)) };
  const record = value as Record<string, unknown>;
  if (typeof record.error === "object" && record.error !== null) return record.error as PlatformErrorObject;
  if (typeof record.error === "string") {
    const { error, ...rest } = record;
    return { ...rest, message: error } as PlatformErrorObject;
  }
  return record as PlatformErrorObject;
}

function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}
