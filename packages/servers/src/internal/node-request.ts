// The Request a handler receives, made from node's IncomingMessage: a real web Request (undici's),
// or, when `serve` overrides the global web classes, the IncomingRequest standing in for one.
import type { IncomingMessage } from "node:http";
import { IncomingRequest } from "./fast-request.js";
import { appendRaw, RawHeaders } from "./raw-headers.js";

/** Bodies up to this size that declare their length are read before the handler runs (one allocation, no stream). */
const SMALL_BODY = 64 * 1024;

/**
 * The web Request for `req`, whose signal is `signal()` (it aborts when the client leaves): a real one,
 * or with `fast` the IncomingRequest that builds one only if something needs it; a promise of it
 * while a small body is read. Throws (or rejects) for an unusable Host header or target, and for a
 * body cut short before its declared end.
 */
export function toRequest(
  req: IncomingMessage,
  signal: () => AbortSignal,
  fast: boolean,
): Request | Promise<Request> {
  // Read from the raw fields: asking node for `req.headers` would build its header object.
  const raw = req.rawHeaders;
  let host: string | undefined;
  let length: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && host === undefined && name.toLowerCase() === "host") host = raw[i + 1];
    else if (name.length === 14 && length === undefined && name.toLowerCase() === "content-length")
      length = raw[i + 1];
  }
  const url = urlOf(req.url ?? "/", host ?? "localhost");
  const method = req.method ?? "GET";
  const build = (body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array> | null): Request => {
    if (fast)
      return new IncomingRequest({
        method,
        url,
        headers: new RawHeaders(req.rawHeaders),
        body,
        signal,
      }) as unknown as Request;
    const init: RequestInit & { duplex?: "half" } = { method, signal: signal(), body };
    if (body !== null && !(body instanceof Uint8Array)) init.duplex = "half";
    const request = new Request(url, init);
    // Appended here rather than passed in `init`, which would validate and copy them twice.
    appendRaw(request.headers, req.rawHeaders);
    return request;
  };
  if (method === "GET" || method === "HEAD") return build(null);
  // Small bodies of known length arrive in a packet or two: read them whole, which costs far
  // less than streaming them. Everything else streams (an IncomingMessage is an async iterable).
  if (Number(length ?? Number.NaN) <= SMALL_BODY) return readSmallBody(req).then(build);
  return build(req as unknown as ReadableStream<Uint8Array>);
}

// The last target and Host read, and the URL they made: a server mostly sees the same few.
let last = { target: "", host: "", href: "" };

// The URL a request targets; throws for an unusable Host header or target, and for credentials
// in the URL, as `new Request(url)` does.
function urlOf(target: string, host: string): string {
  if (target === last.target && host === last.host) return last.href;
  const url =
    target.startsWith("/") && !target.startsWith("//")
      ? new URL(`http://${host}${target}`)
      : new URL(target, `http://${host}`);
  if (url.username !== "" || url.password !== "")
    throw new TypeError("A request URL cannot include credentials.");
  last = { target, host, href: url.href };
  return last.href;
}

function readSmallBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      resolve(new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength) as Uint8Array<ArrayBuffer>);
    });
    req.on("error", reject);
    // A client that leaves mid-body: no "end" will come. Every request emits "close" once done,
    // so the error (and its stack trace, a measurable cost per request) is made only if needed.
    req.on("close", () => {
      if (!req.complete) reject(new Error("The client closed the connection mid-body."));
    });
  });
}
