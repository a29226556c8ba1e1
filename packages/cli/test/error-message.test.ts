import {
  APIConnectionError,
  APIError,
  APIUserAbortError,
  OAuthError,
  RequestValidationError,
  StreamError,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { describeError, formatErrorMessage } from "../src/internal/error-message.js";

const headers = (id = "req-1") => new Headers({ "x-request-id": id });

describe("describeError", () => {
  it("points invalid_client at the credential variables, with the request id", () => {
    const described = describeError(
      new OAuthError({ status: 400, error: "invalid_client", requestId: "tok-1" }),
    );
    expect(described).toMatchObject({ exitCode: 1, requestId: "tok-1" });
    expect(described.hint).toContain("GLOO_CLIENT_ID and GLOO_CLIENT_SECRET");
  });

  it("reads a token answer that is no OAuth2 error, by its status, as a wrong base URL or a platform failure", () => {
    const target = { method: "POST", url: "https://wrong.example/api/oauth2/token" };
    const tokenError = (status: number, body: unknown) => APIError.generate(status, body, headers(), target);
    const notFound = describeError(tokenError(404, "Not Found"));
    expect(notFound.message).toContain("no OAuth2 token endpoint at this base URL (HTTP 404");
    expect(notFound.message).toContain("https://wrong.example/api/oauth2/token");
    expect(notFound.hint).toContain("Check GLOO_BASE (or --base)");
    const failed = describeError(tokenError(503, { detail: "down" }));
    expect(failed.message).toContain("the token endpoint failed after retries (HTTP 503");
    expect(failed.hint).toContain("try again");
    const odd = describeError(tokenError(418, "teapot"));
    expect(odd.message).toContain("HTTP 418, which is not an OAuth2 error (418 teapot");
    expect([notFound, failed, odd].map((d) => d.exitCode)).toEqual([1, 1, 1]);
    // The same statuses from the API itself keep their own advice.
    expect(describeError(APIError.generate(404, "Not Found", headers())).message).toMatch(/^not found/);
  });

  it("explains a 403 as scope or entitlement", () => {
    const error = APIError.generate(
      403,
      { error: "Forbidden - insufficient permissions", code: "forbidden" },
      headers(),
    );
    const described = describeError(error);
    expect(described.message).toContain("forbidden");
    expect(described.hint).toMatch(/api\/access scope.*entitled/);
    expect(formatErrorMessage(described)).toContain("Request id: req-1");
  });

  it("lists the fields of a 422", () => {
    const body = {
      detail: [
        { type: "literal_error", loc: ["body", "model_family"], msg: "Input should be 'openai'", input: "x" },
      ],
    };
    expect(describeError(APIError.generate(422, body, headers())).message).toContain(
      "body.model_family: Input should be 'openai'",
    );
  });

  it("sends a refused connection to GLOO_BASE, naming the cause", () => {
    const cause = Object.assign(new Error("fetch failed"), {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    const described = describeError(new APIConnectionError({ message: "Connection error.", cause }));
    expect(described.message).toContain("ECONNREFUSED");
    expect(described.hint).toContain("GLOO_BASE");
  });

  it("tells a connection closed without an answer apart from an unreachable address", () => {
    const cause = Object.assign(new Error("fetch failed"), {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    const described = describeError(new APIConnectionError({ message: "POST /x failed.", cause }));
    expect(described.message).toBe("the connection failed: POST /x failed. (fetch failed: UND_ERR_SOCKET)");
    expect(described.hint).not.toContain("GLOO_BASE");
  });

  it("maps guard errors to usage (2), aborts to 130, stream errors to 1 with the request id", () => {
    expect(describeError(new RequestValidationError("temperature", "must be between 0 and 1")).exitCode).toBe(
      2,
    );
    expect(describeError(new APIUserAbortError()).exitCode).toBe(130);
    expect(
      describeError(new StreamError({ error: { message: "provider died" }, requestId: "s-1" })),
    ).toMatchObject({ exitCode: 1, requestId: "s-1" });
    expect(describeError(new UsageError("bad", "fix it"))).toMatchObject({ exitCode: 2, hint: "fix it" });
  });

  it("gives a 413 advice about the size, not gloo doctor", () => {
    const error = APIError.generate(413, { error: "Request body too large" }, headers());
    const described = describeError(error);
    expect(described.hint).toContain("too large");
    expect(described.hint).not.toContain("gloo doctor");
  });

  it("points an unknown model at gloo models instead of --help", () => {
    const error = APIError.generate(
      400,
      { error: { message: 'Unknown model "x": GET /platform/v2/models lists the available ids.' } },
      headers(),
    );
    const described = describeError(error);
    expect(described.hint).toContain("`gloo models`");
    expect(described.hint).not.toContain("--help");
  });
});
