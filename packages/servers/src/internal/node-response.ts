// Writes a handler's web Response to node's ServerResponse: headers, then the body as it comes,
// with backpressure. A body that is complete at once goes out in one write with its length
// declared; a body whose producer has nothing ready (SSE, a relayed stream) is flushed and every
// later chunk written as it arrives, never held back. A FastResponse's string or bytes are written
// as they are, with no stream at all.
import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { type HeldResponse, heldBody } from "./fast-response.js";
import { fieldRecord, rawFields } from "./raw-headers.js";

type Read = ReadableStreamReadResult<Uint8Array>;
const PENDING = Symbol("pending");

/**
 * Sends `response` on `res`; `signalOf()` aborts when the client leaves, which cancels the body.
 * A held body is written at once (nothing to wait for); a streamed one returns the promise of its end.
 */
export function writeResponse(
  response: Response,
  res: ServerResponse,
  signalOf: () => AbortSignal,
): Promise<void> | undefined {
  const held = heldBody(response);
  if (held === undefined) return writeStreamed(response, res, signalOf);
  writeHeld(held, res);
  return undefined;
}

async function writeStreamed(
  response: Response,
  res: ServerResponse,
  signalOf: () => AbortSignal,
): Promise<void> {
  const headers = headersOf(response.headers);
  const writeHead = (length?: number) => {
    // 204 and 304 carry no body, so no length either (RFC 9110 §8.6).
    if (length !== undefined && response.status !== 204 && response.status !== 304)
      headers["content-length"] ??= length;
    res.writeHead(response.status, response.statusText || undefined, headers);
  };
  if (response.body === null) {
    writeHead();
    res.end();
    return;
  }
  const signal = signalOf();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const stop = () => void reader?.cancel(signal.reason).catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    reader = response.body.getReader();
    await pump(reader, res, signal, writeHead);
  } catch {
    // The body stream errored (or was unusable): cut the connection so the client sees a
    // truncated response, but only after what was already written leaves (Node corks a
    // response's first writes).
    const socket = res.socket;
    if (socket === null) res.destroy();
    else {
      socket.uncork();
      socket.destroySoon();
    }
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

// A FastResponse's body as given: one write, head included, with its length.
function writeHeld(held: HeldResponse, res: ServerResponse): void {
  const headers = headersOf(held.headers);
  const { body } = held;
  if (body !== null)
    headers["content-length"] ??= typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  res.writeHead(held.status, held.statusText || undefined, headers);
  res.end(body ?? undefined);
}

/** Microtask turns a read may take and still count as ready: an in-memory body takes one or two. */
const READY_TURNS = 8;

/**
 * The next read if the stream has it ready within a few microtask turns (a body held in memory),
 * else PENDING (a producer still working). Only a hint for how to write: either answer is safe.
 */
function readSoon(reader: ReadableStreamDefaultReader<Uint8Array>): {
  ready: Promise<Read | typeof PENDING>;
  read: Promise<Read>;
} {
  const read = reader.read();
  let settled: Read | typeof PENDING = PENDING;
  // A rejected read is handled by whoever awaits `read`.
  read.then(
    (result) => {
      settled = result;
    },
    () => {},
  );
  const ready = (async (): Promise<Read | typeof PENDING> => {
    for (let turn = 0; turn < READY_TURNS && settled === PENDING; turn++) await undefined;
    return settled as Read | typeof PENDING;
  })();
  return { ready, read };
}

async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: ServerResponse,
  signal: AbortSignal,
  writeHead: (length?: number) => void,
): Promise<void> {
  const first = readSoon(reader);
  const head = await first.ready;
  let next: Read;
  if (head === PENDING) {
    // Nothing yet (a model thinking): the client gets the status and headers now.
    writeHead();
    res.flushHeaders();
    next = await first.read;
  } else if (head.done) {
    writeHead(0);
    res.end();
    return;
  } else {
    const second = readSoon(reader);
    const after = await second.ready;
    if (after !== PENDING && after.done) {
      // The whole body in one piece (a string, a buffer): one write, head included, no chunking.
      writeHead(head.value.byteLength);
      res.end(head.value);
      return;
    }
    writeHead();
    res.write(head.value);
    next = after === PENDING ? await second.read : after;
  }
  while (!next.done) {
    if (!res.write(next.value)) await drained(res, signal);
    if (signal.aborted) return;
    next = await reader.read();
  }
  res.end();
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

function headersOf(headers: Headers): OutgoingHttpHeaders {
  const raw = rawFields(headers);
  // The fields a fast class holds, without building a Headers.
  if (raw !== undefined) return fieldRecord(raw, true);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of headers) if (name !== "set-cookie") out[name] = value;
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  return out;
}
