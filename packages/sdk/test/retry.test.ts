import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  DEFAULT_RETRY_POLICY,
  isRetryableError,
  isRetryableStatus,
  OAuthError,
  retryDelay,
  retryHintMs,
  StreamInterruptedError,
  shouldRetry,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const clock = (random = 0) => ({ now: () => NOW, random: () => random });

describe("isRetryableStatus", () => {
  it("retries 408, 409, 429 and every 5xx, nothing else", () => {
    expect([408, 409, 429, 500, 502, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe("shouldRetry", () => {
  it("stops after maxRetries", () => {
    expect(shouldRetry({ status: 503 }, 0, 2)).toBe(true);
    expect(shouldRetry({ status: 503 }, 1, 2)).toBe(true);
    expect(shouldRetry({ status: 503 }, 2, 2)).toBe(false);
    expect(shouldRetry({ status: 503 }, 0, 0)).toBe(false);
  });

  it("retries connection failures (no status)", () => {
    expect(shouldRetry({}, 0, 2)).toBe(true);
  });

  it("lets the platform's retryable flag win both ways", () => {
    expect(shouldRetry({ status: 503, retryable: false }, 0, 2)).toBe(false);
    expect(shouldRetry({ status: 400, retryable: true }, 0, 2)).toBe(true);
  });

  it("never retries once stream chunks reached the caller", () => {
    expect(shouldRetry({ chunksDelivered: true }, 0, 2)).toBe(false);
    expect(shouldRetry({ status: 503, retryable: true, chunksDelivered: true }, 0, 2)).toBe(false);
  });
});

describe("retryHintMs", () => {
  const hint = (headers: Record<string, string>) => retryHintMs(new Headers(headers), NOW);

  it("reads retry-after-ms first", () => {
    expect(hint({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(hint({ "retry-after": "3" })).toBe(3000);
    expect(hint({ "retry-after": new Date(NOW + 5000).toUTCString() })).toBe(5000);
    expect(hint({ "retry-after": new Date(NOW - 5000).toUTCString() })).toBe(0);
  });

  it("reads X-RateLimit-Reset as a delta, epoch seconds or epoch milliseconds", () => {
    expect(hint({ "x-ratelimit-reset": "7" })).toBe(7000);
    expect(hint({ "x-ratelimit-reset": String(NOW / 1000 + 4) })).toBe(4000);
    expect(hint({ "x-ratelimit-reset": String(NOW + 1500) })).toBe(1500);
  });

  it("ignores garbage", () => {
    expect(hint({ "retry-after": "soon", "retry-after-ms": "-1" })).toBeUndefined();
    expect(hint({})).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("backs off exponentially from 0.5 s to 8 s", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, undefined, clock()));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it("takes up to 25 % off for jitter", () => {
    expect(retryDelay(0, undefined, clock(0.999999))).toBeCloseTo(375, 0);
    expect(retryDelay(2, undefined, clock(0.5))).toBe(1750);
  });

  it("follows a server hint up to 60 s, else falls back to backoff", () => {
    expect(retryDelay(0, new Headers({ "retry-after": "20" }), clock())).toBe(20_000);
    expect(retryDelay(0, new Headers({ "retry-after": "0" }), clock())).toBe(0);
    expect(retryDelay(1, new Headers({ "retry-after": "3600" }), clock())).toBe(1000);
  });

  it("documents openai-node's defaults", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxRetries: 2,
      initialDelayMs: 500,
      maxDelayMs: 8000,
      maxHintMs: 60_000,
    });
  });
});

describe("isRetryableError", () => {
  const headers = new Headers();
  it("follows the pipeline's rules for every kind of failure", () => {
    expect(isRetryableError(APIError.generate(503, {}, headers))).toBe(true);
    expect(isRetryableError(APIError.generate(429, {}, headers))).toBe(true);
    expect(isRetryableError(APIError.generate(404, {}, headers))).toBe(false);
    expect(isRetryableError(APIError.generate(503, { error: { retryable: false } }, headers))).toBe(false);
    expect(isRetryableError(new APIConnectionError())).toBe(true);
    expect(isRetryableError(new APIConnectionTimeoutError())).toBe(true);
    expect(isRetryableError(new StreamInterruptedError())).toBe(false);
    expect(isRetryableError(new APIUserAbortError())).toBe(false);
    expect(isRetryableError(new OAuthError({ status: 400, error: "invalid_client" }))).toBe(false);
    expect(isRetryableError(new Error("anything else"))).toBe(false);
  });
});
