import type { SharedRequestRate, SharedSpendBudget, SpendBudgetState } from "@gloo-toolkit/servers";

/**
 * An in-process stand-in for the shared budget, for tests of the proxy's handler alone. The real
 * one lives in Redis (`@gloo-toolkit/fleet`, tested there and end to end through `gloo proxy`).
 */
export function memoryBudget(limit: number, windowEndsAt?: number) {
  const held = new Map<string, number>();
  const state: SpendBudgetState = { limit, spent: 0, reserved: 0, windowEndsAt };
  const calls: string[] = [];
  const budget: SharedSpendBudget = {
    async reserve(id, amount) {
      calls.push(`reserve ${amount}`);
      if (state.spent + state.reserved + amount > limit) return { granted: false, ...state };
      held.set(id, amount);
      state.reserved += amount;
      return { granted: true, ...state };
    },
    async settle(id, actual) {
      calls.push(`settle ${actual}`);
      const amount = held.get(id);
      if (amount !== undefined) {
        held.delete(id);
        state.reserved -= amount;
        state.spent += actual;
      }
      return { ...state };
    },
    async release(id) {
      calls.push("release");
      const amount = held.get(id);
      if (amount !== undefined) {
        held.delete(id);
        state.reserved -= amount;
      }
      return { ...state };
    },
    async state() {
      return { ...state };
    },
  };
  return { budget, state, calls };
}

/** A rate that grants `max` requests, then asks callers to wait `retryAfterMs`. */
export function countingRate(max: number, retryAfterMs: number): SharedRequestRate {
  let taken = 0;
  return {
    async take() {
      taken += 1;
      return taken <= max ? { granted: true } : { granted: false, retryAfterMs };
    },
  };
}
