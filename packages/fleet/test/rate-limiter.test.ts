import { connectRedis, createRedisRateLimiter } from "@gloo-toolkit/fleet";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "./helpers/redis-server.js";

let server: RedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  server = await startRedis();
  for (let i = 0; i < 3; i++) clients.push(await connectRedis(server.url));
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.stop();
});

describe("createRedisRateLimiter", () => {
  it("grants exactly max requests per window across clients, then says how long to wait", async () => {
    const limiters = clients.map((client) =>
      createRedisRateLimiter(client, { name: "burst", max: 25, windowMs: 60_000 }),
    );
    const decisions = await Promise.all(Array.from({ length: 90 }, (_, i) => limiters[i % 3]?.take()));
    expect(decisions.filter((d) => d?.granted)).toHaveLength(25);
    const waits = decisions.flatMap((d) => (d && !d.granted ? [d.retryAfterMs] : []));
    expect(waits).toHaveLength(65);
    for (const wait of waits) {
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_001);
    }
  });

  it("slides: slots free as the oldest requests leave the window", async () => {
    const limiter = createRedisRateLimiter(clients[0] as Redis, { name: "slide", max: 2, windowMs: 300 });
    expect((await limiter.take()).granted).toBe(true);
    expect((await limiter.take()).granted).toBe(true);
    const refused = await limiter.take();
    expect(refused.granted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, refused.granted ? 0 : refused.retryAfterMs + 50));
    expect((await limiter.take()).granted).toBe(true);
  });

  it("refuses a limit below one request", () => {
    expect(() => createRedisRateLimiter(clients[0] as Redis, { name: "x", max: 0 })).toThrow(
      /whole number ≥ 1/,
    );
  });
});
