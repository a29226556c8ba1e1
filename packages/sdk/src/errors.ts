// The SDK's one error hierarchy. Every error carries data, never a secret: messages are built
// from status, method, URL and the platform's own error text, and `toJSON()` lists only
// known-safe fields (the raw `body`/`headers` stay on the object but out of the JSON form).
import { describeErrorBody } from "./internal/error-body.js";
import type { ChatCompletionChunk, PlatformErrorObject } from "./types.js";

/** The base class of every error the SDK throws. */
export class GlooError extends Error {
  override name = "GlooError";
  /**
   * The request id of the response the error came from (`x-request-id`, else the platform's
   * `trace_id`), when there was one; quote it to support. Streams set it on every error they raise.
   */
  requestId: string | undefined;

  /** A JSON form safe to log: name, message, the request id when known, and the subclass's data fields. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
    };
  }
}

/** One field the platform rejected, from a Pydantic `detail[]` entry of a 422 body. */
export interface ValidationIssue {
  /** Where the problem is, e.g. `["body", "model_family"]`. */
  loc: (string | number)[];
  /** What is wrong. */
  msg: string;
  /** Pydantic's error type, e.g. `missing`, `literal_error`. */
  type: string;
}

/** The method and URL a failed request was sent to, named in error messages. */
export interface RequestTarget {
  method: string;
  url: string;
}

/** A non-2xx answer from the API, with the parsed body. Use `APIError.generate` to pick the subclass. */
export class APIError extends GlooError {
  override name = "APIError";
  /** HTTP status. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The parsed JSON body, or its text when it was not JSON. */
  readonly body: unknown;
  /** The platform's error code (`"forbidden"`, `2006`, …) when it sent one. */
  readonly code: string | number | undefined;
  /** The platform's error type (`"service_unavailable_error"`, …) when it sent one. */
  readonly type: string | undefined;
  /** The platform's own retry verdict (`error.retryable`) when it sent one. */
  readonly retryable: boolean | undefined;
  /** The method and URL the request was sent to, when known (e.g. the token endpoint's). */
  readonly target: RequestTarget | undefined;

  constructor(status: number, body: unknown, headers: Headers, target?: RequestTarget) {
    const described = describeErrorBody(body);
    const where = target ? ` (${target.method} ${target.url})` : "";
    super(`${status} ${described.message}${where}`);
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.requestId = headers.get("x-request-id") ?? described.traceId;
    this.code = described.code;
    this.type = described.type;
    this.retryable = described.retryable;
    this.target = target;
  }

  /** Builds the subclass that matches `status` (400 → BadRequestError, …, ≥500 → InternalServerError). */
  static generate(status: number, body: unknown, headers: Headers, target?: RequestTarget): APIError {
    const Subclass = subclassFor(status);
    return new Subclass(status, body, headers, target);
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      code: this.code,
      type: this.type,
      retryable: this.retryable,
      requestId: this.requestId,
      url: this.target?.url,
    };
  }
}

/** 400: the request was malformed (missing fields, bad JSON, two routing mechanisms, …). */
export class BadRequestError extends APIError {
  override name = "BadRequestError";
}

/** 401: the access token is missing, expired or invalid (the SDK already refreshed once). */
export class AuthenticationError extends APIError {
  override name = "AuthenticationError";
}

/** 403: the token is valid but lacks permission (scope `api/access`, model entitlement). */
export class PermissionDeniedError extends APIError {
  override name = "PermissionDeniedError";
}

/** 404: the resource does not exist. */
export class NotFoundError extends APIError {
  override name = "NotFoundError";
}

/** 409: the request conflicts with the resource's state (retried by default). */
export class ConflictError extends APIError {
  override name = "ConflictError";
}

/** 422: well-formed but invalid; `issues` lists each field the platform rejected. */
export class UnprocessableEntityError extends APIError {
  override name = "UnprocessableEntityError";
  /** The platform's per-field validation issues (`detail[]`), empty when it sent none. */
  readonly issues: ValidationIssue[];

  constructor(status: number, body: unknown, headers: Headers, target?: RequestTarget) {
    super(status, body, headers, target);
    this.issues = describeErrorBody(body).issues;
  }
}

/** 429: the request-rate or spending limit was exceeded (retried by default). */
export class RateLimitError extends APIError {
  override name = "RateLimitError";
}

/** ≥ 500: the platform or its model provider failed (retried by default). */
export class InternalServerError extends APIError {
  override name = "InternalServerError";
}

function subclassFor(status: number): typeof APIError {
  switch (status) {
    case 400:
      return BadRequestError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 422:
      return UnprocessableEntityError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? InternalServerError : APIError;
  }
}

/** The request never got an answer: DNS, refused connection, reset socket, … (`cause` has the detail). */
export class APIConnectionError extends GlooError {
  override name = "APIConnectionError";

  constructor(options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? "Connection error.", { cause: options.cause });
  }
}

/** The request or the stream's first byte took longer than `timeout`, or a stream went idle. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";

  constructor(options: { message?: string; cause?: unknown } = {}) {
    super({ message: options.message ?? "Request timed out.", cause: options.cause });
  }
}

/** The connection dropped after a stream had started; chunks already delivered are not replayed. */
export class StreamInterruptedError extends APIConnectionError {
  override name = "StreamInterruptedError";

  constructor(options: { message?: string; cause?: unknown } = {}) {
    super({
      message: options.message ?? "The stream was interrupted before it finished.",
      cause: options.cause,
    });
  }
}

/**
 * An event stream sent a line or an event's data longer than the parser's `maxEventSize`: the
 * parser stops rather than buffer without bound (a broken or hostile server can send a line
 * that never ends).
 */
export class SSEEventTooLargeError extends GlooError {
  override name = "SSEEventTooLargeError";
  /** The limit that was exceeded, in characters. */
  readonly limit: number;

  constructor(limit: number) {
    super(
      `The event stream sent a line or event larger than ${limit} characters, the parser's maxEventSize; ` +
        "the stream was stopped. If the server's events really are this large, raise maxEventSize.",
    );
    this.limit = limit;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), limit: this.limit };
  }
}

/** The caller aborted the request through its `AbortSignal` (or `stream.abort()`). */
export class APIUserAbortError extends GlooError {
  override name = "APIUserAbortError";

  constructor(options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? "Request was aborted.", { cause: options.cause });
  }
}

/**
 * The token endpoint refused the request with an OAuth2 error (RFC 6749 §5.2: a 400, 401 or 403
 * whose body names an `error`), e.g. `invalid_client`. Any other failure of the token request (a
 * 5xx, a 404, no answer) is an `APIError` or `APIConnectionError`, retried like any request.
 */
export class OAuthError extends GlooError {
  override name = "OAuthError";
  /** HTTP status of the token response: 400, 401 or 403. */
  readonly status: number;
  /** RFC 6749 error code: `invalid_client`, `invalid_scope`, …, or `invalid_response`. */
  readonly error: string;
  /** Human-readable detail from the token endpoint, when it sent one. */
  readonly errorDescription: string | undefined;

  constructor(options: {
    status: number;
    error: string;
    errorDescription?: string | undefined;
    requestId?: string | undefined;
  }) {
    const detail = options.errorDescription ? `: ${options.errorDescription}` : "";
    super(`Token request failed (${options.status}) ${options.error}${detail}${oauthHint(options.error)}`);
    this.status = options.status;
    this.error = options.error;
    this.errorDescription = options.errorDescription;
    this.requestId = options.requestId;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      status: this.status,
      error: this.error,
      errorDescription: this.errorDescription,
      requestId: this.requestId,
    };
  }
}

function oauthHint(error: string): string {
  if (error === "invalid_client")
    return " — check GLOO_CLIENT_ID and GLOO_CLIENT_SECRET (Studio → API credentials).";
  if (error === "invalid_scope") return ' — the client needs the "api/access" scope.';
  return "";
}

/** A stream ended with `finish_reason: "error"`; `error` is the platform's error object. */
export class StreamError extends GlooError {
  override name = "StreamError";
  /** The platform's error object (may be empty when the chunk carried none). */
  readonly error: PlatformErrorObject;
  /** The chunk that reported the error. */
  readonly chunk: ChatCompletionChunk | undefined;

  constructor(options: {
    error?: PlatformErrorObject | undefined;
    requestId?: string | undefined;
    chunk?: ChatCompletionChunk;
  }) {
    const error = options.error ?? {};
    const text = error.message ?? error.name ?? "the platform reported an error";
    const code = error.code === undefined ? "" : ` (code ${error.code})`;
    super(`Stream failed: ${text}${code}`);
    this.error = error;
    this.requestId = options.requestId ?? error.trace_id;
    this.chunk = options.chunk;
  }

  /** The platform's retry verdict for the failed generation. */
  get retryable(): boolean | undefined {
    return this.error.retryable;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), error: this.error, requestId: this.requestId };
  }
}

/** The pitfall guard rejected the request before any network call; `param` names the field. */
export class RequestValidationError extends GlooError {
  override name = "RequestValidationError";
  /** The offending parameter, e.g. `messages[2].role`. */
  readonly param: string;

  constructor(param: string, message: string) {
    super(`Invalid request: ${param}: ${message} (set guard: false to send it anyway)`);
    this.param = param;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), param: this.param };
  }
}
