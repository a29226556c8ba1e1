/**
 * The typed layer of a streamed chat completion: SSE events from `sse.ts` become
 * `ChatCompletionChunk`s, delivered through an abortable async iterator.
 *
 * When the stream ends (docs.gloo.com/tutorials/completions-streaming): the platform ends a
 * stream with the chunk whose `finish_reason` is set and does not send `data: [DONE]`, though
 * OpenAI-compatible servers do. A usage-only chunk (`choices: []`) may follow the finish when the request set
 * `stream_options.include_usage`. So once every choice has finished, the stream reads on only
 * until the body ends, a `[DONE]` arrives, or a chunk carrying `usage` arrives, and for at
 * most `TRAILER_TIMEOUT` ms of silence (usage in base v2 streams is unconfirmed, and a body
 * kept open must not hold the caller's loop for a whole idle timeout). That timeout, or a
 * dropped connection, in this phase ends the stream cleanly: the content is already complete. Before every choice has finished, any end raises (a `[DONE]` too): a
 * stream never ends silently short.
 */
import { APIConnectionTimeoutError, APIUserAbortError, GlooError, StreamInterruptedError } from "./errors.js";
import { attachRequestId } from "./internal/request-id.js";
import { encodeStreamEvents } from "./internal/stream-encode.js";
import { decodeStreamEvent } from "./internal/stream-event.js";
import { IdleTimer } from "./internal/stream-idle-timer.js";
import { createSSEParser, type ServerSentEvent, type SSEParser } from "./sse.js";
import { type CompletionAccumulator, createCompletionAccumulator } from "./stream-assembly.js";
import type { ChatCompletion, ChatCompletionChunk, WithRequestId } from "./types.js";

/** Options of a `ChatCompletionStream`. */
export interface ChatCompletionStreamOptions {
  /**
   * Aborting it closes the stream; the stream aborts it too when it stops reading early.
   * @default a new AbortController
   */
  controller?: AbortController | undefined;
  /**
   * Milliseconds allowed between two reads of the body; `0` turns the timer off.
   * @default 60_000
   */
  idleTimeout?: number | undefined;
  /** The request id to report; defaults to the response's `x-request-id` header. */
  requestId?: string | undefined;
  /**
   * Whether the request set `stream_options.include_usage`. `false` ends the stream at the
   * finishing chunk without waiting for the body to close; `true` or unset reads on for a usage
   * chunk until the body ends, `[DONE]`, or 2 s pass without data.
   * @default undefined
   */
  includeUsage?: boolean | undefined;
  /**
   * The longest SSE line or event data accepted, in characters; past it the stream fails with
   * `SSEEventTooLargeError` and closes the connection.
   * @default DEFAULT_MAX_EVENT_SIZE (16 Mi characters)
   */
  maxEventSize?: number | undefined;
}

/** The default idle timeout between two stream reads, in milliseconds. */
export const DEFAULT_STREAM_IDLE_TIMEOUT = 60_000;

// How long a stream whose choices have all finished waits for a usage chunk or the body's end.
const TRAILER_TIMEOUT = 2_000;

// setTimeout fires at once for delays above 2^31 - 1 ms, so longer ones mean "no timer".
const MAX_TIMER_DELAY = 2_147_483_647;

type StreamState = "open" | "complete" | "failed" | "closed";

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

// The reason given when a completed stream cancels the rest of its body (a `[DONE]` or the finish
// arrived before the body's end). Cancelling a fetch body without a reason makes undici build a
// DOMException, stack trace included, for every stream; nobody reads this reason, so one serves all.
const COMPLETED = new DOMException(
  "The stream completed; the rest of the body was not needed.",
  "AbortError",
);

/**
 * A streamed chat completion: iterate it with `for await`, or ask for the text or the whole
 * completion; `done` tells how it ended, however it is read.
 *
 * @example
 * ```ts
 * const stream = await gloo.chat.completions.create({ model, messages, stream: true });
 * for await (const text of stream.textStream()) process.stdout.write(text);
 * const completion = await stream.done; // with usage, when the request asked for it
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
  #completion: WithRequestId<ChatCompletion> | undefined;
  #done: Promise<WithRequestId<ChatCompletion>> | undefined;
  #settleDone: (() => void) | undefined;
  readonly #accumulator: CompletionAccumulator = createCompletionAccumulator();
  // Events parsed from the body but not yet delivered, and the index of the next one.
  readonly #events: ServerSentEvent[] = [];
  #eventAt = 0;
  readonly #parser: SSEParser;
  #idleTimer: IdleTimer | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #pulling: Promise<IteratorResult<ChatCompletionChunk, undefined>> | undefined;
  #iterating = false;
  #idled = false;
  #aborted = false;
  #received = 0;
  #state: StreamState = "open";
  #failure: unknown;

  /**
   * Reads a `text/event-stream` response of chat completion chunks (from your own fetch, a proxy,
   * a server's `toReadableStream()`). Prefer the factories below; `create({ stream: true })` builds it for you.
   */
  constructor(response: Response, options: ChatCompletionStreamOptions = {}) {
    this.response = response;
    this.controller = options.controller ?? new AbortController();
    this.requestId = options.requestId ?? response.headers.get("x-request-id") ?? undefined;
    const idle = options.idleTimeout ?? DEFAULT_STREAM_IDLE_TIMEOUT;
    this.#idleTimeout = idle > 0 && idle <= MAX_TIMER_DELAY ? idle : 0;
    if (this.#idleTimeout > 0) this.#idleTimer = new IdleTimer(this.#idleTimeout, this.#onIdle);
    this.#includeUsage = options.includeUsage;
    this.#parser = createSSEParser({
      onEvent: (event) => this.#events.push(event),
      maxEventSize: options.maxEventSize,
    });
  }

  /**
   * A stream over a 2xx `text/event-stream` response you fetched yourself.
   * @example const stream = ChatCompletionStream.fromResponse(await fetch(url, init));
   */
  static fromResponse(response: Response, options: ChatCompletionStreamOptions = {}): ChatCompletionStream {
    if (!response.ok) {
      throw new GlooError(
        `ChatCompletionStream.fromResponse needs a 2xx response, got ${response.status}: read it as an error instead.`,
      );
    }
    return new ChatCompletionStream(response, options);
  }

  /**
   * A stream over server-sent event bytes of chat completion chunks, such as another stream's
   * `toReadableStream()` sent from a server to a browser.
   * @example const stream = ChatCompletionStream.fromReadableStream(response.body);
   */
  static fromReadableStream(
    body: ReadableStream<Uint8Array>,
    options: ChatCompletionStreamOptions = {},
  ): ChatCompletionStream {
    const response = new Response(body, { headers: { "content-type": "text/event-stream" } });
    return new ChatCompletionStream(response, options);
  }

  /**
   * Settles when the stream ends, however it is read (it does not read the stream itself):
   * resolves to the assembled completion (text, tool calls, usage, with `requestId`), or rejects
   * with the error the stream failed with, or `APIUserAbortError` when it was aborted or left
   * before it completed. Unobserved, its rejection is never reported as unhandled.
   */
  get done(): Promise<WithRequestId<ChatCompletion>> {
    if (this.#done === undefined) {
      this.#done = new Promise((resolve, reject) => {
        this.#settleDone = () => {
          try {
            resolve(this.#outcome());
          } catch (error) {
            reject(error);
          }
        };
      });
      this.#done.catch(ignore);
      if (this.#state !== "open") this.#settleDone?.();
    }
    return this.#done;
  }

  /**
   * The stream re-encoded as server-sent events (`data: {chunk}`; a `StreamError` as
   * `event: error`), to send on as a response body; `fromReadableStream` reads it back. It reads
   * this stream in place of a `for await` (a stream is read once); cancelling it closes this stream.
   * @example return new Response(stream.toReadableStream(), { headers: { "content-type": "text/event-stream" } });
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    return encodeStreamEvents(this[Symbol.asyncIterator]());
  }

  /** Closes the connection; a pending or later read raises `APIUserAbortError`. */
  abort(): void {
    this.controller.abort();
  }

  /** The chunks, in order; a stream can be iterated once (leaving the loop early closes the connection). */
  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk, undefined> {
    if (this.#iterating) {
      throw new GlooError(
        "This stream is already being read: iterate it once, and use finalCompletion() for the result.",
      );
    }
    this.#iterating = true;
    return { next: () => this.#next(), return: () => this.#return() };
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

  /**
   * Reads the rest of the stream and returns the assembled completion (text, tool calls, usage,
   * per choice), with the stream's `requestId`.
   */
  async finalCompletion(): Promise<WithRequestId<ChatCompletion>> {
    this.#iterating = true;
    for (;;) {
      // Chunks already parsed are folded in synchronously: only a read of the body is awaited,
      // not every chunk (a promise per chunk costs about as much as the rest of its handling).
      if (this.#pulling === undefined) this.#foldQueued();
      if ((await this.#next()).done) break;
    }
    return this.#outcome();
  }

  // Takes every queued chunk (each is folded into the accumulator as it is taken).
  #foldQueued(): void {
    try {
      while (this.#takeQueued() !== undefined) {
        // Nothing more to do with the chunk here.
      }
    } catch (error) {
      throw this.#fail(error);
    }
  }

  // How the settled stream ended: the completion (assembled once), or the error it ended with.
  #outcome(): WithRequestId<ChatCompletion> {
    if (this.#state === "complete") {
      this.#completion ??= attachRequestId(this.#accumulator.toCompletion(), this.requestId);
      return this.#completion;
    }
    if (this.#state === "failed") throw this.#failure;
    const closed = new APIUserAbortError({ message: "The stream was closed before it completed." });
    closed.requestId = this.requestId;
    throw closed;
  }

  /** Reads the rest of the stream and returns the text of choice 0. */
  async finalText(): Promise<string> {
    const completion = await this.finalCompletion();
    return completion.choices.find((choice) => choice.index === 0)?.message.content ?? "";
  }

  // A hand-written iterator rather than an async generator: a chunk already parsed is handed
  // over in an already-settled promise, which keeps the per-chunk cost near a bare parse loop.
  #next(): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    // One read at a time: a call made while another waits on the body queues behind it.
    const pending = this.#pulling;
    if (pending !== undefined) return pending.then(this.#nextAfter, this.#nextAfter);
    try {
      const chunk = this.#takeQueued();
      if (chunk !== undefined) return Promise.resolve({ done: false, value: chunk });
    } catch (error) {
      return Promise.reject(this.#fail(error));
    }
    if (this.#state !== "open") return Promise.resolve(DONE);
    const pulling = this.#pull();
    this.#pulling = pulling;
    const clear = (): void => {
      if (this.#pulling === pulling) this.#pulling = undefined;
    };
    pulling.then(clear, clear);
    return pulling;
  }

  readonly #nextAfter = (): Promise<IteratorResult<ChatCompletionChunk, undefined>> => this.#next();

  #return(): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    this.#settle("closed");
    return Promise.resolve(DONE);
  }

  // Reads the body until it yields a chunk or the stream settles.
  async #pull(): Promise<IteratorResult<ChatCompletionChunk, undefined>> {
    const signal = this.controller.signal;
    try {
      const reader = this.#reader ?? this.#open();
      for (;;) {
        if (signal.aborted) throw signal.reason;
        this.#idleTimer?.readStarted();
        const result = await reader.read();
        this.#idleTimer?.readEnded();
        // return() may have closed the stream while this read was pending.
        if (this.#state !== "open") return DONE;
        if (result.done) {
          this.#endOfBody();
          return DONE;
        }
        this.#parser.feed(result.value);
        const chunk = this.#takeQueued();
        if (chunk !== undefined) return { done: false, value: chunk };
        if (this.#state !== "open") return DONE;
      }
    } catch (error) {
      // A connection that drops after every choice finished lost nothing but the usage chunk.
      if (this.#accumulator.finished && !signal.aborted && !(error instanceof GlooError)) {
        this.#settle("complete");
        return DONE;
      }
      throw this.#fail(error);
    }
  }

  #open(): ReadableStreamDefaultReader<Uint8Array> {
    const body = this.response.body;
    if (body === null) throw new StreamInterruptedError({ message: "The stream response has no body." });
    if (body.locked) throw new GlooError("The stream's response body is already being read elsewhere.");
    const reader = body.getReader();
    this.#reader = reader;
    this.controller.signal.addEventListener("abort", this.#onAbort, { once: true });
    return reader;
  }

  // A fetch body errors by itself when its signal aborts, but any other body (a proxy's, a
  // test's) needs cancelling; cancelling also settles a pending read, so #pull wakes up.
  readonly #onAbort = (): void => {
    this.#aborted = true;
    void this.#reader?.cancel(this.controller.signal.reason).catch(ignore);
  };

  // The idle timer cancels the body, which settles the pending read as done.
  readonly #onIdle = (): void => {
    this.#idled = true;
    void this.#reader?.cancel().catch(ignore);
  };

  // Hands over the next parsed chunk, or undefined when none is queued (or the stream ended).
  #takeQueued(): ChatCompletionChunk | undefined {
    if (this.#state !== "open") return undefined;
    // A flag set by the abort listener: cheaper than reading the signal for every chunk.
    if (this.#aborted) throw this.controller.signal.reason;
    const events = this.#events;
    while (this.#eventAt < events.length) {
      const chunk = decodeStreamEvent(events[this.#eventAt++] as ServerSentEvent, this.requestId);
      if (chunk === undefined) continue;
      if (chunk === "done") {
        this.#endAtDone();
        return undefined;
      }
      this.#received += 1;
      this.#accumulator.add(chunk);
      if (this.#accumulator.finished) this.#finishedWith(chunk);
      return chunk;
    }
    events.length = 0;
    this.#eventAt = 0;
    return undefined;
  }

  // Every choice has finished: stop now, or wait briefly for the usage chunk or the body's end.
  #finishedWith(chunk: ChatCompletionChunk): void {
    if (this.#includeUsage === false || chunk.usage != null) {
      this.#settle("complete");
      return;
    }
    if (this.#idleTimer === undefined) this.#idleTimer = new IdleTimer(TRAILER_TIMEOUT, this.#onIdle);
    else this.#idleTimer.shorten(TRAILER_TIMEOUT);
  }

  // The body ended (or was cancelled by an abort or the idle timer): decide which it was.
  #endOfBody(): void {
    const signal = this.controller.signal;
    if (signal.aborted) throw signal.reason;
    if (this.#accumulator.finished) {
      this.#settle("complete", !this.#idled);
      return;
    }
    if (this.#idled) throw new IdleTimeout();
    throw new StreamInterruptedError({ message: this.#interruptedMessage() });
  }

  // OpenAI-compatible servers send [DONE] after the finish; before it, the reply is cut short.
  #endAtDone(): void {
    if (!this.#accumulator.finished) {
      throw new StreamInterruptedError({
        message: `The stream sent [DONE] after ${this.#received} chunk(s) without a finish_reason; the reply is incomplete.`,
      });
    }
    this.#settle("complete");
  }

  #interruptedMessage(): string {
    const received = this.#received;
    const base = `The stream ended after ${received} chunk(s) without a finish_reason; the reply is incomplete.`;
    const type = this.response.headers.get("content-type");
    if (received === 0 && type !== null && !type.includes("text/event-stream")) {
      return `${base} The response was ${type}, not text/event-stream: was "stream": true sent to a streaming endpoint?`;
    }
    return base;
  }

  #fail(error: unknown): unknown {
    if (this.#state !== "open") return this.#failure ?? error;
    const classified = this.#classify(error);
    // Every error of a stream names its request, for support (a dropped connection included).
    if (classified instanceof GlooError) classified.requestId ??= this.requestId;
    this.#failure = classified;
    this.#settle("failed");
    return classified;
  }

  #classify(error: unknown): unknown {
    if (error instanceof IdleTimeout) {
      return new APIConnectionTimeoutError({
        message: `No stream data arrived for ${this.#idleTimeout} ms (idleTimeout); the connection was closed.`,
      });
    }
    if (error instanceof GlooError) return error;
    const signal = this.controller.signal;
    if (signal.aborted) {
      return new APIUserAbortError({ message: "The stream was aborted.", cause: signal.reason });
    }
    return new StreamInterruptedError({
      message: "The connection dropped mid-stream; the reply is incomplete.",
      cause: error,
    });
  }

  // The one way out, however the stream ended; anything but a body that ended by itself closes the connection.
  #settle(state: Exclude<StreamState, "open">, bodyEnded = false): void {
    if (this.#state !== "open") return;
    // Leaving the loop after every choice finished still counts as a complete stream.
    this.#state = state === "closed" && this.#accumulator.finished ? "complete" : state;
    this.#events.length = 0;
    this.#eventAt = 0;
    this.#idleTimer?.stop();
    const signal = this.controller.signal;
    signal.removeEventListener("abort", this.#onAbort);
    const reader = this.#reader;
    this.#reader = undefined;
    const reason = this.#state === "complete" ? COMPLETED : undefined;
    if (bodyEnded) reader?.releaseLock();
    else if (reader !== undefined) void reader.cancel(reason).catch(ignore);
    else if (this.response.body !== null && !this.response.body.locked) {
      void this.response.body.cancel(reason).catch(ignore);
    }
    // Cancelling the body closes the connection; the controller is aborted too when the stream
    // did not complete, so a fetch still in flight for it stops as well.
    if (!bodyEnded && this.#state !== "complete" && !signal.aborted) this.controller.abort();
    this.#settleDone?.();
  }
}

/** Raised inside the reader when the idle timer cancelled the body; turned into a public error. */
class IdleTimeout extends Error {}

function ignore(): void {}
