// The batch runner through its public entry, on a virtual clock: every line once, retries by the
// SDK's policy, one pause for all lines after a 429, rpm/tpm windows, the budget's reservations.
import {
  type BatchOptions,
  type BatchOutcome,
  type BatchRequestInput,
  createPriceList,
  Gloo,
  type Model,
  runBatch,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { completionBody, errorReply, tokenValue } from "./helpers/fake-platform.js";

interface Sent {
  at: number;
  body: Record<string, unknown>;
}
type Replier = (sent: Sent, index: number) => Response | Promise<Response>;

/** A virtual clock: a sleep moves time to its wake-up time (never backwards) and yields. */
function virtualClock() {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      const wake = now + ms;
      await new Promise((resolve) => setTimeout(resolve, 0));
      now = Math.max(now, wake);
    },
  };
}

function platform(
  reply: Replier = () => Response.json(completionBody(), { headers: { "x-request-id": "r" } }),
) {
  const clock = virtualClock();
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.endsWith("/oauth2/token")) {
      return Response.json({ access_token: tokenValue(1), token_type: "Bearer", expires_in: 3600 });
    }
    const entry = { at: clock.now(), body: JSON.parse(String(init?.body)) as Record<string, unknown> };
    const index = sent.push(entry) - 1;
    await new Promise((resolve) => setTimeout(resolve, 1));
    init?.signal?.throwIfAborted();
    return reply(entry, index);
  };
  const gloo = new Gloo({ clientId: "id", clientSecret: "secret", baseURL: "https://platform.test", fetch });
  const run = async (requests: BatchRequestInput[], options: BatchOptions = {}) => {
    const batch = runBatch(gloo, requests, {
      now: clock.now,
      sleep: clock.sleep,
      random: () => 0,
      ...options,
    });
    const outcomes: BatchOutcome[] = [];
    for await (const outcome of batch) outcomes.push(outcome);
    return { outcomes, stats: batch.stats, stopReason: batch.stopReason };
  };
  return { sent, run, clock };
}

const lines = (count: number, extra: Record<string, unknown> = {}): BatchRequestInput[] =>
  Array.from({ length: count }, (_, index) => ({
    custom_id: `line-${index}`,
    url: "/v1/chat/completions",
    body: { messages: [{ role: "user", content: `Reply with only: ${index}` }], ...extra },
  }));

const idOf = (sent: Sent) => String((sent.body.messages as { content: string }[])[0]?.content);

describe("runBatch", () => {
  it("yields every line exactly once in OpenAI's output shape", async () => {
    const { run, sent } = platform();
    const { outcomes, stats } = await run(lines(50), { concurrency: 7 });
    expect(outcomes.map((outcome) => outcome.line.custom_id).sort()).toEqual(
      lines(50)
        .map((line) => line.custom_id)
        .sort(),
    );
    expect(sent).toHaveLength(50);
    const first = outcomes[0]?.line;
    expect(first).toMatchObject({ response: { status_code: 200, request_id: "r" }, error: null });
    expect(first?.id).toMatch(/^batch_req_[0-9a-f]{24}$/);
    expect(stats).toMatchObject({ started: 50, succeeded: 50, failed: 0, inFlight: 0, promptTokens: 250 });
  });

  it("retries what the SDK's policy retries, and reports what still fails with the platform's error", async () => {
    const { run, sent } = platform((request) => {
      const id = idOf(request);
      if (id.endsWith(" 0")) return errorReply(503, { detail: "busy" }, { "x-request-id": "req-503" });
      if (id.endsWith(" 1")) return errorReply(400, { detail: "bad" }, { "x-request-id": "req-400" });
      return Response.json(completionBody());
    });
    const { outcomes, stats } = await run(lines(3), { maxRetries: 3 });
    const byId = new Map(outcomes.map((outcome) => [outcome.line.custom_id, outcome]));
    expect(byId.get("line-0")).toMatchObject({
      ok: false,
      retries: 3,
      line: {
        response: { status_code: 503, request_id: "req-503", body: { detail: "busy" } },
        error: { code: "http_503" },
      },
    });
    expect(byId.get("line-1")).toMatchObject({
      ok: false,
      retries: 0,
      line: { error: { code: "http_400" } },
    });
    expect(byId.get("line-2")?.ok).toBe(true);
    expect(sent.filter((request) => idOf(request).endsWith(" 0"))).toHaveLength(4);
    expect(stats).toMatchObject({ succeeded: 1, failed: 2, retries: 3 });
  });

  it("a 429 with Retry-After: 3 holds back every line for 3 s, not just the one told", async () => {
    let limited: number | undefined;
    const { run, sent } = platform((request, index) => {
      if (index === 3) {
        limited = request.at;
        return errorReply(429, { error: "Rate limit exceeded" }, { "retry-after": "3" });
      }
      return Response.json(completionBody());
    });
    const { outcomes, stats } = await run(lines(40), { concurrency: 4 });
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    if (limited === undefined) throw new Error("no 429 was sent");
    const at = limited;
    // Requests already in flight when the 429 arrived were sent at the same instant; none after it
    // until the pause is over.
    const after = sent.filter((request) => request.at > at);
    expect(after.length).toBeGreaterThan(30);
    expect(after.every((request) => request.at >= at + 3000)).toBe(true);
    expect(stats.rateLimited).toBe(1);
  });

  it("a 429 asking for more than 60 s stops the run: that line and the rest are not run", async () => {
    const { run, sent } = platform((_request, index) =>
      index === 2
        ? errorReply(429, { error: "Rate limit exceeded" }, { "retry-after": "3600" })
        : Response.json(completionBody()),
    );
    const { outcomes, stats, stopReason } = await run(lines(20), { concurrency: 1 });
    expect(stopReason).toBe("rate-limit");
    expect(outcomes.map((outcome) => outcome.line.custom_id)).toEqual(["line-0", "line-1"]);
    expect(sent).toHaveLength(3);
    expect(stats).toMatchObject({ failed: 0, rateLimited: 1, rateLimitWaitMs: 3_600_000 });
  });

  it("--rpm: no 60 s window holds more than the limit, and sends are spread over the minute", async () => {
    const { run, sent } = platform();
    await run(lines(45), { concurrency: 8, rpm: 20 });
    const times = sent.map((request) => request.at).sort((a, b) => a - b);
    for (const start of times) {
      expect(times.filter((time) => time >= start && time < start + 60_000).length).toBeLessThanOrEqual(20);
    }
    for (let index = 1; index < times.length; index++) {
      expect((times[index] as number) - (times[index - 1] as number)).toBeGreaterThanOrEqual(3000);
    }
  });

  it("--tpm: tokens in any 60 s window stay within the limit, corrected from usage", async () => {
    // Estimate per line: ~8 prompt + 100 max_tokens; actual usage 6. The window admits on
    // estimates and then counts the actual usage, so more lines than 1000/108 fit a minute.
    const { run, sent } = platform();
    await run(lines(30, { max_tokens: 100 }), { concurrency: 4, tpm: 1000 });
    const times = sent.map((request) => request.at).sort((a, b) => a - b);
    const inFirstMinute = times.filter((time) => time < (times[0] as number) + 60_000).length;
    expect(inFirstMinute).toBeGreaterThan(9);
    for (const start of times) {
      const inWindow = times.filter((time) => time >= start && time < start + 60_000).length;
      expect(inWindow * 6).toBeLessThanOrEqual(1000);
    }
  });

  describe("budget", () => {
    const model: Model = {
      id: "gloo-test-model",
      pricing: { input: { rate_per_1m_tokens: "1000" }, output: { rate_per_1m_tokens: "1000" } },
    };
    const prices = createPriceList([model], "catalog", 0);
    // Each line: ~9 prompt tokens + 91 max_tokens = ≤ 100 tokens = $0.10 worst; actual 6 tokens = $0.006.
    const costly = () =>
      lines(40, { model: "gloo-test-model", max_tokens: 91 }).map((line) => ({
        ...line,
        body: { ...line.body, messages: [{ role: "user", content: "x".repeat(20) }] },
      }));

    it("never lets spend plus reservations pass the budget; the rest stays unsent", async () => {
      const { run, sent } = platform();
      const { outcomes, stats, stopReason } = await run(costly(), { concurrency: 8, budget: "0.25", prices });
      expect(stopReason).toBe("budget");
      expect(outcomes.length).toBe(sent.length);
      expect(outcomes.length).toBeLessThan(40);
      // Settled lines free most of their reservation, so more lines than 0.25 / 0.10 get through.
      expect(outcomes.length).toBeGreaterThan(2);
      expect(Number(stats.budget?.spent)).toBeLessThanOrEqual(0.25);
      expect(stats.budget?.spent).toBe(stats.cost);
      expect(Number(stats.budget?.spent) + 0.1).toBeGreaterThan(0.25);
    });

    it("auto_routing reserves the dearest candidate and settles at the rate of the model that answered", async () => {
      const rated = (id: string, rate: string): Model => ({
        id,
        output_modalities: ["text"],
        pricing: { input: { rate_per_1m_tokens: rate }, output: { rate_per_1m_tokens: rate } },
      });
      const routed = createPriceList([rated("cheap", "1000"), rated("dear", "100000")], "catalog", 0);
      const { run } = platform(() => Response.json({ ...completionBody(), model: "cheap" }));
      const requests = lines(5).map((line) => ({
        ...line,
        url: "/v2/chat/completions",
        body: { ...line.body, auto_routing: true, max_tokens: 10 },
      }));
      // Worst case per line: (~9 prompt + 10) tokens at "dear"'s $0.10 ≈ $1.9, reserved before sending;
      const { outcomes, stats } = await run(requests, { concurrency: 1, budget: "5", prices: routed });
      expect(outcomes).toHaveLength(5);
      // each answer settles to its 6 tokens at "cheap"'s $0.001, so all five fit in $5.
      expect(outcomes[0]?.cost).toEqual({
        cost: { input: "0.005", output: "0.001", total: "0.006", currency: "USD", estimated: true },
      });
      expect(stats.cost).toBe("0.03");
      expect(stats.budget?.spent).toBe("0.03");
    });

    it("counts what earlier runs spent", async () => {
      const { run, sent } = platform();
      const { stopReason } = await run(costly(), { budget: "0.25", spent: "0.2", prices });
      expect(stopReason).toBe("budget");
      expect(sent.length).toBe(0);
    });

    it("refuses a line whose worst case is unknown", async () => {
      const { run, sent } = platform();
      await expect(run(lines(2), { budget: "1", prices })).rejects.toThrow(
        "the catalogue does not list us.meta.llama3-3-70b-instruct-v1:0",
      );
      expect(sent).toHaveLength(0);
    });
  });

  it("reports an invalid line without sending it", async () => {
    const { run, sent } = platform();
    const { outcomes } = await run([
      { custom_id: "bad", url: "/v2/chat/completions", body: { messages: [] } },
    ]);
    expect(sent).toHaveLength(0);
    expect(outcomes[0]?.line.error?.code).toBe("invalid_request");
    expect(outcomes[0]?.line.error?.message).toContain("messages");
  });

  it("stop() stops taking lines; those in flight finish and are yielded", async () => {
    const clock = virtualClock();
    const gloo = new Gloo({
      accessToken: "t",
      baseURL: "https://platform.test",
      fetch: async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return Response.json(completionBody());
      },
    });
    const batch = runBatch(gloo, lines(100), { concurrency: 4, now: clock.now, sleep: clock.sleep });
    const seen: string[] = [];
    for await (const outcome of batch) {
      seen.push(outcome.line.custom_id);
      if (seen.length === 10) batch.stop();
    }
    expect(batch.stopReason).toBe("stopped");
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect(seen.length).toBeLessThanOrEqual(10 + 4);
  });

  it("answered lines the consumer has not taken yet count against the concurrency", async () => {
    // What a crash can lose is what was answered but not stored: never more than `concurrency`.
    let consumed = 0;
    let sentCount = 0;
    let worst = 0;
    const gloo = new Gloo({
      accessToken: "t",
      baseURL: "https://platform.test",
      fetch: async () => {
        sentCount++;
        worst = Math.max(worst, sentCount - consumed);
        return Response.json(completionBody());
      },
    });
    for await (const _outcome of runBatch(gloo, lines(30), { concurrency: 3 })) {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a slow store
      consumed++;
    }
    expect(sentCount).toBe(30);
    expect(worst).toBeLessThanOrEqual(3);
  });

  it("a consumer that leaves early ends the run: nothing more is sent", async () => {
    const { sent, clock } = platform();
    const gloo = new Gloo({
      accessToken: "t",
      baseURL: "https://platform.test",
      fetch: async (_input, init) => {
        sent.push({ at: clock.now(), body: JSON.parse(String(init?.body)) });
        return Response.json(completionBody());
      },
    });
    const batch = runBatch(gloo, lines(50), { concurrency: 1, now: clock.now, sleep: clock.sleep });
    for await (const outcome of batch) {
      expect(outcome.ok).toBe(true);
      // Meanwhile the outcomes fill the queue up to its limit and the runner waits for room.
      await new Promise((resolve) => setTimeout(resolve, 30));
      break;
    }
    const count = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent.length).toBe(count);
    expect(count).toBeLessThan(50);
  });

  it("an aborted signal abandons the lines in flight: they are not yielded", async () => {
    const controller = new AbortController();
    const gloo = new Gloo({
      accessToken: "t",
      baseURL: "https://platform.test",
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true }),
        ),
    });
    const batch = runBatch(gloo, lines(10), { concurrency: 3, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const seen: BatchOutcome[] = [];
    for await (const outcome of batch) seen.push(outcome);
    expect(seen).toHaveLength(0);
    expect(batch.stats).toMatchObject({ started: 3, inFlight: 0 });
  });
});
