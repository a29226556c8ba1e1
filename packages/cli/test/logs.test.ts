import { appendFile, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createPriceList, type ModelList } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { parseSince } from "../src/commands/logs.js";
import type { Exchange } from "../src/internal/exchange-log.js";
import { EMULATOR_SECRET, emulated, runCli, tempDir } from "./helpers/cli.js";

/** The emulator with a fresh data directory, recording each completion request's messages and counting catalogue requests. */
async function setup() {
  const base = emulated();
  const bodies: { messages: { role: string; content: string }[] }[] = [];
  const catalogueRequests = { count: 0 };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url.endsWith("/chat/completions")) bodies.push(await request.clone().json());
    if (request.url.endsWith("/models")) catalogueRequests.count++;
    return base.fetch(request);
  };
  const data = await tempDir();
  const env = { ...base.env, XDG_DATA_HOME: data, XDG_CACHE_HOME: await tempDir() };
  const gloo = (argv: string[], stdin?: string) =>
    runCli(argv, { env, fetch, ...(stdin === undefined ? {} : { stdin }) });
  const catalogue = async () =>
    ((await (await base.fetch(`${base.env.GLOO_BASE}/platform/v2/models`)).json()) as ModelList).data;
  return { gloo, bodies, env, catalogue, catalogueRequests, logFile: join(data, "gloo", "log.jsonl") };
}

async function exchanges(
  gloo: (argv: string[]) => ReturnType<typeof runCli>,
  argv: string[] = [],
): Promise<Exchange[]> {
  const run = await gloo(["logs", "--json", ...argv]);
  expect(run.code).toBe(0);
  return run.stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Exchange);
}

describe("the exchange log", () => {
  it("records each gloo chat exchange: messages, reply, model, usage, request id, latency, cost; no secret or token", async () => {
    const { gloo, catalogue, catalogueRequests, logFile } = await setup();
    expect(
      (await gloo(["chat", "--system", "Be brief.", "--temperature", "0", "Reply with only: ONE"])).code,
    ).toBe(0);
    const v2 = ["--api", "v2", "--model", "gloo-openai-gpt-5-mini"];
    expect((await gloo(["chat", "--stream", ...v2, "Reply with only: TWO"])).code).toBe(0);
    const [first, second] = await exchanges(gloo);
    expect(first).toMatchObject({
      command: "chat",
      api: "v1",
      system: "Be brief.",
      messages: [{ role: "user", content: "Reply with only: ONE" }],
      params: { temperature: 0 },
      routing: { model: "us.meta.llama3-3-70b-instruct-v1:0" },
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      reply: "ONE",
      finishReason: "stop",
      usage: { prompt: expect.any(Number), completion: expect.any(Number) },
      requestId: expect.any(String),
      latencyMs: expect.any(Number),
    });
    // The V1-only Llama id has no row in the (V2) catalogue, so no price: no cost rather than a guess.
    expect(first?.costUSD).toBeUndefined();
    expect(second).toMatchObject({
      api: "v2",
      reply: "TWO",
      usage: { prompt: expect.any(Number) },
      costUSD: expect.any(Number),
    });
    // The SDK's exact figure (what `gloo batch` and the playground show), not a float product.
    const exact = createPriceList(await catalogue(), "catalog", 0).cost(second?.model ?? "", {
      prompt_tokens: second?.usage?.prompt ?? 0,
      completion_tokens: second?.usage?.completion ?? 0,
    });
    expect(second?.costUSD).toBe(Number(exact.cost?.total));
    // Each `gloo chat` is a new process: the second priced its exchange from the catalogue on disk.
    expect(catalogueRequests.count).toBe(1);
    expect(first?.cid).not.toBe(second?.cid);
    const text = await readFile(logFile, "utf8");
    expect(text).not.toContain(EMULATOR_SECRET);
    expect(text).not.toMatch(/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/);
    expect((await stat(logFile)).mode & 0o777).toBe(0o600);
    const human = await gloo(["logs"]);
    expect(human.stdout).toMatch(/> Reply with only: ONE\n {2}< ONE\n/);
    expect(human.stdout).toMatch(/\d+\+\d+ tokens {2}~\$\d+\.\d{6} {2}request \S+/);
  });

  it("records failures with the platform's reason and request id", async () => {
    const { gloo } = await setup();
    expect((await gloo(["chat", "--model", "no-such-model", "hi"])).code).toBe(1);
    const [failed] = await exchanges(gloo);
    expect(failed?.error?.message).toContain("no-such-model");
    expect(failed?.error?.status).toBe(400);
    expect(failed?.requestId).toEqual(expect.any(String));
    expect((await gloo(["logs"])).stdout).toMatch(/ {2}! unknown model: /);
  });

  it("filters by text, model, time and conversation, and keeps the last N", async () => {
    const { gloo } = await setup();
    for (const word of ["APPLE", "BANANA", "CHERRY"]) await gloo(["chat", `Reply with only: ${word}`]);
    await gloo(["chat", "--model", "gloo-openai-gpt-5-mini", "Reply with only: DATE"]);
    expect((await exchanges(gloo, ["--search", "banana"])).map((e) => e.reply)).toEqual(["BANANA"]);
    expect((await exchanges(gloo, ["--model", "gloo-openai-gpt-5-mini"])).map((e) => e.reply)).toEqual([
      "DATE",
    ]);
    expect((await exchanges(gloo, ["-n", "2"])).map((e) => e.reply)).toEqual(["CHERRY", "DATE"]);
    expect(await exchanges(gloo, ["--since", "2099-01-01"])).toEqual([]);
    expect(await exchanges(gloo, ["--since", "1h"])).toHaveLength(4);
    const [apple] = await exchanges(gloo, ["--search", "apple"]);
    expect((await exchanges(gloo, ["--cid", apple?.cid ?? ""])).map((e) => e.reply)).toEqual(["APPLE"]);
    const bad = await gloo(["logs", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since must be a duration");
  });

  it("survives a line cut short by a crash: the complete exchanges before and after are read", async () => {
    const { gloo, logFile } = await setup();
    await gloo(["chat", "Reply with only: BEFORE"]);
    await appendFile(logFile, '{"v":1,"id":"x-cut","time":"2026-11-30T00:00:00Z","cid":"c-cut","mess');
    await gloo(["chat", "Reply with only: AFTER"]);
    expect((await exchanges(gloo)).map((e) => e.reply)).toEqual(["BEFORE", "AFTER"]);
    expect(await readFile(logFile, "utf8")).toContain('"mess\n{"v":1');
  });

  it("writes nothing with --no-log or the config's log false", async () => {
    const { gloo, env } = await setup();
    await gloo(["chat", "--no-log", "Reply with only: QUIET"]);
    expect(await exchanges(gloo)).toEqual([]);
    const config = { XDG_CONFIG_HOME: await tempDir() };
    await runCli(["config", "set", "log", "false"], { env: config });
    const { fetch } = emulated();
    await runCli(["chat", "Reply with only: QUIET"], { env: { ...env, ...config }, fetch });
    expect(await exchanges(gloo)).toEqual([]);
  });

  it("reads relative and absolute --since values", () => {
    expect(parseSince("2h", 10_000_000)).toBe(10_000_000 - 7_200_000);
    expect(parseSince("2026-11-30")).toBe(Date.parse("2026-11-30"));
  });
});

describe("continuing a conversation", () => {
  it("sends the logged history with gloo chat -c, and a given conversation with --cid", async () => {
    const { gloo, bodies } = await setup();
    await gloo(["chat", "--system", "Be brief.", "Reply with only: FIRST"]);
    await gloo(["chat", "-c", "Reply with only: SECOND"]);
    expect(bodies.at(-1)?.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Reply with only: FIRST" },
      { role: "assistant", content: "FIRST" },
      { role: "user", content: "Reply with only: SECOND" },
    ]);
    const [first, second] = await exchanges(gloo);
    expect(second?.cid).toBe(first?.cid);
    await gloo(["chat", "Reply with only: OTHER"]);
    await gloo(["chat", "--no-log", "--cid", first?.cid ?? "", "Reply with only: THIRD"]);
    expect(bodies.at(-1)?.messages.map((m) => m.content)).toEqual([
      "Be brief.",
      "Reply with only: FIRST",
      "FIRST",
      "Reply with only: SECOND",
      "SECOND",
      "Reply with only: THIRD",
    ]);
    // A search matches an exchange's own turn, not the history it resent.
    expect((await exchanges(gloo, ["--search", "only: first"])).map((e) => e.reply)).toEqual(["FIRST"]);
    // --no-log read the history but wrote nothing.
    expect((await exchanges(gloo)).map((e) => e.reply)).toEqual(["FIRST", "SECOND", "OTHER"]);
  });

  it("continues in gloo repl -c, and logs the repl's turns", async () => {
    const { gloo, bodies } = await setup();
    await gloo(["chat", "Reply with only: START"]);
    const run = await gloo(["repl", "-c"], "Reply with only: NEXT\n");
    expect(run.code).toBe(0);
    expect(bodies.at(-1)?.messages.map((m) => m.content)).toEqual([
      "Reply with only: START",
      "START",
      "Reply with only: NEXT",
    ]);
    const last = (await exchanges(gloo)).at(-1);
    expect(last).toMatchObject({
      command: "repl",
      reply: "NEXT",
      routing: { model: "us.meta.llama3-3-70b-instruct-v1:0" },
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      usage: { prompt: expect.any(Number) },
    });
    expect(last?.cid).toBe((await exchanges(gloo))[0]?.cid);
  });

  it("says there is nothing to continue, or no log to continue from, with exit 2", async () => {
    const { gloo } = await setup();
    const none = await gloo(["chat", "-c", "hi"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("there is no earlier conversation to continue");
    const unknown = await gloo(["chat", "--cid", "c-nope", "hi"]);
    expect(unknown.stderr).toContain("no conversation c-nope in the log");
    const { fetch } = emulated();
    const homeless = await runCli(["chat", "-c", "hi"], { env: emulated().env, fetch });
    expect(homeless.code).toBe(2);
    expect(homeless.stderr).toContain("there is no log to continue from");
  });
});
