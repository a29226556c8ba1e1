// The request pipeline every request goes through, the token request included: auth header,
// per-attempt timeout (which also covers the wait for the access token), one token refresh after a
// 401, and retries as `retry.ts` decides. JSON calls are timed as a whole; stream calls only until
// the response headers arrive (the stream times its own idle gaps).
import { type APIPromise, apiPromise } from "./api-promise.js";
import { APIError, APIUserAbortError, GlooError, type RequestTarget } from "./errors.js";
import { Attempt } from "./internal/attempt.js";
import { isRecord } from "./internal/error-body.js";
import { readBody } from "./internal/read-body.js";
import { attachRequestId } from "./internal/request-id.js";
import type { AccessToken } from "./oauth.js";
import { isRetryableError, retryDelay } from "./retry.js";
import type { RequestOptions, WithRequestId } from "./types.js";

/** Where tokens come from: a cache that can renew, or a fixed token that cannot. */
export interface TokenSource {
  /** Resolves to a valid token; `signal` ends this caller's wait (the shared token request may go on). */
  get(options?: { signal?: AbortSignal | undefined }): Promise<AccessToken>;
  /** The cached token while it is valid, without waiting: saves the hot path a promise. */
  peek(): AccessToken | undefined;
  invalidate(token: string): void;
  /** False for a bring-your-own token: a 401 then cannot be cured by refreshing. */
  readonly canRefresh: boolean;
}

/** The client-wide settings the pipeline runs with. */
export interface Transport {
  baseURL: string;
  fetch: typeof fetch;
  tokens: TokenSource | undefined;
  /** The headers each kind of request starts from, built once per client by {@link baseHeaders}. */
  headers: BaseHeaders;
  maxRetries: number;
  timeout: number;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The fixed headers of each kind of request: JSON or stream answer, with or without a body. */
export interface BaseHeaders {
  json: Readonly<Record<string, string>>;
  jsonWithBody: Readonly<Record<string, string>>;
  stream: Readonly<Record<string, string>>;
  streamWithBody: Readonly<Record<string, string>>;
}

/** Builds the fixed headers once, so a request only adds its token and per-call headers. */
export function baseHeaders(defaultHeaders: Record<string, string>): BaseHeaders {
  const kind = (accept: string, body: boolean) => ({
    accept,
    ...defaultHeaders,
    ...(body ? { "content-type": "application/json" } : {}),
  });
  return {
    json: kind("application/json", false),
    jsonWithBody: kind("application/json", true),
    stream: kind("text/event-stream", false),
    streamWithBody: kind("text/event-stream", true),
  };
}

/** One API call: method, path under the base URL, serialised body, whether it needs a token. */
export interface ApiRequest {
  method: "GET" | "POST";
  path: string;
  body?: string | undefined;
  auth: boolean;
  /** Asks for `text/event-stream` and keeps the body open for the caller. */
  stream?: boolean | undefined;
  /** Headers that replace the JSON ones (the token request sends a form with Basic credentials). */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Turns a non-2xx answer into its error. @default APIError.generate */
  toError?:
    | ((status: number, body: unknown, headers: Headers, target: RequestTarget) => GlooError)
    | undefined;
}

/** A response whose headers arrived, with the controller that still governs its body. */
export interface OpenResponse {
  response: Response;
  controller: AbortController;
  requestId: string | undefined;
  /** Unlinks the caller's signal once the stream has completed. */
  release: () => void;
}

/** Sends a JSON request and resolves to the parsed body, with a non-enumerable `requestId`. */
export function requestJSON<T extends object>(
  transport: Transport,
  request: ApiRequest,
  options: RequestOptions = {},
): APIPromise<WithRequestId<T>> {
  let answered: Response | undefined;
  const read = (response: Response, attempt: Attempt, sent: ApiRequest) => {
    answered = response;
    return readJSON<T>(response, attempt, sent);
  };
  // No async layer of its own: the pipeline's promise is the caller's.
  return apiPromise(send(transport, request, options, read), () => answered as Response);
}

// The body is read inside the attempt, so the timeout and retries cover it too. A body that is
// not JSON is a GlooError, which the pipeline passes through without retrying.
function readJSON<T extends object>(
  response: Response,
  attempt: Attempt,
  request: ApiRequest,
): Promise<WithRequestId<T>> {
  return response.text().then(
    (body) => {
      attempt.dispose();
      return withRequestId<T>(parseJSON(body, request), response.headers);
    },
    (error: unknown) => {
      attempt.dispose();
      throw error;
    },
  );
}

/** Sends a streaming request and resolves once the response headers have arrived. */
export function requestStream(
  transport: Transport,
  request: ApiRequest,
  options: RequestOptions = {},
): Promise<OpenResponse> {
  return send(transport, { ...request, stream: true }, options, async (response, attempt) => {
    // The time-to-first-byte budget is spent; from here on the stream's idle timeout applies.
    attempt.clearTimeout();
    // The caller's signal stays linked while the stream is open; an abort (which the stream also
    // uses when it closes early) or `release()` on completion unlinks it, so a long-lived signal
    // shared by many calls does not collect listeners. Without a caller's signal nothing is
    // linked, and the listener (costly to add on every stream) is skipped.
    const release = () => attempt.dispose();
    if (options.signal !== undefined) {
      attempt.controller.signal.addEventListener("abort", release, { once: true });
    }
    return {
      response,
      controller: attempt.controller,
      requestId: response.headers.get("x-request-id") ?? undefined,
      release,
    };
  });
}

/** Sends a request through the pipeline; `onSuccess` reads a 2xx answer inside the attempt. */
export async function send<R>(
  transport: Transport,
  request: ApiRequest,
  options: RequestOptions,
  onSuccess: (response: Response, attempt: Attempt, request: ApiRequest) => Promise<R>,
): Promise<R> {
  const url = transport.baseURL + request.path;
  const maxRetries = options.maxRetries ?? transport.maxRetries;
  let retries = 0;
  let refreshed = false;
  for (;;) {
    if (options.signal?.aborted) throw new APIUserAbortError({ cause: options.signal.reason });
    // Created before the token is awaited, so the call's timeout and signal bound that wait too.
    const attempt = new Attempt(options.signal, options.timeout ?? transport.timeout);
    // The cached token needs no promise: the hot path awaits only when there is none.
    const token = request.auth
      ? (transport.tokens?.peek() ?? (await waitForToken(transport, attempt)))
      : undefined;
    let failure: GlooError;
    let headers: Headers | undefined;
    try {
      const response = await transport.fetch(url, {
        method: request.method,
        headers: buildHeaders(transport, request, options, token),
        signal: attempt.controller.signal,
        body: request.body ?? null,
      });
      if (response.ok) return await onSuccess(response, attempt, request);
      headers = response.headers;
      // docs.gloo.com/tutorials/authentication: 401 means the token expired; renew once, a second 401 is the caller's problem.
      if (response.status === 401 && token && !refreshed && transport.tokens?.canRefresh) {
        refreshed = true;
        transport.tokens.invalidate(token.accessToken);
        await response.body?.cancel();
        attempt.dispose();
        continue;
      }
      const body = await readBody(response);
      const target = { method: request.method, url };
      failure = (request.toError ?? APIError.generate)(response.status, body, response.headers, target);
    } catch (error) {
      failure = attempt.classify(error, `${request.method} ${url}`, url);
    }
    attempt.dispose();
    if (retries >= maxRetries || !isRetryableError(failure)) throw failure;
    await transport.sleep(retryDelay(retries, headers, transport), options.signal);
    retries++;
  }
}

// A wait for the token that the attempt's timeout and the caller's signal can end. A failed token
// request is thrown as it is: it was already retried by its own pass through this pipeline.
async function waitForToken(transport: Transport, attempt: Attempt): Promise<AccessToken | undefined> {
  const tokens = transport.tokens;
  if (!tokens) return undefined;
  try {
    return await tokens.get({ signal: attempt.controller.signal });
  } catch (error) {
    attempt.dispose();
    throw attempt.classifyWait(error, "the access token");
  }
}

// Precedence as before: the client's default headers override `accept`; the body's content type
// and the token override the defaults; per-call headers override everything.
function buildHeaders(
  transport: Transport,
  request: ApiRequest,
  options: RequestOptions,
  token: AccessToken | undefined,
): Record<string, string> {
  const base = transport.headers;
  const headers: Record<string, string> = request.headers
    ? { ...request.headers }
    : request.body === undefined
      ? { ...(request.stream ? base.stream : base.json) }
      : { ...(request.stream ? base.streamWithBody : base.jsonWithBody) };
  if (token !== undefined) headers.authorization = authorizationOf(token);
  return options.headers ? { ...headers, ...options.headers } : headers;
}

// The header value is built once per token, not on every call: a JWT runs to about a kilobyte, and
// a fresh copy per request is half of what the pipeline allocates. Weak keys: a token drops out with its cache.
const authorizations = new WeakMap<AccessToken, string>();

function authorizationOf(token: AccessToken): string {
  let value = authorizations.get(token);
  if (value === undefined) {
    value = `Bearer ${token.accessToken}`;
    authorizations.set(token, value);
  }
  return value;
}

function parseJSON(text: string, request: ApiRequest): object {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new GlooError(`${request.method} ${request.path} answered 2xx with a body that is not JSON.`);
  }
  if (typeof value !== "object" || value === null) {
    throw new GlooError(`${request.method} ${request.path} answered 2xx with JSON that is not an object.`);
  }
  return value;
}

/** Attaches the request id (`x-request-id`, else a `trace_id` in the body) as a non-enumerable property. */
export function withRequestId<T extends object>(value: object, headers: Headers): WithRequestId<T> {
  // The body is only searched when the header is missing (the common case has the header).
  return attachRequestId(value as T, headers.get("x-request-id") ?? traceIdOf(value));
}

function traceIdOf(value: object): string | undefined {
  return isRecord(value) && typeof value.trace_id === "string" ? value.trace_id : undefined;
}
