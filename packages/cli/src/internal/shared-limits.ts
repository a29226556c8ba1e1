// `--redis`, `--budget`, `--budget-window` and `--rpm` of `gloo proxy`: a request rate and a spend
// budget shared by every proxy on the same Redis, from @gloo-toolkit/fleet (loaded only when asked
// for, so a plain proxy never loads Redis code).
import { SpendBudget } from "@gloo-toolkit/sdk";
import { NANO_USD, type ProxyBudgetOptions, type SharedRequestRate } from "@gloo-toolkit/servers";
import { UsageError } from "../errors.js";
import { numberFlag } from "./args.js";
import { openRedis } from "./redis.js";

/** The flags, for a command's parseArgs options. */
export const sharedLimitOptions = {
  redis: { type: "string" },
  budget: { type: "string" },
  "budget-window": { type: "string" },
  "budget-warning": { type: "string" },
  rpm: { type: "string" },
} as const;

/** Their help lines. */
export const sharedLimitHelp = {
  redis: "Redis shared by every proxy: redis://HOST:PORT[/DB] (needed by --budget and --rpm)",
  budget: "Spend budget in USD shared by the proxies; over it, 429 budget_exceeded",
  "budget-window": "How often the budget starts again: 30s, 30m, 12h, 7d (default: 7d, Gloo's weekly cap)",
  "budget-warning": "Percent of the budget past which answers carry x-gloo-budget-warning (default: 80)",
  rpm: "Chat requests per minute shared by the proxies; over it, 429 rate_limited",
} as const;

/** The shared limits a proxy runs with, and how to let go of Redis. */
export interface SharedLimits {
  rateLimit: SharedRequestRate | undefined;
  budget: Omit<ProxyBudgetOptions, "pricing"> | undefined;
  /** For the banner: what is shared, e.g. "budget $100.00 per 7d, 240 requests/min". */
  summary: string;
  close(): void;
}

interface Values {
  redis?: string | undefined;
  budget?: string | undefined;
  "budget-window"?: string | undefined;
  "budget-warning"?: string | undefined;
  rpm?: string | undefined;
}

/** Reads the flags, connects to Redis and checks it; `undefined` when none of the flags is given. */
export async function openSharedLimits(values: Values): Promise<SharedLimits | undefined> {
  const budget = values.budget === undefined ? undefined : usdToNano(values.budget);
  const windowMs = durationMs(values["budget-window"] ?? "7d");
  const rpm = numberFlag("rpm", values.rpm, { integer: true, min: 1 });
  const warning = numberFlag("budget-warning", values["budget-warning"], { min: 1, max: 100 });
  if (values.redis === undefined) {
    if (
      budget === undefined &&
      rpm === undefined &&
      values["budget-window"] === undefined &&
      warning === undefined
    )
      return undefined;
    throw new UsageError(
      "--budget, --budget-window, --budget-warning and --rpm are shared through Redis and need --redis.",
      "Add --redis redis://HOST:PORT (one proxy alone can use a local redis-server).",
    );
  }
  if (budget === undefined && rpm === undefined)
    throw new UsageError("--redis has nothing to share.", "Add --budget USD, --rpm N, or both.");
  if (budget === undefined && (warning !== undefined || values["budget-window"] !== undefined))
    throw new UsageError("--budget-window and --budget-warning describe a budget.", "Add --budget USD.");
  // Proxies answer clients: a Redis that does not answer fails a request (503) instead of holding it.
  const redis = await openRedis(values.redis, { commandTimeoutMs: 2000 });
  const { createRedisBudget, createRedisRateLimiter } = await import("@gloo-toolkit/fleet");
  const parts: string[] = [];
  if (budget !== undefined) parts.push(`budget ${formatUsd(budget)} per ${values["budget-window"] ?? "7d"}`);
  if (rpm !== undefined) parts.push(`${rpm} requests/min`);
  return {
    rateLimit: rpm === undefined ? undefined : createRedisRateLimiter(redis, { name: "proxy", max: rpm }),
    budget:
      budget === undefined
        ? undefined
        : {
            store: createRedisBudget(redis, { name: "proxy", limit: budget, windowMs }),
            softLimit: (warning ?? 80) / 100,
          },
    summary: parts.join(", "),
    close: () => redis.disconnect(),
  };
}

/**
 * A dollar amount as whole nano-dollars. What counts as an amount is the SDK's rule (SpendBudget's
 * exact parser, as for `gloo batch --budget`); digits past the ninth decimal are dropped, so a
 * limit is never raised.
 */
export function usdToNano(text: string): number {
  let exact: string;
  try {
    exact = new SpendBudget(text.trim()).state().limit;
  } catch {
    throw new UsageError(
      `--budget must be an amount of USD greater than 0, like 100 or 12.50, got "${text}".`,
    );
  }
  const [whole = "0", fraction = ""] = exact.split(".");
  const nano = Number(whole) * NANO_USD + Number(fraction.slice(0, 9).padEnd(9, "0"));
  if (!Number.isSafeInteger(nano) || nano <= 0)
    throw new UsageError(
      `--budget must be an amount of USD greater than 0, like 100 or 12.50, got "${text}".`,
    );
  return nano;
}

/** Nano-dollars as `$D.CC`. */
export function formatUsd(nano: number): string {
  return `$${(nano / NANO_USD).toFixed(2)}`;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `30m`, `12h`, `7d` in milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] as string] ?? Number.NaN);
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new UsageError(
      `--budget-window must be a whole number and a unit (s, m, h, d), e.g. 7d, got "${text}".`,
    );
  return ms;
}
