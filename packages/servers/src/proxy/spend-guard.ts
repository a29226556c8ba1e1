import type { ProxyMetrics, TokenUsage } from "./metrics.js";
import { NANO_USD, type ProxyBudgetOptions, type SharedRequestRate } from "./shared-limits.js";

/** The header a response carries once the budget's soft limit is passed. */
export const BUDGET_WARNING_HEADER = "x-gloo-budget-warning";

/** How a guarded request ended, for settling its reservation. */
export interface GuardedEnd {
  /** The platform answered 2xx. */
  ok: boolean;
  usage: TokenUsage | undefined;
  model: string | undefined;
}

/** A request the guard let through: headers to add to its answer, and how to settle it. */
export interface Admission {
  headers: Record<string, string>;
  finish(end: GuardedEnd): void;
}

/** A request the guard turned away. */
export interface Refusal {
  status: 400 | 429;
  code: "rate_limited" | "budget_exceeded" | "cannot_price_request";
  message: string;
  retryAfterSeconds: number | undefined;
}

/** The proxy's shared rate limit and spend budget, applied before a chat request is sent. */
export interface SpendGuard {
  admit(api: "v1" | "v2", body: Uint8Array): Promise<Admission | Refusal>;
}

/** Builds the guard; without a rate limit or a budget there is nothing to guard: undefined. */
export function createSpendGuard(
  rate: SharedRequestRate | undefined,
  budget: ProxyBudgetOptions | undefined,
  metrics: ProxyMetrics,
  now: () => number = Date.now,
): SpendGuard | undefined {
  if (rate === undefined && budget === undefined) return undefined;
  const softLimit = budget?.softLimit ?? 0.8;
  return {
    async admit(api, bytes) {
      if (rate !== undefined) {
        const decision = await rate.take();
        if (!decision.granted) {
          metrics.budgetRejection("rate_limited");
          return {
            status: 429,
            code: "rate_limited",
            message: "The proxies' shared request rate is used up; retry after the Retry-After delay.",
            retryAfterSeconds: Math.ceil(decision.retryAfterMs / 1000),
          };
        }
      }
      if (budget === undefined) return { headers: {}, finish() {} };
      const body = parseJson(bytes);
      const id = crypto.randomUUID();
      const worst = budget.pricing.worstCase(api, body);
      if (typeof worst === "string") {
        metrics.budgetRejection("cannot_price_request");
        return {
          status: 400,
          code: "cannot_price_request",
          message: `The proxy's spend budget needs a worst-case cost for every request, and this one has none: ${worst}.`,
          retryAfterSeconds: undefined,
        };
      }
      const hold = await budget.store.reserve(id, worst);
      metrics.budget(hold.limit, hold.spent, hold.reserved);
      if (!hold.granted) {
        metrics.budgetRejection("budget_exceeded");
        return {
          status: 429,
          code: "budget_exceeded",
          message: `The spend budget of ${usd(hold.limit)} is used up (${usd(hold.spent)} spent, ${usd(hold.reserved)} held by requests in flight; this request may cost up to ${usd(worst)}).${hold.windowEndsAt === undefined ? "" : ` It resets at ${new Date(hold.windowEndsAt).toISOString()}.`}`,
          retryAfterSeconds:
            hold.windowEndsAt === undefined
              ? undefined
              : Math.max(1, Math.ceil((hold.windowEndsAt - now()) / 1000)),
        };
      }
      const used = (hold.spent + hold.reserved) / hold.limit;
      const headers: Record<string, string> =
        used >= softLimit
          ? {
              [BUDGET_WARNING_HEADER]: `${Math.floor(used * 100)}% of the ${usd(hold.limit)} budget is spent or held`,
            }
          : {};
      return {
        headers,
        finish(end) {
          // No usage from a successful answer (a stream without a usage chunk, a client that left):
          // the worst case is what may have been charged, so that is what is recorded.
          const cost = !end.ok
            ? undefined
            : end.usage === undefined
              ? worst
              : (budget.pricing.actual(api, body, end.usage, end.model) ?? worst);
          const settled = cost === undefined ? budget.store.release(id) : budget.store.settle(id, cost);
          if (cost !== undefined) metrics.spend(end.model ?? "unknown", cost / NANO_USD);
          // A settle that fails (Redis away) leaves the reservation to expire into worst-case spend.
          settled.then(
            (state) => metrics.budget(state.limit, state.spent, state.reserved),
            () => {},
          );
        },
      };
    },
  };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** Nano-dollars as dollars for messages, to the cent (or to 6 places below a cent). */
export function usd(nano: number): string {
  const dollars = nano / NANO_USD;
  return `$${dollars >= 0.01 || dollars === 0 ? dollars.toFixed(2) : dollars.toFixed(6)}`;
}
