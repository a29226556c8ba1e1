import { Redis } from "ioredis";
import { FleetConfigError } from "./errors.js";

/** The Redis URL schemes the fleet accepts. */
const SCHEMES = new Set(["redis:", "rediss:"]);

/**
 * Checks a queue URL (`redis://[USER:PASSWORD@]HOST:PORT[/DB]`, or `rediss://` for TLS) and
 * returns it parsed; anything else is a {@link FleetConfigError} that says what to write.
 * @example
 * parseRedisURL("redis://127.0.0.1:6379/0").port; // "6379"
 */
export function parseRedisURL(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not echoed: the text may hold a password.
    throw new FleetConfigError(
      "The queue or Redis address is not a URL. Write it as redis://HOST:PORT[/DB].",
    );
  }
  if (!SCHEMES.has(url.protocol))
    throw new FleetConfigError(
      `The queue URL must start with redis:// or rediss://, not ${url.protocol}//. Write it as redis://HOST:PORT[/DB].`,
    );
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db))
    throw new FleetConfigError(
      `The database in ${redacted(url)} must be a number, e.g. redis://HOST:PORT/0.`,
    );
  return url;
}

/** The URL as it may be printed: the password replaced by `***`. */
export function redacted(url: URL): string {
  if (url.password === "") return url.href;
  const copy = new URL(url.href);
  copy.password = "***";
  return copy.href;
}

/** Options of {@link connectRedis}. */
export interface ConnectOptions {
  /** How long the first connection may take before giving up, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Fail a command after this many ms instead of waiting for Redis to come back (a proxy answering
   * clients wants this; queue workers do not: they wait across a Redis restart). @default none
   */
  commandTimeoutMs?: number;
}

/**
 * Opens a Redis connection for the fleet and checks it before anything runs: reachable, and
 * `maxmemory-policy` `noeviction` (BullMQ's rule: with any other policy Redis may silently drop
 * queue keys under memory pressure — https://docs.bullmq.io/guide/going-to-production). After
 * the first connection it reconnects on its own, so a restarted Redis is picked up again.
 * @example
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 */
export async function connectRedis(text: string, options: ConnectOptions = {}): Promise<Redis> {
  const url = parseRedisURL(text);
  const bounded = options.commandTimeoutMs !== undefined;
  const redis = new Redis(url.href, {
    // BullMQ's workers block on Redis and must wait across a restart rather than fail commands.
    maxRetriesPerRequest: bounded ? 1 : null,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    ...(bounded ? { commandTimeout: options.commandTimeoutMs, enableOfflineQueue: false } : {}),
  });
  // Errors after the first connection are reconnect attempts ioredis retries by itself; an
  // unhandled 'error' event would end the process instead.
  redis.on("error", () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new FleetConfigError(
      `Cannot connect to Redis at ${redacted(url)}: ${reason}. Start redis-server or fix the URL.`,
    );
  }
  try {
    await checkEvictionPolicy(redis, redacted(url));
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}

/**
 * Refuses a Redis whose `maxmemory-policy` is not `noeviction`, with the command that fixes it.
 * Read from `INFO memory`, which managed services that disable `CONFIG` still answer.
 */
export async function checkEvictionPolicy(redis: Redis, where: string): Promise<void> {
  const info = await redis.info("memory");
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy === undefined)
    throw new FleetConfigError(`Redis at ${where} did not report its maxmemory-policy (INFO memory).`);
  if (policy !== "noeviction")
    throw new FleetConfigError(
      `Redis at ${where} has maxmemory-policy "${policy}"; the fleet needs "noeviction" so that queued work is never evicted. Run: redis-cli CONFIG SET maxmemory-policy noeviction (and set it in redis.conf).`,
    );
}
