// Several `gloo proxy` processes sharing one budget and one request rate through a real
// redis-server, in front of a spawned `gloo emulator`. `npx tsc -b` first when run alone.

import { main } from "@gloo-toolkit/cli";
import { connectRedis, createRedisBudget } from "@gloo-toolkit/fleet";
import { createPriceList, type Model } from "@gloo-toolkit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../fleet/test/helpers/redis-server.js";
import { worstCaseNano } from "../src/internal/catalogue-pricing.js";
import { capture, EMULATOR_SECRET } from "./helpers/cli.js";
import { type GlooProcess, spawnGlooServer } from "./helpers/processes.js";

const MODEL = "gloo-anthropic-claude-haiku-4.5";
const body = JSON.stringify({
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: "user", content: "Reply with only: OK" }],
});

let redis: RedisServer;
let emulator: GlooProcess & { url: string };
const started: GlooProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  // Slow answers keep every reservation in flight until all 200 requests have asked for one.
  emulator = await spawnGlooServer(["emulator", "--port", "0", "--latency", "1500"], {});
  started.push(emulator);
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await redis?.stop();
});

const credentials = () => ({
  GLOO_BASE: emulator.url,
  GLOO_CLIENT_ID: "emulator-client",
  GLOO_CLIENT_SECRET: EMULATOR_SECRET,
});

async function proxies(count: number, flags: string[]) {
  const list = await Promise.all(
    Array.from({ length: count }, () =>
      spawnGlooServer(["proxy", "--port", "0", "--redis", redis.url, ...flags], credentials()),
    ),
  );
  started.push(...list);
  return list;
}

const metric = async (url: string, name: string) => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
};

describe("gloo proxy --redis: one budget for several proxies", () => {
  it("3 proxies under 200 concurrent requests admit exactly the requests whose reservations fit", async () => {
    const catalogue = (await (await fetch(`${emulator.url}/platform/v2/models`)).json()) as { data: Model[] };
    const worst = worstCaseNano(
      "v1",
      JSON.parse(body),
      createPriceList(catalogue.data, "catalog", 0),
    ) as number;
    // Room for 10 worst cases and half of an 11th.
    const budgetNano = worst * 10 + Math.floor(worst / 2);
    const budgetUsd = (budgetNano / 1e9).toFixed(9);
    const list = await proxies(3, ["--budget", budgetUsd, "--budget-window", "7d"]);
    expect(list[0]?.stdout()).toContain("Shared with every proxy on the same Redis: budget $");
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const proxy = list[i % 3] as { url: string };
        const response = await fetch(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        return {
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          text: await response.text(),
        };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(190);
    for (const answer of refused) {
      expect(JSON.parse(answer.text).error.code).toBe("budget_exceeded");
      // Until the end of the 7-day window, which started with the first reservation.
      expect(Number(answer.retryAfter)).toBeGreaterThan(7 * 86_400 - 120);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(7 * 86_400);
    }
    // Only the admitted requests reached the platform.
    const upstream = await Promise.all(list.map((p) => metric(p.url, "gloo_proxy_upstream_responses_total")));
    expect(upstream.reduce((a, b) => a + b, 0)).toBe(10);
    const rejections = await Promise.all(
      list.map((p) => metric(p.url, "gloo_proxy_budget_rejections_total")),
    );
    expect(rejections.reduce((a, b) => a + b, 0)).toBe(190);
    // The shared record: each answer's usage settled, nothing held, within the budget.
    const client = await connectRedis(redis.url);
    const state = await createRedisBudget(client, { name: "proxy", limit: budgetNano }).state();
    client.disconnect();
    expect(state.reserved).toBe(0);
    expect(state.spent).toBeGreaterThan(0);
    expect(state.spent).toBeLessThanOrEqual(budgetNano);
    const spentUsd = await Promise.all(list.map((p) => metric(p.url, "gloo_proxy_spend_usd_total")));
    expect(spentUsd.reduce((a, b) => a + b, 0)).toBeCloseTo(state.spent / 1e9, 9);
    await Promise.all(list.map((p) => p.stop()));
  });
});

describe("gloo proxy --redis: flag and Redis checks (exit 2)", () => {
  const run = async (argv: string[]) => {
    const stdout = capture();
    const stderr = capture();
    const code = await main({ argv: ["proxy", "--port", "0", ...argv], env: credentials(), stdout, stderr });
    return { code, stderr: stderr.text() };
  };

  it("refuses --budget or --rpm without --redis, and --redis with nothing to share", async () => {
    expect(await run(["--budget", "5"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("need --redis"),
    });
    expect(await run(["--rpm", "60"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("need --redis"),
    });
    expect(await run(["--redis", redis.url])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("nothing to share"),
    });
  });

  it("refuses a bad amount, window or URL, saying what to write", async () => {
    expect((await run(["--redis", redis.url, "--budget", "ten"])).stderr).toContain("like 100 or 12.50");
    expect((await run(["--redis", redis.url, "--budget", "1", "--budget-window", "week"])).stderr).toContain(
      "e.g. 7d",
    );
    expect((await run(["--redis", "http://x:1", "--rpm", "5"])).stderr).toContain("redis://HOST:PORT");
    expect((await run(["--redis", redis.url, "--rpm", "5", "--budget-warning", "90"])).stderr).toContain(
      "describe a budget",
    );
    expect((await run(["--redis", redis.url, "--budget", "1", "--budget-warning", "0"])).stderr).toContain(
      "--budget-warning must be a number ≥ 1 and ≤ 100",
    );
  });

  it("refuses a Redis that may evict keys", async () => {
    const evicting = await startRedis("allkeys-lru");
    try {
      const result = await run(["--redis", evicting.url, "--rpm", "5"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('maxmemory-policy "allkeys-lru"');
    } finally {
      await evicting.stop();
    }
  });
});

describe("gloo proxy --redis --rpm: one request rate for several proxies", () => {
  it("2 proxies sharing --rpm 30 let exactly 30 of 80 requests through and answer the rest 429 rate_limited", async () => {
    await redisFlush();
    const list = await proxies(2, ["--rpm", "30"]);
    const statuses = await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const response = await fetch(`${(list[i % 2] as { url: string }).url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        return response.status === 429 ? JSON.parse(text).error.code : response.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.filter((s) => s === "rate_limited")).toHaveLength(50);
    await Promise.all(list.map((p) => p.stop()));
  });
});

describe("gloo proxy --redis: Redis away", () => {
  it("answers chat requests 503 shared_limits_unavailable while Redis is down, and serves again once it is back", async () => {
    const own = await startRedis();
    try {
      const proxy = await spawnGlooServer(
        ["proxy", "--port", "0", "--redis", own.url, "--rpm", "1000"],
        credentials(),
      );
      started.push(proxy);
      const send = async () => {
        const response = await fetch(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        return response.status === 503 ? JSON.parse(text).error.code : response.status;
      };
      expect(await send()).toBe(200);
      await own.down();
      // Answered at once (no queueing behind a dead connection), and refused: fail closed.
      expect(await send()).toBe("shared_limits_unavailable");
      await own.up();
      const outcomes: unknown[] = [];
      for (let i = 0; i < 40 && outcomes.at(-1) !== 200; i++) {
        outcomes.push(await send());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // Back once the proxy's connection found the server again.
      expect(outcomes.at(-1)).toBe(200);
    } finally {
      await own.stop();
    }
  });
});

async function redisFlush() {
  const client = await connectRedis(redis.url);
  await client.flushdb();
  client.disconnect();
}
