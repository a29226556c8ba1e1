/**
 * A streaming `text/event-stream` parser: bytes or text in, events out, no HTTP.
 *
 * It implements the "Interpreting an event stream" algorithm of the WHATWG HTML standard
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
 * and is checked against the shared SSE conformance cases fed whole, in chunks and one
 * character at a time.
 */

import { GlooError, SSEEventTooLargeError } from "./errors.js";

/** One dispatched server-sent event. */
export interface ServerSentEvent {
  /** The event type; `"message"` when the block gave no (or an empty) `event` field. */
  readonly event: string;
  /** The `data` lines of the block joined with `"\n"`. */
  readonly data: string;
  /** The last event ID committed at or before this event; `""` if none ever was (it persists across blocks). */
  readonly id: string;
}

/** Callbacks a parser reports to. */
export interface SSEParserOptions {
  /** Called once per dispatched event, synchronously from `feed`. */
  onEvent: (event: ServerSentEvent) => void;
  /** Called with the new reconnection time (ms) for every valid `retry` field. */
  onRetry?: ((milliseconds: number) => void) | undefined;
  /** Called with the text after the colon of every comment line (used for heartbeats). */
  onComment?: ((comment: string) => void) | undefined;
  /**
   * The longest line, and the longest data of one event, in characters (UTF-16 code units);
   * `feed` throws {@link SSEEventTooLargeError} past it instead of buffering without bound.
   * @default DEFAULT_MAX_EVENT_SIZE (16 Mi characters)
   */
  maxEventSize?: number | undefined;
}

/** The default {@link SSEParserOptions.maxEventSize}: 16 Mi characters, far above any chat chunk. */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 2 ** 20;

/** An incremental SSE parser; feed it a stream's pieces in order, then call `end`. */
export interface SSEParser {
  /** Parses the next piece of the stream: UTF-8 bytes, or text already decoded (do not mix the two). */
  feed(chunk: string | Uint8Array): void;
  /** Ends the stream: an unterminated last block is discarded, as the standard says. */
  end(): void;
  /** The last event ID string (committed by a block that ended with a blank line). */
  readonly lastEventId: string;
  /** The reconnection time from the last valid `retry` field, if any. */
  readonly retry: number | undefined;
}

const LF = 10;
const BOM = "\uFEFF";

/**
 * Creates an incremental parser for a `text/event-stream` body.
 *
 * @example
 * ```ts
 * const parser = createSSEParser({ onEvent: (e) => console.log(e.event, e.data) });
 * parser.feed("data: hel");
 * parser.feed("lo\n\n"); // logs: message hello
 * parser.end();
 * ```
 */
export function createSSEParser(options: SSEParserOptions): SSEParser {
  const { onEvent, onRetry, onComment } = options;
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  if (!(maxEventSize > 0)) {
    throw new GlooError(
      `maxEventSize must be a positive number of characters (Infinity for no limit), got ${maxEventSize}.`,
    );
  }
  let decoder: TextDecoder | undefined;
  let started = false;
  // An incomplete line is kept as pieces and joined once its terminator arrives, so a long
  // line fed in many small chunks costs linear, not quadratic, time.
  let pending: string[] = [];
  let pendingSize = 0;
  // A CR ended the previous chunk: an LF opening the next one belongs to that CRLF.
  let skipLF = false;
  let data = "";
  let hasData = false;
  let eventType = "";
  let idBuffer = "";
  let lastEventId = "";
  let retry: number | undefined;

  function feedText(text: string): void {
    const length = text.length;
    if (length === 0) return;
    let position = 0;
    if (skipLF) {
      skipLF = false;
      if (text.charCodeAt(0) === LF) position = 1;
    }
    // Each terminator is searched for once per chunk and again only after it has been passed,
    // so a chunk costs linear time whichever line endings it uses.
    let nextLF = text.indexOf("\n", position);
    let nextCR = text.indexOf("\r", position);
    while (nextLF !== -1 || nextCR !== -1) {
      // Fast path for the shape nearly every chat stream block has: a whole `data: <value>` line
      // and a blank line, both ended by LF, with no data collected before them in the block. It
      // does what the general steps below do for those two lines (the value becomes the data,
      // then dispatch) without cutting out each line; any other shape, or a block this chunk
      // ends inside, takes the general steps.
      if (
        nextLF !== -1 &&
        text.charCodeAt(nextLF + 1) === LF &&
        (nextCR === -1 || nextCR > nextLF + 1) &&
        !hasData &&
        pending.length === 0 &&
        text.startsWith("data: ", position)
      ) {
        if (nextLF - position - 6 > maxEventSize) throw new SSEEventTooLargeError(maxEventSize);
        data = text.slice(position + 6, nextLF);
        hasData = true;
        dispatch();
        position = nextLF + 2;
        nextLF = text.indexOf("\n", position);
        continue;
      }
      let end: number;
      let next: number;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        end = nextLF;
        next = nextLF + 1;
      } else {
        end = nextCR;
        next = nextCR + 1;
        if (next === length) skipLF = true;
        else if (text.charCodeAt(next) === LF) next += 1;
      }
      let line = text.slice(position, end);
      if (pending.length > 0) {
        pending.push(line);
        line = pending.join("");
        pending = [];
        pendingSize = 0;
      }
      if (line.length > maxEventSize) throw new SSEEventTooLargeError(maxEventSize);
      processLine(line);
      position = next;
      if (nextLF !== -1 && nextLF < position) nextLF = text.indexOf("\n", position);
      if (nextCR !== -1 && nextCR < position) nextCR = text.indexOf("\r", position);
    }
    if (position < length) {
      pendingSize += length - position;
      if (pendingSize > maxEventSize) throw new SSEEventTooLargeError(maxEventSize);
      pending.push(position === 0 ? text : text.slice(position));
    }
  }

  function processLine(line: string): void {
    if (line.length === 0) {
      dispatch();
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) {
      onComment?.(line.slice(1));
      return;
    }
    if (colon === -1) {
      processField(line, "");
      return;
    }
    // Nearly every line of a chat stream is `data: …`: handle it without slicing out the name.
    if (colon === 4 && line.startsWith("data")) {
      appendData(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
      return;
    }
    // One optional space after the colon is part of the syntax, not the value.
    const valueStart = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
    processField(line.slice(0, colon), line.slice(valueStart));
  }

  function processField(field: string, value: string): void {
    switch (field) {
      case "data":
        appendData(value);
        return;
      case "event":
        eventType = value;
        return;
      case "id":
        // An id containing U+0000 is ignored entirely, keeping the previous one.
        if (!value.includes("\0")) idBuffer = value;
        return;
      case "retry":
        if (isAsciiDigits(value)) {
          retry = Number.parseInt(value, 10);
          onRetry?.(retry);
        }
        return;
      default:
      // Unknown fields (field names are case-sensitive) are ignored.
    }
  }

  function appendData(value: string): void {
    if (hasData && data.length + 1 + value.length > maxEventSize)
      throw new SSEEventTooLargeError(maxEventSize);
    data = hasData ? `${data}\n${value}` : value;
    hasData = true;
  }

  function dispatch(): void {
    // The id is committed by every blank line, even one ending a block without data.
    lastEventId = idBuffer;
    if (!hasData) {
      eventType = "";
      return;
    }
    const event: ServerSentEvent = { event: eventType === "" ? "message" : eventType, data, id: lastEventId };
    data = "";
    hasData = false;
    eventType = "";
    onEvent(event);
  }

  return {
    feed(chunk) {
      if (typeof chunk === "string") {
        // Text input stands for decoded bytes, so one leading BOM is dropped here, once.
        if (!started && chunk.length > 0) {
          started = true;
          if (chunk.startsWith(BOM)) chunk = chunk.slice(1);
        }
        feedText(chunk);
        return;
      }
      // The stream is always UTF-8; TextDecoder drops one leading BOM and keeps a multi-byte
      // sequence split across chunks until its last byte arrives.
      started = true;
      decoder ??= new TextDecoder("utf-8");
      feedText(decoder.decode(chunk, { stream: true }));
    },
    end() {
      if (decoder !== undefined) feedText(decoder.decode());
      // The standard discards a block the stream ends in the middle of (its id is not committed).
      pending = [];
      pendingSize = 0;
      data = "";
      hasData = false;
      eventType = "";
      idBuffer = lastEventId;
      skipLF = false;
    },
    get lastEventId() {
      return lastEventId;
    },
    get retry() {
      return retry;
    },
  };
}

function isAsciiDigits(value: string): boolean {
  if (value.length === 0) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
