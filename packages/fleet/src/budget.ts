import type { Redis } from "ioredis";
import { RESERVE, SETTLE, STATE } from "./internal/budget-scripts.js";

/** A budget's figures, in the unit its amounts are given in. */
export interface BudgetState {
  /** The most that may be spent per window. */
  limit: number;
  /** Settled spend in the current window (plus reservations whose holder never settled). */
  spent: number;
  /** Held by reservations not settled yet. */
  reserved: number;
  /** When the current window ends (ms since the epoch); `undefined` for a budget that never resets. */
  windowEndsAt: number | undefined;
}

/** The answer to {@link SharedBudget.reserve}. */
export interface BudgetReservation extends BudgetState {
  /** Whether the amount is now held; `false` when it would take spend plus reservations past the limit. */
  granted: boolean;
}

/**
 * A spend budget kept in Redis and shared by every process that opens it by name: workers on any
 * host, several proxies. Reserve the worst case before a request, then settle to what it cost or
 * release it if it failed. Amounts are integers in one exact unit the caller chooses (the CLI uses
 * nano-dollars), so no rounding happens in Redis.
 */
export interface SharedBudget {
  /** Holds `amount` for `id` if spend plus reservations stay within the limit. Idempotent per id. */
  reserve(id: string, amount: number): Promise<BudgetReservation>;
  /** Turns `id`'s reservation into `actual` spend; a second settle of the same id changes nothing. */
  settle(id: string, actual: number): Promise<BudgetState>;
  /** Drops `id`'s reservation: the request failed and cost nothing. */
  release(id: string): Promise<BudgetState>;
  /** The current figures. */
  state(): Promise<BudgetState>;
}

/** Options of {@link createRedisBudget}. */
export interface RedisBudgetOptions {
  /** Names the budget: every process that uses the same name on the same Redis shares it. */
  name: string;
  /** The most that may be spent per window, an integer in the amounts' unit. */
  limit: number;
  /** The window's length in ms: spend starts again from 0 when it ends. @default 0 (never resets) */
  windowMs?: number;
  /**
   * How long a reservation may stay unsettled; past it, it counts as spent at its full amount
   * (its holder is presumed dead after sending). Longer than the slowest request.
   * @default 600000 (10 minutes)
   */
  reservationTtlMs?: number;
  /** Key prefix in Redis. @default "gloo" */
  prefix?: string;
}

/**
 * Opens (or creates) a budget in Redis.
 * @example
 * const budget = createRedisBudget(redis, { name: "proxy", limit: 100e9, windowMs: 7 * 86_400_000 });
 * const hold = await budget.reserve(requestId, worstCase);
 * if (hold.granted) await budget.settle(requestId, actual);
 */
export function createRedisBudget(redis: Redis, options: RedisBudgetOptions): SharedBudget {
  const { name, limit } = options;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`A budget's limit must be a whole number ≥ 0 in its unit, not ${limit}.`);
  const window = String(options.windowMs ?? 0);
  const ttl = String(options.reservationTtlMs ?? 600_000);
  const base = `${options.prefix ?? "gloo"}:budget:${name}`;
  const keys = [base, `${base}:held`, `${base}:deadlines`] as const;
  const run = async (script: string, ...args: (string | number)[]) =>
    (await redis.eval(script, keys.length, ...keys, window, ...args.map(String))) as number[];
  const toState = (spent = 0, reserved = 0, ends = 0): BudgetState => ({
    limit,
    spent,
    reserved,
    windowEndsAt: ends === 0 ? undefined : ends,
  });
  return {
    async reserve(id, amount) {
      if (!Number.isSafeInteger(amount) || amount < 0)
        throw new RangeError(`A reservation must be a whole number ≥ 0 in the budget's unit, not ${amount}.`);
      const [granted, spent, reserved, ends] = await run(RESERVE, id, amount, limit, ttl);
      return { granted: granted === 1, ...toState(spent, reserved, ends) };
    },
    async settle(id, actual) {
      if (!Number.isSafeInteger(actual) || actual < 0)
        throw new RangeError(`A settled amount must be a whole number ≥ 0, not ${actual}.`);
      const [, spent, reserved, ends] = await run(SETTLE, id, actual);
      return toState(spent, reserved, ends);
    },
    async release(id) {
      const [, spent, reserved, ends] = await run(SETTLE, id, -1);
      return toState(spent, reserved, ends);
    },
    async state() {
      const [spent, reserved, ends] = await run(STATE);
      return toState(spent, reserved, ends);
    },
  };
}
