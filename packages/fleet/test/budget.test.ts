import { connectRedis, createRedisBudget, type SharedBudget } from "@gloo-toolkit/fleet";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "./helpers/redis-server.js";

let server: RedisServer;
const clients: Redis[] = [];
let counter = 0;
const uniqueName = () => `test-${process.pid}-${++counter}`;

beforeAll(async () => {
  server = await startRedis();
  // Four connections stand for four hosts: each reservation goes through its own client.
  for (let i = 0; i < 4; i++) clients.push(await connectRedis(server.url));
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createRedisBudget", () => {
  it("grants exactly the reservations that fit when 200 arrive at once from four clients", async () => {
    const name = uniqueName();
    const budgets = clients.map((client) => createRedisBudget(client, { name, limit: 1_000 }));
    const on = (i: number) => budgets[i % budgets.length] as SharedBudget;
    // 200 reservations of 7 against 1,000: exactly 142 fit (994), the 143rd would make 1,001.
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => on(i).reserve(`r${i}`, 7)));
    const granted = answers.filter((answer) => answer.granted);
    expect(granted).toHaveLength(142);
    const state = await on(0).state();
    expect(state).toMatchObject({ limit: 1_000, spent: 0, reserved: 994, windowEndsAt: undefined });
    // Settling below the worst case frees room again, for anyone.
    const ids = answers.flatMap((answer, i) => (answer.granted ? [`r${i}`] : []));
    await Promise.all(ids.map((id, i) => on(i).settle(id, 5)));
    expect(await on(1).state()).toMatchObject({ spent: 710, reserved: 0 });
    expect((await on(2).reserve("after", 290)).granted).toBe(true);
    expect((await on(3).reserve("one-too-many", 1)).granted).toBe(false);
  });

  it("settles and releases each id once, and reserves an id only once", async () => {
    const budget = createRedisBudget(clients[0] as Redis, { name: uniqueName(), limit: 100 });
    expect(await budget.reserve("a", 60)).toMatchObject({ granted: true, reserved: 60 });
    // The same id again (a job delivered twice) is granted without holding more.
    expect(await budget.reserve("a", 60)).toMatchObject({ granted: true, reserved: 60 });
    expect(await budget.settle("a", 40)).toMatchObject({ spent: 40, reserved: 0 });
    expect(await budget.settle("a", 40)).toMatchObject({ spent: 40, reserved: 0 });
    expect(await budget.reserve("b", 60)).toMatchObject({ granted: true, spent: 40, reserved: 60 });
    expect(await budget.release("b")).toMatchObject({ spent: 40, reserved: 0 });
    expect(await budget.release("b")).toMatchObject({ spent: 40, reserved: 0 });
  });

  it("counts a reservation never settled as spent at its worst case once its time runs out", async () => {
    const budget = createRedisBudget(clients[0] as Redis, {
      name: uniqueName(),
      limit: 100,
      reservationTtlMs: 200,
    });
    await budget.reserve("holder-died", 30);
    await sleep(400);
    expect(await budget.state()).toMatchObject({ spent: 30, reserved: 0 });
    // A late settle from the holder (it was only slow) does not count it twice.
    expect(await budget.settle("holder-died", 10)).toMatchObject({ spent: 30, reserved: 0 });
  });

  it("starts a new window from zero spend when the window ends, and says when that is", async () => {
    const budget = createRedisBudget(clients[1] as Redis, { name: uniqueName(), limit: 10, windowMs: 500 });
    const first = await budget.reserve("x", 10);
    expect(first.granted).toBe(true);
    await budget.settle("x", 10);
    const full = await budget.reserve("y", 1);
    expect(full.granted).toBe(false);
    expect(full.windowEndsAt).toBe(first.windowEndsAt);
    await sleep(700);
    const next = await budget.reserve("y", 1);
    expect(next).toMatchObject({ granted: true, spent: 0, reserved: 1 });
    expect(next.windowEndsAt).toBeGreaterThan(first.windowEndsAt ?? Number.POSITIVE_INFINITY);
  });

  it("refuses amounts that are not whole numbers", async () => {
    const budget = createRedisBudget(clients[0] as Redis, { name: uniqueName(), limit: 10 });
    await expect(budget.reserve("x", 0.5)).rejects.toThrow(/whole number/);
    expect(() => createRedisBudget(clients[0] as Redis, { name: "n", limit: -1 })).toThrow(/whole number/);
  });
});
