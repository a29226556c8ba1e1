import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

/** A fetch function with the signature of the global one. */
export type HttpFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link createHttpFetch}. */
export interface HttpFetchOptions {
  /** Idle keep-alive sockets kept per host. @default 256 */
  maxFreeSockets?: number;
}

/**
 * A `fetch` over `node:http` / `node:https` with keep-alive agents, for the proxy's upstream hop:
 * on Node 20 it costs about a third of the CPU of the built-in fetch per request, which is most
 * of what the proxy adds (bench/proxy.mjs). Request bodies are buffered (chat bodies are small);
 * response bodies stream, except small whole ones (a `Content-Length` up to 1 MiB, not SSE), which
 * are collected first since they arrive at once. It asks for `identity` encoding, since unlike the built-in fetch it
 * does not decompress. Failures reject with `TypeError("fetch failed", { cause })`, as fetch does.
 * @example
 * const gloo = new Gloo({ clientId, clientSecret, fetch: createHttpFetch() });
 */
export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const agentOptions = { keepAlive: true, maxFreeSockets: options.maxFreeSockets ?? 256 };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    request.signal.throwIfAborted();
    const url = new URL(request.url);
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:")
      throw new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    headers["accept-encoding"] = "identity";
    if (body !== undefined) headers["content-length"] = String(body.byteLength);
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const outgoing = send(
        url,
        {
          method: request.method,
          headers,
          agent: secure ? agents.https : agents.http,
          signal: request.signal,
        },
        (incoming) => {
          if (!isSmallWhole(incoming)) return resolve(toResponse(incoming, request.method, null));
          // A whole small body (JSON with a length): collect it, skipping the stream machinery.
          const parts: Buffer[] = [];
          incoming.on("data", (part: Buffer) => parts.push(part));
          incoming.on("end", () => resolve(toResponse(incoming, request.method, Buffer.concat(parts))));
          incoming.on("error", (error) =>
            reject(
              request.signal.aborted
                ? request.signal.reason
                : new TypeError("fetch failed", { cause: error }),
            ),
          );
        },
      );
      outgoing.on("error", (error) =>
        reject(
          request.signal.aborted ? request.signal.reason : new TypeError("fetch failed", { cause: error }),
        ),
      );
      outgoing.end(body);
    });
  };
}

/** Bodies up to this size with a `Content-Length` and no event stream are collected before resolving. */
const WHOLE_BODY_LIMIT = 1 << 20;

function isSmallWhole(incoming: IncomingMessage): boolean {
  const length = Number(incoming.headers["content-length"] ?? Number.NaN);
  const type = incoming.headers["content-type"] ?? "";
  return length > 0 && length <= WHOLE_BODY_LIMIT && !type.includes("text/event-stream");
}

function toResponse(incoming: IncomingMessage, method: string, whole: Buffer | null): Response {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
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
