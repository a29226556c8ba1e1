import type { TokenUsage } from "./metrics.js";

/** Nano-dollars per US dollar: the unit of shared budgets. */
export const NANO_USD = 1_000_000_000;

/**
 * What the proxy needs from a spend budget shared by several proxy instances. `@gloo-toolkit/fleet`
 * implements it over Redis (`createRedisBudget`); the CLI wires it in. Amounts are whole
 * nano-dollars (1e-9 USD), an exact unit for per-token rates.
 */
export interface SharedSpendBudget {
  /** Holds `amount` for `id` if spend plus reservations stay within the limit. */
  reserve(id: string, amount: number): Promise<SpendBudgetState & { granted: boolean }>;
  /** Turns `id`'s reservation into `actual` spend. */
  settle(id: string, actual: number): Promise<SpendBudgetState>;
  /** Drops `id`'s reservation: the request cost nothing. */
  release(id: string): Promise<SpendBudgetState>;
  /** The current figures. */
  state(): Promise<SpendBudgetState>;
}

/** A shared budget's figures, in nano-dollars. */
export interface SpendBudgetState {
  limit: number;
  spent: number;
  reserved: number;
  /** When the current window ends (ms since the epoch); `undefined` when the budget never resets. */
  windowEndsAt: number | undefined;
}

/** What the proxy needs from a request rate shared by several proxy instances (`createRedisRateLimiter`). */
export interface SharedRequestRate {
  /** Takes one request's slot now, or says how long until one frees. */
  take(): Promise<{ granted: true } | { granted: false; retryAfterMs: number }>;
}

/** Prices requests for the budget, in nano-dollars. */
export interface ProxyPricing {
  /**
   * The most a request can cost (prompt estimate and `max_tokens` at the dearest rate it may be
   * routed to), or why it cannot be priced (the proxy then refuses it: the budget cannot hold it).
   */
  worstCase(api: "v1" | "v2", body: unknown): number | string;
  /** What a finished request cost, from the `usage` and `model` of its answer; undefined when unknown (the worst case is kept). */
  actual(api: "v1" | "v2", body: unknown, usage: TokenUsage, model: string | undefined): number | undefined;
}

/** Options of the proxy's spend guard. */
export interface ProxyBudgetOptions {
  store: SharedSpendBudget;
  pricing: ProxyPricing;
  /** Share of the budget past which answers carry the `x-gloo-budget-warning` header. @default 0.8 */
  softLimit?: number;
}
