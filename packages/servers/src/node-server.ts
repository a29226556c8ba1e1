import { randomUUID } from "node:crypto";
import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BufferedResponse } from "./internal/buffered-response.js";
import { Disconnect } from "./internal/disconnect.js";
import { type LightBody, LightRequest } from "./internal/light-request.js";
import { standInsWork } from "./internal/stand-in.js";

/** A web-standard request handler: the shape every server in this package exposes. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/**
 * Thrown (or used to reject) by a handler to close the connection without sending any response,
 * the way a crashed upstream or a load balancer reset looks to a client.
 * To cut a response that has already started, error its body stream instead.
 */
export const DROP_CONNECTION: unique symbol = Symbol.for("gloo-toolkit.drop-connection");

/** Options of {@link serve}. */
export interface ServeOptions {
  /** TCP port; `0` picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. @default "127.0.0.1" */
  host?: string;
  /** Aborting it closes the server like {@link RunningServer.close}. */
  signal?: AbortSignal;
  /** Called when the handler throws something other than {@link DROP_CONNECTION}; the client gets a 500. */
  onError?: (error: unknown) => void;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL with no trailing slash, e.g. `http://127.0.0.1:43117`. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stops accepting connections, ends idle keep-alive sockets and cuts in-flight ones. */
  close(): Promise<void>;
}

/**
 * Binds a fetch handler to `node:http`: streamed request and response bodies, backpressure,
 * no buffering (SSE arrives as written), and an aborted `request.signal` when the client leaves.
 * @example
 * const server = await serve(createEmulator().fetch, { port: 0 });
 * console.log(server.url);
 * await server.close();
 */
export async function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer({ noDelay: true }, (req, res) => {
    void answer(handler, req, res, options.onError);
  });
  server.on("clientError", answerUnparsable);
  server.listen(options.port ?? 0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const close = closer(server);
  options.signal?.addEventListener("abort", () => void close(), { once: true });
  if (options.signal?.aborted === true) await close();
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, port, host, close };
}

function closer(server: Server): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Streams may be endless (a client holding an SSE stream open): cut them rather than wait.
      server.closeAllConnections();
    });
    return closing;
  };
}

async function answer(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  onError: ((error: unknown) => void) | undefined,
): Promise<void> {
  const disconnect = new Disconnect();
  res.once("close", () => {
    if (!res.writableFinished) disconnect.abort();
  });
  let request: Request;
  try {
    request = await toRequest(req, disconnect);
  } catch {
    // An unusable Host header or target (no valid URL), or a body cut short: nothing to hand over.
    if (!res.headersSent && res.writable) {
      writeJson(res, 400, {
        error: {
          type: "invalid_request_error",
          message: "The request's Host header or target is not a valid URL, or its body was cut short.",
        },
      });
    }
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch (error) {
    if (error === DROP_CONNECTION) {
      req.socket.destroy();
      return;
    }
    onError?.(error);
    if (!res.headersSent)
      writeJson(res, 500, { error: { message: "The server failed to handle the request." } });
    return;
  }
  await writeResponse(response, res, disconnect);
}

/** Bodies up to this size that declare their length are read before the handler runs (one allocation, no stream). */
const SMALL_BODY = 64 * 1024;

async function toRequest(req: IncomingMessage, disconnect: Disconnect): Promise<Request> {
  const url = urlOf(req);
  const method = req.method ?? "GET";
  // Small bodies of known length arrive in a packet or two: read them whole, which costs far
  // less than a web stream. Everything else streams (the IncomingMessage is an async iterable).
  const body =
    method === "GET" || method === "HEAD"
      ? null
      : Number(req.headers["content-length"] ?? Number.NaN) <= SMALL_BODY
        ? await readSmallBody(req)
        : req;
  if (standInsWork)
    return new LightRequest(method, url, req.rawHeaders, disconnect, body) as unknown as Request;
  return realRequest(method, url, req.rawHeaders, disconnect, body);
}

// Where undici cannot be stood in for (see stand-in.ts) its objects are cheap: a real Request,
// whose signal follows the connection's.
function realRequest(
  method: string,
  url: string,
  raw: readonly string[],
  disconnect: Disconnect,
  body: LightBody,
): Request {
  const init: RequestInit & { duplex?: "half" } = { method, signal: disconnect.signal };
  if (body instanceof Uint8Array) init.body = body;
  else if (body !== null) {
    init.body = body as unknown as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  const request = new Request(url, init);
  // Appended here rather than passed in `init`, which would validate and copy them twice.
  for (let i = 0; i + 1 < raw.length; i += 2) request.headers.append(raw[i] as string, raw[i + 1] as string);
  return request;
}

// The serialised URL a Request would report; throws for an unusable Host header or target, and
// for credentials in the URL, as `new Request(url)` does.
function urlOf(req: IncomingMessage): string {
  const target = req.url ?? "/";
  const host = req.headers.host ?? "localhost";
  const url =
    target.startsWith("/") && !target.startsWith("//")
      ? new URL(`http://${host}${target}`)
      : new URL(target, `http://${host}`);
  if (url.username !== "" || url.password !== "")
    throw new TypeError("A request URL cannot include credentials.");
  return url.href;
}

function readSmallBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => {
      const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      resolve(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) as Uint8Array<ArrayBuffer>);
    });
    req.once("error", reject);
    // A client that leaves mid-body: no "end" will come. Every request emits "close" once done,
    // so the error (and its stack trace, a measurable cost per request) is made only if needed.
    req.once("close", () => {
      if (!req.complete) reject(new Error("The client closed the connection mid-body."));
    });
  });
}

async function writeResponse(response: Response, res: ServerResponse, disconnect: Disconnect): Promise<void> {
  const headers = headersOf(response.headers);
  // A body already in memory goes out in one write, headers included, with its length declared:
  // no chunked framing, and node sends the head and a text body as one string.
  const buffered = BufferedResponse.contentOf(response);
  if (buffered !== undefined) {
    headers["content-length"] ??=
      typeof buffered === "string" ? Buffer.byteLength(buffered) : buffered.byteLength;
    res.writeHead(response.status, response.statusText || undefined, headers);
    res.end(buffered);
    return;
  }
  res.writeHead(response.status, response.statusText || undefined, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const signal = disconnect.signal;
  const reader = response.body.getReader();
  const stop = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener("abort", stop, { once: true });
  try {
    await pump(reader, res, signal);
  } catch {
    // The body stream errored: cut the connection so the client sees a truncated response, but
    // only after what was already written leaves (Node corks a response's first writes).
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

type Read = ReadableStreamReadResult<Uint8Array>;
const PENDING = Symbol("pending");

/** The next read if the stream has it ready within this turn of the event loop, else PENDING. */
function readSoon(reader: ReadableStreamDefaultReader<Uint8Array>): {
  ready: Promise<Read | typeof PENDING>;
  read: Promise<Read>;
} {
  const read = reader.read();
  const tick = new Promise<typeof PENDING>((resolve) => setImmediate(resolve, PENDING));
  return { ready: Promise.race([read, tick]), read };
}

// Writes the body as it comes. A body that is complete at once (a string, a buffer) goes out in
// one write with the headers; as soon as the producer has nothing ready (SSE, a proxied stream),
// the headers and what there is are flushed and every later chunk is written as it arrives.
async function pump(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: ServerResponse,
  signal: AbortSignal,
) {
  const first = readSoon(reader);
  const head = await first.ready;
  if (head === PENDING) res.flushHeaders();
  let next = await first.read;
  if (!next.done && head !== PENDING) {
    const second = readSoon(reader);
    if ((await second.ready) !== PENDING) {
      const after = await second.read;
      if (after.done) {
        res.end(next.value);
        return;
      }
      res.write(next.value);
      next = after;
    } else {
      res.write(next.value);
      next = await second.read;
    }
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
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of headers) if (name !== "set-cookie") out[name] = value;
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  return out;
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // The answers `serve` makes itself carry a request id too, like the handler's do.
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": randomUUID(),
  });
  res.end(text);
}

// Requests node's parser rejects never reach the handler; answer them in JSON too, not a bare 400.
function answerUnparsable(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const status = tooLarge ? 431 : 400;
  const message = tooLarge
    ? "The request headers are too large."
    : "The request is not valid HTTP/1.1; check the request line, headers and body framing.";
  const body = JSON.stringify({ error: { type: "invalid_request_error", message } });
  const reason = tooLarge ? "Request Header Fields Too Large" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`,
  );
}
