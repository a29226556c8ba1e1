import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/** The answer to {@link SharedRateLimiter.take}. */
export type RateDecision = { granted: true } | { granted: false; retryAfterMs: number };

/** A request rate shared by every process that opens it by name (several proxies, for one). */
export interface SharedRateLimiter {
  /** Takes one request's slot now, or says how long until one frees. */
  take(): Promise<RateDecision>;
}

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Names the limit: every process that uses the same name on the same Redis shares it. */
  name: string;
  /** Requests allowed in any window of `windowMs`. */
  max: number;
  /** The window, in ms. @default 60000 */
  windowMs?: number;
  /** Key prefix in Redis. @default "gloo" */
  prefix?: string;
}

// A sliding log: one sorted-set member per request, scored by Redis's clock. Pruning, counting and
// adding are one atomic step, so no window of `windowMs` anywhere in time ever holds more than
// `max` granted requests, whichever host asked.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < max then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now + 1)
`;

/**
 * Opens (or creates) a sliding-window request limit in Redis.
 * @example
 * const limiter = createRedisRateLimiter(redis, { name: "proxy", max: 240 });
 * const decision = await limiter.take();
 * if (!decision.granted) answer429(decision.retryAfterMs);
 */
export function createRedisRateLimiter(redis: Redis, options: RedisRateLimiterOptions): SharedRateLimiter {
  const { max } = options;
  if (!Number.isSafeInteger(max) || max < 1)
    throw new RangeError(`A rate limit must allow a whole number ≥ 1 of requests, not ${max}.`);
  const window = options.windowMs ?? 60_000;
  const key = `${options.prefix ?? "gloo"}:rate:${options.name}`;
  return {
    async take() {
      const wait = (await redis.eval(TAKE, 1, key, String(max), String(window), randomUUID())) as number;
      return wait === 0 ? { granted: true } : { granted: false, retryAfterMs: wait };
    },
  };
}
