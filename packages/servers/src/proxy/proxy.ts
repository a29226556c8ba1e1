import { APIError, isRetryableError, OAuthError } from "@gloo-toolkit/sdk";
import { readCapped } from "../internal/read-capped.js";
import { checkAccess } from "./access.js";
import { hopByHopNames, withoutHopByHop } from "./hop-by-hop.js";
import { createProxyMetrics, METRICS_CONTENT_TYPE, type ProxyMetrics } from "./metrics.js";
import { toOpenAIModels } from "./openai-models.js";
import type { ProxyBudgetOptions, SharedRequestRate } from "./shared-limits.js";
import { type Admission, createSpendGuard, type Refusal, type SpendGuard } from "./spend-guard.js";
import { type TapEnd, tapUsage, usageOfJson } from "./usage-tap.js";

/**
 * Where the proxy sends requests: a Gloo client (`new Gloo(...)` from `@gloo-toolkit/sdk`) fits,
 * as does anything with the same two members.
 */
export interface ProxyUpstream {
  /** The platform's base URL, no trailing slash, e.g. `https://platform.ai.gloo.com`. */
  readonly baseURL: string;
  /** A token-injecting fetch: sets `Authorization: Bearer <token>` and retries once after a 401. */
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /** The upstream; its token cache is the only place the Gloo credentials live. */
  gloo: ProxyUpstream;
  /**
   * The proxy key clients must send as `Authorization: Bearer <key>`. Without one the proxy only
   * answers loopback requests that do not come from a web page on another origin.
   * @default undefined
   */
  key?: string | undefined;
  /** Plain fetch for the public model catalogue, which needs no token. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Largest request body accepted, in bytes; larger ones get a 413. @default 16 MiB */
  maxBodyBytes?: number;
  /** Clock for the latency histogram, in milliseconds. @default performance.now */
  now?: () => number;
  /** Called once per answered request (for streams, when the body ends): an access log. @default none */
  onResponse?: (entry: ProxyLogEntry) => void;
  /**
   * A chat request rate shared with other proxy instances (e.g. `createRedisRateLimiter` from
   * `@gloo-toolkit/fleet`); over it, a 429 `rate_limited` with `Retry-After`. @default none
   */
  rateLimit?: SharedRequestRate | undefined;
  /**
   * A spend budget shared with other proxy instances: each chat request reserves its worst case
   * first and settles to its usage; over budget, a 429 `budget_exceeded`. @default none
   */
  budget?: ProxyBudgetOptions | undefined;
}

/** One answered request, as {@link ProxyOptions.onResponse} receives it; never holds a token or key. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  /** The platform's `x-request-id`, when it answered with one. */
  requestId: string | undefined;
}

/** A running proxy's request handler and its metrics. */
export interface GlooProxy {
  /** The fetch handler; bind it with `serve()` or call it in-process. */
  fetch(request: Request): Promise<Response>;
  readonly metrics: ProxyMetrics;
}

type Route = "v1_chat" | "v2_chat" | "models" | "healthz" | "metrics";

// A Map, not an object literal: a path like `/constructor` must not find Object.prototype members.
const ROUTES = new Map<string, { method: string; route: Route }>([
  ["/v1/chat/completions", { method: "POST", route: "v1_chat" }],
  ["/v2/chat/completions", { method: "POST", route: "v2_chat" }],
  ["/v1/models", { method: "GET", route: "models" }],
  ["/v2/models", { method: "GET", route: "models" }],
  ["/healthz", { method: "GET", route: "healthz" }],
  ["/metrics", { method: "GET", route: "metrics" }],
]);

// Request fields never forwarded: the proxy key (Authorization), what fetch recomputes for the
// re-sent body (Host, Content-Length), the encoding fetch negotiates itself, and browser cookies.
const DROPPED_REQUEST_HEADERS = hopByHopNames([
  "host",
  "authorization",
  "content-length",
  "accept-encoding",
  "cookie",
]);
// fetch has already decoded the body, so the upstream's encoding and length no longer describe it.
const DROPPED_RESPONSE_HEADERS = hopByHopNames(["content-encoding", "content-length"]);

/**
 * Creates the OpenAI-compatible proxy: `POST /v1|v2/chat/completions` and `GET /v1/models` relayed
 * to the Gloo platform with a Gloo access token, plus `GET /healthz` and Prometheus `GET /metrics`.
 * @example
 * const gloo = new Gloo({ clientId, clientSecret });
 * const server = await serve(createProxy({ gloo }).fetch, { port: 8787 });
 * // new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused" })
 */
export function createProxy(options: ProxyOptions): GlooProxy {
  const metrics = createProxyMetrics();
  const now = options.now ?? (() => performance.now());
  const context: Context = {
    gloo: options.gloo,
    base: options.gloo.baseURL.replace(/\/+$/, ""),
    plainFetch: options.fetch ?? globalThis.fetch,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 2 ** 20,
    metrics,
    guard: createSpendGuard(options.rateLimit, options.budget, metrics),
  };
  return {
    metrics,
    fetch(request) {
      try {
        const answer = route(request);
        return answer instanceof Promise ? answer : Promise.resolve(answer);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };

  // The answer, or for requests relayed upstream the promise of it (returned as it is: a promise
  // handed back from an async function would cost the chat path two more turns of the event loop).
  function route(request: Request): Response | Promise<Response> {
    const started = now();
    const url = parsed(request.url);
    const { pathname } = url;
    // Records the request once it is answered: metrics, and the access log when one is wanted.
    const finish: Finish = (route, status, requestId) => {
      const ms = now() - started;
      metrics.request(route, status, ms / 1000);
      options.onResponse?.({ method: request.method, path: pathname, status, durationMs: ms, requestId });
    };
    const entry = ROUTES.get(pathname);
    if (entry === undefined) return openAIError(404, "not_found", `No route ${pathname} on this proxy.`);
    if (request.method !== entry.method) {
      const response = openAIError(405, "method_not_allowed", `Use ${entry.method} for ${pathname}.`);
      response.headers.set("allow", entry.method);
      return response;
    }
    if (entry.route === "healthz") return Response.json({ status: "ok" });
    const refusal = checkAccess(request, options.key, url);
    if (refusal !== undefined) {
      finish(entry.route, refusal.status, undefined);
      return openAIError(refusal.status, refusal.code, refusal.message);
    }
    if (entry.route === "metrics") {
      return new Response(metrics.render(), { headers: { "content-type": METRICS_CONTENT_TYPE } });
    }
    if (entry.route === "models") {
      return models(context, request).then((response) => {
        finish(entry.route, response.status, response.headers.get("x-request-id") ?? undefined);
        return response;
      });
    }
    return chat(context, request, entry.route, finish);
  }
}

// The last request URL parsed (read, never changed): clients mostly call the same path.
let lastURL: { href: string; url: URL } | undefined;
function parsed(href: string): URL {
  if (lastURL?.href !== href) lastURL = { href, url: new URL(href) };
  return lastURL.url;
}

type Finish = (route: Route, status: number, requestId: string | undefined) => void;

interface Context {
  gloo: ProxyUpstream;
  base: string;
  plainFetch: typeof fetch;
  maxBodyBytes: number;
  metrics: ProxyMetrics;
  /** Undefined without a rate limit or a budget. */
  guard: SpendGuard | undefined;
}

// What a request is admitted with when there are no shared limits: no headers, nothing to settle.
const ADMITTED: Admission = { headers: {}, finish() {} };

async function chat(context: Context, request: Request, route: Route, finish: Finish): Promise<Response> {
  const api = route === "v1_chat" ? "v1" : "v2";
  const fail = (response: Response) => {
    finish(route, response.status, undefined);
    return response;
  };
  // Buffered (chat bodies are small) so the upstream fetch can replay it after a 401.
  const reading = readBody(request, context.maxBodyBytes);
  const body = reading instanceof Response ? reading : await reading;
  if (body instanceof Response) return fail(body);
  let admission = ADMITTED;
  if (context.guard !== undefined) {
    let answer: Admission | Refusal;
    try {
      answer = await context.guard.admit(api, body);
    } catch (error) {
      // Fail closed: without the shared store the proxy cannot keep the fleet's limits.
      const reason = error instanceof Error ? error.message : String(error);
      return fail(
        openAIError(
          503,
          "shared_limits_unavailable",
          `The shared rate limit or budget store did not answer: ${reason}`,
        ),
      );
    }
    if ("status" in answer) return fail(refusal(answer));
    admission = answer;
  }
  let upstream: Response;
  try {
    upstream = await context.gloo.fetch(`${context.base}/ai/${api}/chat/completions`, {
      method: "POST",
      headers: withoutHopByHop(request.headers, DROPPED_REQUEST_HEADERS),
      body,
      signal: request.signal,
    });
  } catch (error) {
    admission.finish({ ok: false, usage: undefined, model: undefined });
    return fail(upstreamFailure(error, context.base, request.signal));
  }
  context.metrics.upstream(route, upstream.status);
  let response: Response;
  try {
    response = await relay(upstream, (end) => {
      finish(route, upstream.status, upstream.headers.get("x-request-id") ?? undefined);
      if (end.usage !== undefined) context.metrics.tokens(route, end.usage);
      if (end.outcome !== "complete") context.metrics.aborted(route, end.outcome);
      admission.finish({ ok: upstream.ok, usage: end.usage, model: end.usage?.model });
    });
  } catch (error) {
    // A whole JSON answer broke off before anything was sent: still time for a clean error. The
    // platform may have charged for it, so the reservation is settled at its worst case.
    admission.finish({ ok: upstream.ok, usage: undefined, model: undefined });
    context.metrics.aborted(route, request.signal.aborted ? "client_closed" : "upstream_error");
    return fail(upstreamFailure(error, context.base, request.signal));
  }
  // Only when there are any: setting one builds the response's Headers.
  for (const name in admission.headers) response.headers.set(name, admission.headers[name] as string);
  return response;
}

function refusal({ status, code, message, retryAfterSeconds }: Refusal): Response {
  const response = Response.json({ error: { message, type: code, code } }, { status });
  if (retryAfterSeconds !== undefined) response.headers.set("retry-after", String(retryAfterSeconds));
  return response;
}

const utf8 = new TextDecoder();

/** Whole JSON answers up to this size are read before relaying, and sent in one write. */
const WHOLE_JSON_LIMIT = 1 << 20;

// Streams: headers are relayed as soon as they arrive, the body chunk by chunk through the tap.
// A JSON answer with a Content-Length arrives whole, so it is read first, its usage counted, and
// relayed as one body (which serve sends in one write) rather than tapped chunk by chunk.
async function relay(upstream: Response, onEnd: (end: TapEnd) => void): Promise<Response> {
  const headers = withoutHopByHop(upstream.headers, DROPPED_RESPONSE_HEADERS);
  const init = { status: upstream.status, statusText: upstream.statusText, headers };
  const type = upstream.headers.get("content-type") ?? "";
  const kind = type.includes("text/event-stream") ? "sse" : type.includes("json") ? "json" : "other";
  const length = Number(upstream.headers.get("content-length") ?? Number.NaN);
  // Decided before anything asks for `upstream.body`, which would make a web stream of a body
  // that is already whole in memory (serve's Response keeps it as bytes until then).
  if (kind === "json" && length > 0 && length <= WHOLE_JSON_LIMIT) {
    const content = new Uint8Array(await upstream.arrayBuffer());
    onEnd({ outcome: "complete", usage: usageOfJson(utf8.decode(content)) });
    return new Response(content, init);
  }
  if (upstream.body === null) {
    onEnd({ outcome: "complete", usage: undefined });
    return new Response(null, init);
  }
  return new Response(tapUsage(upstream.body, kind, onEnd), init);
}

async function models(context: Context, request: Request): Promise<Response> {
  let upstream: Response;
  try {
    upstream = await context.plainFetch(`${context.base}/platform/v2/models`, {
      headers: { accept: "application/json" },
      signal: request.signal,
    });
  } catch (error) {
    return upstreamFailure(error, context.base, request.signal);
  }
  context.metrics.upstream("models", upstream.status);
  if (!upstream.ok)
    return await relay(upstream, () => {}).catch((error: unknown) =>
      upstreamFailure(error, context.base, request.signal),
    );
  const headers = new Headers({ "content-type": "application/json" });
  const requestId = upstream.headers.get("x-request-id");
  if (requestId !== null) headers.set("x-request-id", requestId);
  let catalogue: unknown;
  try {
    catalogue = await upstream.json();
  } catch (error) {
    return upstreamFailure(error, context.base, request.signal);
  }
  return new Response(JSON.stringify(toOpenAIModels(catalogue)), { headers });
}

// Without a promise of its own when the answer is known at once (a 413), and without an async
// function's when the body is read: one turn of the event loop per await.
function readBody(request: Request, limit: number): Response | Promise<Uint8Array<ArrayBuffer> | Response> {
  const tooLarge = () =>
    openAIError(
      413,
      "request_too_large",
      `The request body is larger than the proxy's limit of ${limit} bytes.`,
    );
  const length = request.headers.get("content-length");
  if (Number(length ?? "0") > limit) return tooLarge();
  // With a declared length the HTTP parser has already bounded the body: read it in one go,
  // before anything asks for `request.body` (on serve's light Request that would build a web
  // stream the read does not need).
  if (length !== null) return request.arrayBuffer().then((buffer) => new Uint8Array(buffer));
  return readCapped(request.body, limit).then((bytes) => bytes ?? tooLarge());
}

// The client left before the platform answered (499, as nginx logs it), the token could not be
// obtained, or the platform could not be reached. Messages never carry the credentials or a token.
function upstreamFailure(error: unknown, base: string, signal: AbortSignal): Response {
  if (signal.aborted) return openAIError(499, "client_closed", "The client closed the request.");
  // "fetch failed" alone says little: add the socket error's code (ECONNREFUSED, ECONNRESET, …).
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const message = `${error instanceof Error ? error.message : String(error)}${typeof code === "string" ? ` (${code})` : ""}`;
  // gloo.fetch hands back the platform's own answers, errors included: what it throws with a
  // status comes from the token endpoint.
  const response =
    error instanceof OAuthError || error instanceof APIError
      ? openAIError(502, "upstream_token_failed", `The proxy could not get a Gloo access token: ${message}`)
      : openAIError(
          502,
          "upstream_unreachable",
          `The proxy could not reach the Gloo platform at ${base}: ${message}`,
        );
  // OpenAI clients (openai-node, …) follow this header over their own rules for a 502.
  response.headers.set("x-should-retry", String(worthRetrying(error)));
  return response;
}

// The SDK's retry rules applied to what went wrong behind the 502: a 5xx or 429 from the token
// endpoint (after the SDK's own retries) or a connection failure may pass, bad credentials
// (invalid_client, a 400/401) never will, nor will a failure that is not the network's.
function worthRetrying(error: unknown): boolean {
  // fetch reports a network failure as a TypeError; the SDK as an APIConnectionError.
  return isRetryableError(error) || error instanceof TypeError;
}

function openAIError(status: number, code: string, message: string): Response {
  const type = status >= 500 ? "proxy_error" : "invalid_request_error";
  return Response.json({ error: { message, type, code } }, { status });
}
