// serve(): the Node adapter's entry. It owns the server's life (listen, close) and each
// request's path through the handler; turning node's request into a web Request, writing the web
// Response back, and the answers it gives itself each live in their own file under internal/.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { answerUnparsable, writeJsonError } from "./internal/error-answers.js";
import { overrideGlobalObjects } from "./internal/fast-globals.js";
import { toRequest } from "./internal/node-request.js";
import { writeResponse } from "./internal/node-response.js";

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
  /**
   * Replaces the global `Request`, `Response` and `fetch` with faster equivalents for this process,
   * as @hono/node-server's option of the same name does: a `new Response(string or bytes)` is
   * written in one go without a web stream, and the handler's Request builds its undici object only
   * if something needs it. Both behave as the standard classes. For processes that own their
   * globals (a CLI's server command), not for a library embedding a server. @default false
   */
  overrideGlobalObjects?: boolean;
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
  const fast = options.overrideGlobalObjects === true;
  if (fast) overrideGlobalObjects();
  const server = createServer({ noDelay: true }, (req, res) => {
    void answer(handler, req, res, fast, options.onError);
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

/**
 * The signal that aborts when the client leaves before the response is done, made on first use:
 * most requests (a whole JSON answer) never ask for it.
 */
function disconnectSignal(res: ServerResponse): () => AbortSignal {
  let controller: AbortController | undefined;
  let gone = false;
  const reason = () => new Error("The client closed the connection.");
  res.on("close", () => {
    if (res.writableFinished) return;
    gone = true;
    controller?.abort(reason());
  });
  return () => {
    if (controller === undefined) {
      controller = new AbortController();
      if (gone) controller.abort(reason());
    }
    return controller.signal;
  };
}

async function answer(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  fast: boolean,
  onError: ((error: unknown) => void) | undefined,
): Promise<void> {
  const disconnect = disconnectSignal(res);
  let request: Request;
  try {
    const made = toRequest(req, disconnect, fast);
    request = made instanceof Promise ? await made : made;
  } catch {
    // An unusable Host header or target (no valid URL), or a body cut short: nothing to hand over.
    // The connection is closed after the answer: a body cut short leaves no next request to read,
    // and a client that sends no valid URL is not one to keep a connection open for.
    if (!res.headersSent && res.writable) {
      const message = "The request's Host header or target is not a valid URL, or its body was cut short.";
      writeJsonError(res, 400, { type: "invalid_request_error", message }, true);
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
    if (!res.headersSent) writeJsonError(res, 500, { message: "The server failed to handle the request." });
    return;
  }
  const writing = writeResponse(response, res, disconnect);
  if (writing !== undefined) await writing;
}
