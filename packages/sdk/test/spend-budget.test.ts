// Reservation before spending: nothing is reserved past the limit, whatever the concurrency.
import { SpendBudget } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const usd = (text: string) => BigInt(text) * 10n ** 24n;
const cents = (n: number) => BigInt(n) * 10n ** 22n;

describe("SpendBudget", () => {
  it("admits exactly the reservations that fit, and no more", () => {
    const budget = new SpendBudget("1");
    const held = Array.from({ length: 200 }, () => budget.tryReserve(cents(3)));
    expect(held.filter((reservation) => reservation !== undefined)).toHaveLength(33);
    expect(budget.state()).toEqual({ limit: "1", spent: "0", reserved: "0.99", remaining: "0.01" });
  });

  it("settles to the actual cost and releases on failure", () => {
    const budget = new SpendBudget("0.10");
    const first = budget.tryReserve(cents(6));
    expect(budget.tryReserve(cents(6))).toBeUndefined();
    first?.settle(cents(1));
    const second = budget.tryReserve(cents(6));
    second?.release();
    expect(budget.state()).toMatchObject({ spent: "0.01", reserved: "0", remaining: "0.09" });
    expect(budget.holding).toBe(false);
    expect(() => second?.settle(1n)).toThrow("already");
  });

  it("counts what earlier runs spent", () => {
    const budget = new SpendBudget("2", usd("2"));
    expect(budget.tryReserve(1n)).toBeUndefined();
    expect(budget.tryReserve(0n)).toBeDefined();
  });

  it("refuses a limit that is not an amount", () => {
    expect(() => new SpendBudget("ten")).toThrow('budget "ten" is not an amount of USD');
    expect(() => new SpendBudget("-1")).toThrow(RangeError);
  });
});
