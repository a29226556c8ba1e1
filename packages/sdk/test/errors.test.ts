import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GlooError,
  InternalServerError,
  NotFoundError,
  OAuthError,
  PermissionDeniedError,
  RateLimitError,
  StreamError,
  StreamInterruptedError,
  UnprocessableEntityError,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const target = { method: "POST", url: "https://platform.test/ai/v2/chat/completions" };
const noHeaders = new Headers();

describe("APIError.generate", () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
  ])("maps %i to %o", (status, Subclass) => {
    const error = APIError.generate(status, "", noHeaders, target);
    expect(error).toBeInstanceOf(Subclass);
    expect(error).toBeInstanceOf(GlooError);
    expect(error.status).toBe(status);
    expect(error.name).toBe(Subclass.name);
  });
});

describe("error bodies", () => {
  it("reads {error, code}", () => {
    const body = { error: "Forbidden - insufficient permissions", code: "forbidden" };
    const error = APIError.generate(403, body, noHeaders, target);
    expect(error.message).toBe(
      "403 Forbidden - insufficient permissions (POST https://platform.test/ai/v2/chat/completions)",
    );
    expect(error.code).toBe("forbidden");
    expect(error.body).toEqual(body);
  });

  it("reads Pydantic {detail: [...]} into issues", () => {
    const body = {
      detail: [
        { type: "literal_error", loc: ["body", "model_family"], msg: "Input should be 'openai'", input: "x" },
        { type: "missing", loc: ["body", "messages"], msg: "Field required", input: null },
      ],
    };
    const error = APIError.generate(422, body, noHeaders) as UnprocessableEntityError;
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error.issues).toEqual([
      { type: "literal_error", loc: ["body", "model_family"], msg: "Input should be 'openai'" },
      { type: "missing", loc: ["body", "messages"], msg: "Field required" },
    ]);
    expect(error.message).toBe(
      "422 body.model_family: Input should be 'openai'; body.messages: Field required",
    );
  });

  it("reads {detail: string}", () => {
    const error = APIError.generate(500, { detail: "Error generating response." }, noHeaders);
    expect(error.message).toBe("500 Error generating response.");
  });

  it("reads the AI error object, its retryable flag and trace_id", () => {
    const body = {
      error: {
        type: "service_unavailable_error",
        code: 2002,
        name: "PROVIDER_UNAVAILABLE",
        message: "The provider is unavailable",
        retryable: true,
        trace_id: "0123456789abcdef0123456789abcdef",
      },
    };
    const error = APIError.generate(503, body, noHeaders);
    expect(error.message).toBe("503 PROVIDER_UNAVAILABLE: The provider is unavailable");
    expect(error.code).toBe(2002);
    expect(error.type).toBe("service_unavailable_error");
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBe("0123456789abcdef0123456789abcdef");
  });

  it("prefers the x-request-id header over trace_id", () => {
    const body = { error: { message: "x", trace_id: "trace" } };
    const error = APIError.generate(400, body, new Headers({ "x-request-id": "req-1" }));
    expect(error.requestId).toBe("req-1");
  });

  it("reads {message} and plain text, and shortens long text", () => {
    expect(
      APIError.generate(400, { message: "model does not support function calling" }, noHeaders).message,
    ).toBe("400 model does not support function calling");
    expect(APIError.generate(502, "Bad Gateway", noHeaders).message).toBe("502 Bad Gateway");
    expect(APIError.generate(502, "x".repeat(1000), noHeaders).message.length).toBeLessThan(320);
    expect(APIError.generate(500, "", noHeaders).message).toBe("500 status code (no body)");
  });

  it("has a JSON form with data fields and no body", () => {
    const error = APIError.generate(
      429,
      { error: "Rate limit exceeded", code: "too_many_requests" },
      noHeaders,
    );
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "RateLimitError",
      message: "429 Rate limit exceeded",
      status: 429,
      code: "too_many_requests",
    });
  });
});

describe("other errors", () => {
  it("connection errors keep their cause and form a hierarchy", () => {
    const cause = new TypeError("fetch failed");
    const error = new APIConnectionError({ cause });
    expect(error.cause).toBe(cause);
    expect(new APIConnectionTimeoutError()).toBeInstanceOf(APIConnectionError);
    expect(new StreamInterruptedError()).toBeInstanceOf(APIConnectionError);
  });

  it("OAuthError carries RFC 6749 fields and a hint for invalid_client", () => {
    const error = new OAuthError({
      status: 400,
      error: "invalid_client",
      errorDescription: "Client authentication failed",
    });
    expect(error.error).toBe("invalid_client");
    expect(error.errorDescription).toBe("Client authentication failed");
    expect(error.message).toContain("GLOO_CLIENT_SECRET");
  });

  it("StreamError exposes the platform error object", () => {
    const error = new StreamError({
      error: { message: "provider timed out", code: 2001, retryable: true, trace_id: "t1" },
    });
    expect(error.message).toBe("Stream failed: provider timed out (code 2001)");
    expect(error.retryable).toBe(true);
    expect(error.requestId).toBe("t1");
  });
});
