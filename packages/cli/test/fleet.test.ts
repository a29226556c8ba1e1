// Scale-out acceptance (issue "Scale-out on Redis with BullMQ"): `gloo batch --queue` and several
// `gloo worker` processes (the built CLI) on a real redis-server, against the emulator served over
// loopback HTTP. A recorder in front of the emulator notes when each completion arrived and for
// which custom_id (each prompt is "Reply with only: <custom_id>"). `npx tsc -b` first when run alone.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { main } from "@gloo-toolkit/cli";
import { connectRedis, createRedisBudget } from "@gloo-toolkit/fleet";
import { createPriceList, type Model } from "@gloo-toolkit/sdk";
import { createEmulator, type Emulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterEach, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../fleet/test/helpers/redis-server.js";
import { actualNano, worstCaseNano } from "../src/internal/catalogue-pricing.js";
import { capture, EMULATOR_SECRET, tempDir } from "./helpers/cli.js";
import { spawnGloo } from "./helpers/processes.js";

const MODEL = "gloo-anthropic-claude-haiku-4.5";
const PROMPT = "Reply with only: ";

interface Arrival {
  at: number;
  customId: string;
}

/** The emulator on loopback, recording every completion request and the end of every 429. */
async function recordedEmulator(options: Parameters<typeof createEmulator>[0] = {}) {
  const emulator: Emulator = createEmulator(options);
  const arrivals: Arrival[] = [];
  const rateLimited: number[] = [];
  const server: RunningServer = await serve(
    async (request) => {
      if (!request.url.includes("/chat/completions")) return emulator.fetch(request);
      const text = await request.clone().text();
      const content =
        (JSON.parse(text) as { messages: { content: string }[] }).messages.at(-1)?.content ?? "";
      arrivals.push({ at: Date.now(), customId: content.slice(PROMPT.length) });
      const response = await emulator.fetch(request);
      if (response.status === 429) rateLimited.push(Date.now());
      return response;
    },
    { port: 0 },
  );
  return { emulator, server, arrivals, rateLimited };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function setUp(emulatorOptions: Parameters<typeof createEmulator>[0] = {}, persistent = false) {
  const redis: RedisServer = await startRedis("noeviction", persistent);
  cleanups.push(() => redis.stop());
  const platform = await recordedEmulator(emulatorOptions);
  cleanups.push(() => platform.server.close());
  const dir = await tempDir();
  const env = {
    GLOO_BASE: platform.server.url,
    GLOO_CLIENT_ID: "emulator-client",
    GLOO_CLIENT_SECRET: EMULATOR_SECRET,
    GLOO_QUEUE_URL: redis.url,
  };
  const workers = (count: number, concurrency: number) =>
    Array.from({ length: count }, () => {
      const worker = spawnGloo(["worker", "--concurrency", String(concurrency)], env, dir);
      cleanups.push(() => worker.stop("SIGKILL"));
      return worker;
    });
  const batch = (file: string, flags: string[] = []) => {
    const run = spawnGloo(["batch", file, "--json", ...flags], env, dir);
    cleanups.push(() => run.stop("SIGKILL"));
    return run;
  };
  return { redis, platform, dir, env, workers, batch };
}

async function inputFile(dir: string, count: number, maxTokens = 16): Promise<string> {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      custom_id: `req-${i}`,
      method: "POST",
      url: "/v1/chat/completions",
      body: {
        model: MODEL,
        max_tokens: maxTokens,
        messages: [{ role: "user", content: `${PROMPT}req-${i}` }],
      },
    }),
  );
  const path = join(dir, `input-${count}.jsonl`);
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

async function jsonLines(
  path: string,
): Promise<{ custom_id: string; response: { body: { usage: Usage; model: string } } }[]> {
  const text = await readFile(path, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

async function until(check: () => boolean, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("gloo batch --queue with gloo workers", () => {
  it("600 lines, 3 workers, one killed with kill -9 mid-run: each custom_id once, at most 2 calls for any", async () => {
    const { platform, dir, workers, batch } = await setUp({ latencyMs: 40 });
    const file = await inputFile(dir, 600);
    const [victim] = workers(3, 8);
    const run = batch(file);
    await until(() => platform.arrivals.length >= 150, 60_000, "150 requests");
    victim?.child.kill("SIGKILL");
    const code = await run.exited;
    expect(run.stderr()).toContain("600 succeeded, 0 failed");
    expect(code).toBe(0);
    const results = await jsonLines(join(dir, "input-600.results.jsonl"));
    expect(results).toHaveLength(600);
    expect(new Set(results.map((r) => r.custom_id)).size).toBe(600);
    expect(await jsonLines(join(dir, "input-600.errors.jsonl"))).toHaveLength(0);
    const calls = countBy(platform.arrivals, (a) => a.customId);
    expect(calls.size).toBe(600);
    expect(Math.max(...calls.values())).toBeLessThanOrEqual(2);
  }, 120_000);

  it("re-running the same command re-attaches: nothing enqueued twice, the files written", async () => {
    const { platform, dir, workers, batch } = await setUp();
    const file = await inputFile(dir, 40);
    const first = batch(file);
    // No worker yet: the submitter is killed while its lines wait in the queue.
    await until(() => first.stderr().includes("40 line(s) queued"), 20_000, "the lines to be queued");
    first.child.kill("SIGKILL");
    await first.exited;
    const second = batch(file);
    await until(() => second.stderr().includes("Run run-"), 20_000, "the second submission");
    expect(second.stderr()).toContain("0 line(s) queued, 40 already queued, 0 already done");
    workers(2, 4);
    expect(await second.exited).toBe(0);
    expect(JSON.parse(second.stdout())).toMatchObject({ lines: 40, succeeded: 40, failed: 0 });
    expect(platform.arrivals).toHaveLength(40);
    const third = batch(file);
    expect(await third.exited).toBe(0);
    expect(third.stderr()).toContain("All 40 lines are already in the results and errors files");
    expect(platform.arrivals).toHaveLength(40);
  }, 60_000);

  it("SIGTERM: a worker takes no new line, finishes the ones in flight, and another worker does the rest", async () => {
    const { platform, dir, workers, batch } = await setUp({ latencyMs: 1500 });
    const file = await inputFile(dir, 10);
    const [first] = workers(1, 4);
    const run = batch(file);
    await until(() => platform.arrivals.length === 4, 20_000, "4 requests in flight");
    const stopped = first?.stop("SIGTERM");
    // It waits for its 4 answers (1.5 s each) and sends nothing more.
    expect(await stopped).toBe(143);
    expect(first?.stderr()).toContain("finishing the lines in flight");
    expect(platform.arrivals).toHaveLength(4);
    workers(1, 4);
    expect(await run.exited).toBe(0);
    // The 4 finished by the stopped worker were not sent again.
    expect(platform.arrivals).toHaveLength(10);
    expect(new Set(platform.arrivals.map((a) => a.customId)).size).toBe(10);
  }, 60_000);

  it("a 429 with Retry-After: 3 seen by one worker: no worker sends for 3 s", async () => {
    const { platform, dir, workers, batch } = await setUp();
    const file = await inputFile(dir, 120);
    workers(3, 4);
    platform.emulator.queueFault("429,retry-after=3");
    const run = batch(file);
    expect(await run.exited).toBe(0);
    expect(platform.rateLimited).toHaveLength(1);
    const pausedAt = platform.rateLimited[0] as number;
    // Requests already taken from the queue before the pause reached Redis (a few milliseconds)
    // may still arrive; after that, none until the 3 s are over.
    const during = platform.arrivals.filter((a) => a.at > pausedAt + 200 && a.at < pausedAt + 3000);
    expect(during.map((a) => a.at - pausedAt)).toEqual([]);
    expect(platform.arrivals.filter((a) => a.at >= pausedAt + 3000).length).toBeGreaterThan(0);
    expect(
      new Set((await jsonLines(join(dir, "input-120.results.jsonl"))).map((r) => r.custom_id)).size,
    ).toBe(120);
  }, 60_000);

  it("a budget across 3 workers × concurrency 20: recorded spend ≤ budget, nothing sent past it, the rest sent by a re-run", async () => {
    const { redis, platform, dir, env, workers, batch } = await setUp({ latencyMs: 300 });
    const file = await inputFile(dir, 200, 64);
    const catalogue = (await (await fetch(`${env.GLOO_BASE}/platform/v2/models`)).json()) as {
      data: Model[];
    };
    const prices = createPriceList(catalogue.data, "catalog", 0);
    const firstLine = JSON.parse((await readFile(file, "utf8")).split("\n")[0] as string);
    const worst = worstCaseNano("v1", firstLine.body, prices) as number;
    const budgetNano = worst * 25 + Math.floor(worst / 2);
    workers(3, 20);
    const run = batch(file, ["--budget", (budgetNano / 1e9).toFixed(9)]);
    expect(await run.exited).toBe(1);
    const summary = JSON.parse(run.stdout());
    expect(summary.held).toBeGreaterThan(0);
    expect(summary.succeeded + summary.held).toBe(200);
    expect(run.stderr()).toContain("run again with a larger --budget");
    // Only admitted lines reached the platform, and the record is each answer's usage at its rates.
    expect(platform.arrivals).toHaveLength(summary.succeeded);
    const results = await jsonLines(join(dir, "input-200.results.jsonl"));
    const actual = results.reduce(
      (sum, r) =>
        sum +
        (actualNano(prices, r.response.body.model, {
          promptTokens: r.response.body.usage.prompt_tokens,
          completionTokens: r.response.body.usage.completion_tokens,
        }) ?? Number.NaN),
      0,
    );
    const client = await connectRedis(redis.url);
    const runId = summary.run as string;
    const state = await createRedisBudget(client, { name: `batch:${runId}`, limit: budgetNano }).state();
    client.disconnect();
    expect(state.reserved).toBe(0);
    expect(state.spent).toBe(actual);
    expect(state.spent).toBeLessThanOrEqual(budgetNano);
    const rerun = batch(file, ["--budget", "100"]);
    expect(await rerun.exited).toBe(0);
    expect(rerun.stderr()).toContain(`${summary.held} line(s) queued, 0 already queued, 0 already done`);
    expect(
      new Set((await jsonLines(join(dir, "input-200.results.jsonl"))).map((r) => r.custom_id)).size,
    ).toBe(200);
    expect(platform.arrivals).toHaveLength(200);
  }, 90_000);

  it("Redis restarted mid-run: the workers reconnect and the run finishes with nothing lost", async () => {
    const { redis, platform, dir, workers, batch } = await setUp({ latencyMs: 30 }, true);
    const file = await inputFile(dir, 300);
    workers(2, 8);
    const run = batch(file);
    await until(() => platform.arrivals.length >= 80, 60_000, "80 requests");
    await redis.restart();
    expect(await run.exited).toBe(0);
    const results = await jsonLines(join(dir, "input-300.results.jsonl"));
    expect(new Set(results.map((r) => r.custom_id)).size).toBe(300);
    expect(results).toHaveLength(300);
  }, 120_000);
});

describe("gloo batch --queue --rpm: one rate for the fleet", () => {
  it("--rpm 240 across 3 workers for 45 s: no 60 s window holds more than 241, and the fleet reaches ≥ 0.90× the rate", async () => {
    const { platform, dir, workers, batch } = await setUp();
    const file = await inputFile(dir, 400);
    workers(3, 8);
    const run = batch(file, ["--rpm", "240"]);
    await until(() => platform.arrivals.length > 0, 30_000, "the first request");
    const start = platform.arrivals[0]?.at as number;
    await new Promise((resolve) => setTimeout(resolve, 45_000));
    await run.stop("SIGINT");
    const times = platform.arrivals.map((a) => a.at).filter((t) => t < start + 45_000);
    // Sliding windows anchored at each arrival: the most any 60 s (and, stricter, any 15 s) held.
    const most = (windowMs: number) =>
      Math.max(...times.map((t0) => times.filter((t) => t >= t0 && t < t0 + windowMs).length));
    expect(most(60_000)).toBeLessThanOrEqual(241);
    expect(most(15_000)).toBeLessThanOrEqual(61);
    // 240 per minute for 45 s is 180 requests.
    expect(times.length).toBeGreaterThanOrEqual(0.9 * 180);
    expect(new Set(platform.arrivals.map((a) => a.customId)).size).toBe(platform.arrivals.length);
  }, 120_000);
});

describe("gloo worker and gloo batch --queue: mistakes are usage errors (exit 2)", () => {
  const run = async (argv: string[], env: Record<string, string>, cwd?: string) => {
    const stdout = capture();
    const stderr = capture();
    const code = await main({ argv, env, stdout, stderr, ...(cwd === undefined ? {} : { cwd }) });
    return { code, stderr: stderr.text() };
  };
  const credentials = { GLOO_CLIENT_ID: "emulator-client", GLOO_CLIENT_SECRET: EMULATOR_SECRET };

  it("a worker without a queue, with a URL that is not redis://, or on a Redis that may evict keys", async () => {
    expect(await run(["worker"], credentials)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("GLOO_QUEUE_URL"),
    });
    expect(await run(["worker", "--queue", "http://h:1"], credentials)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("redis://HOST:PORT"),
    });
    const evicting = await startRedis("volatile-lru");
    cleanups.push(() => evicting.stop());
    const refused = await run(["worker", "--queue", evicting.url], credentials);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('maxmemory-policy "volatile-lru"');
  });

  it("per-process flags with --queue, and a budget over a line it cannot price, before anything is queued", async () => {
    const { redis, dir, env } = await setUp();
    const file = await inputFile(dir, 3);
    const concurrency = await run(["batch", file, "--concurrency", "4"], env, dir);
    expect(concurrency).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--concurrency does not apply with --queue"),
    });
    const unpriced = join(dir, "unpriced.jsonl");
    const line = {
      custom_id: "a",
      url: "/v1/chat/completions",
      body: { model: "no-such-model", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
    };
    await writeFile(unpriced, `${JSON.stringify(line)}\n`);
    const refused = await run(["batch", unpriced, "--budget", "1"], env, dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--budget needs a worst-case cost for every line");
    const client = await connectRedis(redis.url);
    expect(await client.dbsize()).toBe(0);
    client.disconnect();
  });
});
