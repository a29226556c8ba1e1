import { Gloo, type HealthCheckResult, runHealthChecks } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import {
  completionBody,
  completionReply,
  errorReply,
  fakePlatform,
  sseReply,
  textChunks,
} from "./helpers/fake-platform.js";

const MODEL = "model-a";

function threeChoices(word: string) {
  const body = completionBody(word);
  const choice = body.choices[0];
  return Response.json({ ...body, choices: [0, 1, 2].map((index) => ({ ...choice, index })) });
}

const healthyReplies = () => [
  completionReply("PING-9473e0", "req-echo"),
  threeChoices("SUN"),
  sseReply(textChunks("STREAM", "-", "OK"), "req-sse"),
];

const verdicts = (results: HealthCheckResult[]) => results.map((r) => [r.check, r.model, r.ok]);

describe("runHealthChecks", () => {
  it("passes the quickstart's four checks with the quickstart's bodies", async () => {
    const platform = fakePlatform();
    platform.reply(...healthyReplies());
    const seen: string[] = [];
    const results = await runHealthChecks(new Gloo(platform.options()), [MODEL], {
      onResult: (result) => seen.push(result.check),
    });
    expect(verdicts(results)).toEqual([
      ["token", undefined, true],
      ["echo", MODEL, true],
      ["determinism", MODEL, true],
      ["stream", MODEL, true],
    ]);
    expect(seen).toEqual(["token", "echo", "determinism", "stream"]);
    expect(results[3]?.detail).toBe("STREAM-OK in 3 chunks");
    const bodies = platform.apiRequests().map((request) => JSON.parse(request.body));
    expect(bodies[0]).toMatchObject({ max_tokens: 8, temperature: 0, model: MODEL });
    expect(bodies[1]).toMatchObject({ n: 3, temperature: 0 });
    expect(bodies[2]).toMatchObject({ stream: true });
  });

  it("reports a wrong answer and a thrown error as failed checks, then goes on", async () => {
    const platform = fakePlatform();
    platform.reply(
      completionReply("PONG"),
      errorReply(422, { detail: "bad body" }, { "x-request-id": "req-422" }),
      sseReply(textChunks("STREAM-OK")),
    );
    const results = await runHealthChecks(new Gloo(platform.options({ maxRetries: 0 })), [MODEL]);
    expect(verdicts(results)).toEqual([
      ["token", undefined, true],
      ["echo", MODEL, false],
      ["determinism", MODEL, false],
      ["stream", MODEL, true],
    ]);
    expect(results[1]?.detail).toBe('expected PING-9473e0, got "PONG"');
    expect(results[2]?.detail).toContain("bad body");
    expect(results[2]?.requestId).toBe("req-422");
  });

  it("words errors with describeError when given one", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(500, { error: "boom" }), ...healthyReplies().slice(1));
    const results = await runHealthChecks(new Gloo(platform.options({ maxRetries: 0 })), [MODEL], {
      describeError: () => ({ message: "described" }),
    });
    expect(results[1]).toMatchObject({ ok: false, detail: "described", requestId: undefined });
  });

  it("starts no further check after an abort", async () => {
    const platform = fakePlatform();
    const controller = new AbortController();
    platform.reply(() => {
      controller.abort();
      return completionReply("PING-9473e0");
    });
    const results = await runHealthChecks(new Gloo(platform.options()), [MODEL], {
      signal: controller.signal,
    });
    expect(results.map((result) => result.check)).toEqual(["token", "echo"]);
    expect(platform.apiRequests()).toHaveLength(1);
  });

  it("throws when the check in flight is aborted rather than reporting it as failed", async () => {
    const platform = fakePlatform();
    const controller = new AbortController();
    platform.reply(() => {
      controller.abort();
      throw new DOMException("aborted", "AbortError");
    });
    await expect(
      runHealthChecks(new Gloo(platform.options()), [MODEL], { signal: controller.signal }),
    ).rejects.toThrow();
  });
});
