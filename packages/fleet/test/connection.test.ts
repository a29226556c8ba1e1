import { connectRedis, FleetConfigError, parseRedisURL, redacted } from "@gloo-toolkit/fleet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, type RedisServer, startRedis } from "./helpers/redis-server.js";

describe("parseRedisURL", () => {
  it("accepts redis:// and rediss:// with an optional database number", () => {
    expect(parseRedisURL("redis://127.0.0.1:6379").port).toBe("6379");
    expect(parseRedisURL("rediss://cache.example:6380/2").pathname).toBe("/2");
  });

  it("refuses other schemes, non-URLs and a database that is not a number, saying how to write it", () => {
    expect(() => parseRedisURL("http://127.0.0.1:6379")).toThrow(
      /must start with redis:\/\/.*redis:\/\/HOST:PORT/,
    );
    expect(() => parseRedisURL("localhost:6379")).toThrow(FleetConfigError);
    expect(() => parseRedisURL("not a url")).toThrow(/is not a URL/);
    expect(() => parseRedisURL("redis://h:1/jobs")).toThrow(/must be a number/);
  });

  it("never prints a password", () => {
    expect(redacted(new URL("redis://user:hunter2@h:1/0"))).toBe("redis://user:***@h:1/0");
    expect(() => parseRedisURL("redis://u:hunter2@h:1/x")).toThrow(/^(?!.*hunter2)/s);
  });
});

describe("connectRedis against a real redis-server", () => {
  let good: RedisServer;
  let evicting: RedisServer;
  beforeAll(async () => {
    [good, evicting] = await Promise.all([startRedis(), startRedis("allkeys-lru")]);
  });
  afterAll(async () => {
    await Promise.all([good?.stop(), evicting?.stop()]);
  });

  it("connects to a noeviction server", async () => {
    const redis = await connectRedis(good.url);
    expect(await redis.ping()).toBe("PONG");
    redis.disconnect();
  });

  it("refuses a server with another maxmemory-policy and names the fix", async () => {
    const error = await connectRedis(evicting.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetConfigError);
    expect((error as Error).message).toMatch(
      /maxmemory-policy "allkeys-lru".*CONFIG SET maxmemory-policy noeviction/,
    );
  });

  it("reports an unreachable server as a configuration error with the URL", async () => {
    const port = await freePort();
    const error = await connectRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 1000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FleetConfigError);
    expect((error as Error).message).toContain(`Cannot connect to Redis at redis://127.0.0.1:${port}`);
  });
});
