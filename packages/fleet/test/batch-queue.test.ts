// The queue and the workers on a real redis-server, with `send` standing in for the platform (the
// CLI's tests run the same pieces against the emulator in separate processes).
import {
  type BatchJobData,
  connectRedis,
  jobId,
  type LineOutcome,
  runIdOf,
  startBatchWorker,
  submitBatch,
} from "@gloo-toolkit/fleet";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "./helpers/redis-server.js";

let server: RedisServer;
const clients: Redis[] = [];
const client = async () => {
  const redis = await connectRedis(server.url);
  clients.push(redis);
  return redis;
};

beforeAll(async () => {
  server = await startRedis();
});
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await server?.stop();
});

const lines = (n: number, worstCase = 0) =>
  Array.from({ length: n }, (_, i) => ({
    customId: `line-${i}`,
    api: "v1" as const,
    body: { i },
    worstCase,
  }));
const ok = (job: BatchJobData, cost?: number): LineOutcome => ({
  kind: "output",
  output: { kind: "result", line: JSON.stringify({ custom_id: job.customId }) },
  cost,
});

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("job ids", () => {
  it("are stable, differ per run and custom_id, and follow BullMQ's rules (not a number, no colon)", () => {
    const run = runIdOf("a file");
    expect(runIdOf("a file")).toBe(run);
    expect(runIdOf("another file")).not.toBe(run);
    for (const customId of ["1", "a:b:c", "req 1", "ü"]) {
      const id = jobId(run, customId);
      expect(id).toBe(jobId(run, customId));
      expect(id).not.toContain(":");
      expect(`${Number.parseInt(id, 10)}`).not.toBe(id);
    }
    expect(jobId(run, "1")).not.toBe(jobId(run, "2"));
  });
});

describe("submitBatch and startBatchWorker", () => {
  it("two workers process each line once; a second submission of the same run enqueues nothing", async () => {
    const redis = await client();
    const sent: string[] = [];
    const send = async (job: BatchJobData) => {
      sent.push(job.customId);
      return ok(job);
    };
    const workers = await Promise.all(
      [1, 2].map(async () => startBatchWorker(await client(), { send, concurrency: 4 })),
    );
    const runId = runIdOf("run-1");
    const run = await submitBatch(redis, { runId, lines: lines(60) });
    expect(run.enqueued).toBe(60);
    await until(async () => (await run.progress()).finished);
    expect(await run.progress()).toEqual({ total: 60, results: 60, errors: 0, held: 0, finished: true });
    expect(new Set(sent).size).toBe(60);
    expect(sent).toHaveLength(60);
    const outputs = await run.outputs();
    expect(outputs.map((o) => JSON.parse(o.line).custom_id)).toEqual(lines(60).map((l) => l.customId));
    const again = await submitBatch(redis, { runId, lines: lines(60) });
    expect(again).toMatchObject({ enqueued: 0, alreadyQueued: 0, alreadyDone: 60 });
    await Promise.all([run.close(), again.close(), ...workers.map((w) => w.close())]);
  });

  it("holds the lines the budget cannot cover without sending them, and sends them on a re-run with more budget", async () => {
    const redis = await client();
    const sent: string[] = [];
    const send = async (job: BatchJobData) => {
      sent.push(job.customId);
      return ok(job, 70);
    };
    const worker = await startBatchWorker(await client(), { send, concurrency: 10 });
    const runId = runIdOf("run-budget");
    // Worst case 100 each, actual 70: a budget of 450 can never hold a fifth reservation at once,
    // and settles leave room for a few more; never more spend than 450.
    const run = await submitBatch(redis, { runId, lines: lines(10, 100), budget: 450 });
    await until(async () => (await run.progress()).finished);
    const first = await run.progress();
    expect(first.results + first.held).toBe(10);
    expect(first.held).toBeGreaterThan(0);
    expect(first.results).toBe(sent.length);
    expect(first.results * 70).toBeLessThanOrEqual(450);
    const rerun = await submitBatch(redis, { runId, lines: lines(10, 100), budget: 10_000 });
    expect(rerun.enqueued).toBe(first.held);
    await until(async () => (await rerun.progress()).finished);
    expect(await rerun.progress()).toMatchObject({ results: 10, held: 0 });
    expect(new Set(sent).size).toBe(10);
    expect(sent).toHaveLength(10);
    await Promise.all([run.close(), rerun.close(), worker.close()]);
  });

  it("a 429 pauses the queue for its Retry-After and the line is sent again without using an attempt", async () => {
    const redis = await client();
    const times: number[] = [];
    let first = true;
    const send = async (job: BatchJobData): Promise<LineOutcome> => {
      times.push(Date.now());
      if (first) {
        first = false;
        return { kind: "rate_limited", retryAfterMs: 1500 };
      }
      return ok(job);
    };
    const worker = await startBatchWorker(await client(), { send, concurrency: 1 });
    const run = await submitBatch(redis, { runId: runIdOf("run-429"), lines: lines(3), attempts: 1 });
    await until(async () => (await run.progress()).finished);
    expect(await run.progress()).toMatchObject({ results: 3, errors: 0 });
    expect(times).toHaveLength(4);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(1400);
    await Promise.all([run.close(), worker.close()]);
  });

  it("a line whose attempts run out on errors outside the platform's answer still gets one error output", async () => {
    const redis = await client();
    let calls = 0;
    const send = async (): Promise<LineOutcome> => {
      calls++;
      throw new Error("a bug in the sender");
    };
    const worker = await startBatchWorker(await client(), { send, concurrency: 1 });
    const run = await submitBatch(redis, { runId: runIdOf("run-broken"), lines: lines(1), attempts: 2 });
    await until(async () => (await run.progress()).finished);
    expect(await run.progress()).toMatchObject({ results: 0, errors: 1, finished: true });
    expect(calls).toBe(2);
    const [output] = await run.outputs();
    expect(output?.kind).toBe("error");
    expect(JSON.parse(output?.line ?? "{}")).toMatchObject({
      custom_id: "line-0",
      response: null,
      error: { message: "a bug in the sender" },
    });
    await Promise.all([run.close(), worker.close()]);
  });
});
