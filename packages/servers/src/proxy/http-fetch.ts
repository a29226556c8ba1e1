import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { fieldRecord, fieldsOf, RawHeaders } from "../internal/raw-headers.js";

/** A fetch function with the signature of the global one. */
export type HttpFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /** Idle keep-alive sockets kept per host. @default 256 */
  maxFreeSockets?: number;
}

/**
 * A `fetch` over `node:http` / `node:https` with keep-alive agents, for the proxy's upstream hop:
 * on Node 20 it costs about a third of the CPU of the built-in fetch per request, which is most
 * of what the proxy adds (bench/proxy.mjs). Request bodies are buffered (chat bodies are small);
 * a URL with an `init` whose body is bytes (or absent) is sent without building a Request at all;
 * response bodies stream, except small whole ones (a `Content-Length` up to 1 MiB, not SSE), which
 * are collected first since they arrive at once. It asks for `identity` encoding, since unlike the built-in fetch it
 * does not decompress. Failures reject with `TypeError("fetch failed", { cause })`, as fetch does;
 * a request that meets a keep-alive connection the server has just closed is sent once more.
 * @example
 * const gloo = new Gloo({ clientId, clientSecret, fetch: createHttpFetch() });
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = { keepAlive: true, maxFreeSockets: options.maxFreeSockets ?? 256 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  return async (input, init) => {
    const outgoing = fromInit(input, init) ?? (await fromRequest(input, init));
    const { url, method, headers, body, signal } = outgoing;
    signal?.throwIfAborted();
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:")
      throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
    headers["accept-encoding"] = "identity";
    if (body !== undefined) headers["content-length"] = String(body.byteLength);
    const attempt = {
      url,
      method,
      headers,
      body,
      signal,
      agent: secure ? agents.https : agents.http,
      send: secure ? httpsRequest : httpRequest,
    };
    try {
      return await send(attempt);
    } catch (error) {
      // The keep-alive race: the server closed an idle connection just as it was reused, so it
      // did not process the request; send it once more on a new connection (the retry Node's
      // documentation gives for `request.reusedSocket`).
      if (!(error instanceof StaleSocketError)) throw error;
      return await send({ ...attempt, agent: false }).catch((retryError: unknown) => {
        throw retryError instanceof StaleSocketError ? retryError.failure : retryError;
      });
    }
  };
}

/** What one call sends, whichever way it was described. */
interface Outgoing {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signal: AbortSignal | undefined;
}

// Methods `new Request` would pass through unchanged: anything else (lower case, CONNECT, …) goes
// the Request way, which normalises or rejects it.
const PLAIN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

// The last URL parsed and its text: the proxy sends every request to the same one or two.
let lastURL: { text: string; url: URL | null } = { text: "", url: null };

function parseURL(text: string): URL | null {
  if (lastURL.text !== text) lastURL = { text, url: URL.parse(text) };
  return lastURL.url;
}

/**
 * The call read straight from a URL and an `init` whose body is bytes or absent, as the Fetch
 * standard would read it, without building a Request (an AbortController, a Headers and a body
 * stream, about as much CPU as the rest of the hop); undefined for anything else.
 */
function fromInit(input: string | URL | Request, init: RequestInit | undefined): Outgoing | undefined {
  if (init === undefined || !(typeof input === "string" || input instanceof URL)) return undefined;
  const raw = init.body ?? undefined;
  const method = init.method ?? "GET";
  if (raw !== undefined && !(raw instanceof Uint8Array)) return undefined;
  if (!PLAIN_METHODS.has(method) || (raw !== undefined && (method === "GET" || method === "HEAD")))
    return undefined;
  const url = parseURL(String(input));
  // Unparsable or with credentials: the Request way throws the TypeError fetch would.
  if (url === null || url.username !== "" || url.password !== "") return undefined;
  // Checked and normalised as a Request's Headers would be (a TypeError for a bad name or value),
  // names lower-cased and repeats joined, without building one.
  const fields = fieldsOf(init.headers) ?? fieldsOf(new Headers(init.headers)) ?? [];
  const headers = fieldRecord(fields, false) as Record<string, string>;
  return { url, method, headers, body: raw, signal: init.signal ?? undefined };
}

/** The call as a Request describes it (what `gloo.fetch` passes), body read into memory. */
async function fromRequest(input: string | URL | Request, init: RequestInit | undefined): Promise<Outgoing> {
  const request = input instanceof Request && init === undefined ? input : new Request(input, init);
  request.signal.throwIfAborted();
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
  return { url: new URL(request.url), method: request.method, headers, body, signal: request.signal };
}

interface Attempt {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
  signal: AbortSignal | undefined;
  /** `false`: a new connection outside the pool. */
  agent: HttpAgent | false;
  send: typeof httpRequest;
}

/** A reused keep-alive socket that the server had already closed; `failure` is what fetch would throw. */
class StaleSocketError extends Error {
  constructor(readonly failure: TypeError) {
    super(failure.message);
  }
}

function send(attempt: Attempt): Promise<Response> {
  const { signal } = attempt;
  return new Promise<Response>((resolve, reject) => {
    const fail = (error: Error & { code?: string }, reused: boolean) => {
      if (signal?.aborted === true) return reject(signal.reason);
      const failure = new TypeError("fetch failed", { cause: error });
      const stale = reused && (error.code === "ECONNRESET" || error.code === "EPIPE");
      reject(stale ? new StaleSocketError(failure) : failure);
    };
    const { url } = attempt;
    // One options object rather than a URL plus options, and the signal handled here rather than
    // given to node: both make node copy the options into a slow, dictionary-mode object.
    const options = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: attempt.method,
      headers: attempt.headers,
      agent: attempt.agent,
    };
    const outgoing = attempt.send(options, (incoming) => {
      const headers = headersOf(incoming);
      if (!isSmallWhole(headers)) return resolve(toResponse(incoming, headers, attempt.method, null));
      // A whole small body (JSON with a length): collect it, skipping the stream machinery.
      const parts: Buffer[] = [];
      incoming.on("data", (part: Buffer) => parts.push(part));
      incoming.on("end", () =>
        resolve(
          toResponse(
            incoming,
            headers,
            attempt.method,
            parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts),
          ),
        ),
      );
      incoming.on("error", (error) => fail(error, false));
    });
    outgoing.on("error", (error) => fail(error, outgoing.reusedSocket));
    if (signal !== undefined) {
      // Aborting destroys the request, which also cuts a response still streaming (its web
      // stream errors), until the exchange is over.
      const abort = () => outgoing.destroy(signal.reason);
      signal.addEventListener("abort", abort, { once: true });
      outgoing.on("close", () => signal.removeEventListener("abort", abort));
    }
    outgoing.end(attempt.body);
  });
}

/** Bodies up to this size with a `Content-Length` and no event stream are collected before resolving. */
const WHOLE_BODY_LIMIT = 1 << 20;

function isSmallWhole(headers: Headers): boolean {
  const length = Number(headers.get("content-length") ?? Number.NaN);
  const type = headers.get("content-type") ?? "";
  return length > 0 && length <= WHOLE_BODY_LIMIT && !type.includes("text/event-stream");
}

// The fields as node's parser read them (checked and trimmed already), for a Headers that reads
// them as they are; node's own header object is not built.
const headersOf = (incoming: IncomingMessage) => new RawHeaders(incoming.rawHeaders) as unknown as Headers;

function toResponse(
  incoming: IncomingMessage,
  headers: Headers,
  method: string,
  whole: Buffer | null,
): Response {
  const status = incoming.statusCode ?? 502;
  const init = { status, statusText: incoming.statusMessage ?? "", headers };
  if (method === "HEAD" || status === 204 || status === 304) {
    incoming.resume();
    return new Response(null, init);
  }
  if (whole !== null)
    return new Response(
      new Uint8Array(whole.buffer as ArrayBuffer, whole.byteOffset, whole.byteLength),
      init,
    );
  // Cancelling the web stream destroys the socket, which is how a client that leaves cancels upstream.
  return new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, init);
}
