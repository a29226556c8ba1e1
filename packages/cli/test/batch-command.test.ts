// `gloo batch` end to end: the built command and the built emulator as real processes, checked
// against the emulator's request log. `npm test` builds first; run `npx tsc -b` before this file alone.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  batchFile,
  echoLines,
  type LoggedRequest,
  type OutputLine,
  outputLines,
  type SpawnedEmulator,
  spawnBatch,
  startEmulator,
} from "./helpers/spawned-batch.js";

let emulator: SpawnedEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

async function outputs(dir: string) {
  const results = await outputLines(join(dir, "in.results.jsonl"));
  const errors = await outputLines(join(dir, "in.errors.jsonl"));
  return { results, errors, all: [...results, ...errors] };
}

function expectEachOnce(lines: OutputLine[], count: number) {
  const ids = lines.map((line) => line.custom_id);
  expect(new Set(ids).size).toBe(ids.length); // no duplicate
  expect(ids.sort()).toEqual(
    Array.from({ length: count }, (_, index) => `req-${index}`).sort(), // none lost
  );
}

const answered = (log: LoggedRequest[]) => log.filter((entry) => entry.status === 200);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("gloo batch (spawned, against gloo emulator)", () => {
  it("checks the whole file first: exit 2 listing every offending line, nothing sent", async () => {
    emulator = await startEmulator();
    const good = echoLines(1)[0];
    const dir = await batchFile("in.jsonl", [
      good,
      good, // duplicate custom_id
      { custom_id: "x", url: "/v1/embeddings", body: { messages: [{ role: "user", content: "Hi" }] } },
      { custom_id: "y", url: "/v2/chat/completions", body: { messages: [{ role: "user", content: "Hi" }] } },
      { url: "/v1/chat/completions", body: { messages: [{ role: "assistant", content: "Hi" }] } },
    ]);
    const { writeFile, readFile } = await import("node:fs/promises");
    await writeFile(join(dir, "in.jsonl"), `${await readFile(join(dir, "in.jsonl"), "utf8")}{not json\n`);
    const run = await spawnBatch(dir, ["in.jsonl"], emulator.env).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("has 6 problems; nothing was sent");
    expect(run.stderr).toContain('line 2: repeats custom_id "req-0" of line 1: make it unique');
    expect(run.stderr).toContain('line 3: has url "/v1/embeddings"');
    expect(run.stderr).toContain(
      "line 4: body: routing: v2 needs exactly one of auto_routing: true, model or model_family",
    );
    expect(run.stderr).toContain("line 5: has no custom_id");
    expect(run.stderr).toContain('line 5: body: messages[0].role: the last message must have role "user"');
    expect(run.stderr).toContain("line 6: is not JSON");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const same = await spawnBatch(dir, ["in.jsonl", "-o", "in.jsonl"], emulator.env).done;
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("the input, results and errors files must be three different files");
    expect(await emulator.completions()).toHaveLength(0);
  });

  it("1,000 lines with 429/503/drop faults: every custom_id exactly once, every answer stored", async () => {
    emulator = await startEmulator(["--faults", "429=0.1,503=0.05,drop=0.02", "--retry-after", "0"]);
    const dir = await batchFile("in.jsonl", echoLines(1000));
    const run = await spawnBatch(dir, ["in.jsonl", "--concurrency", "16", "--json"], emulator.env).done;
    expect([0, 1]).toContain(run.code);
    const { results, errors, all } = await outputs(dir);
    expectEachOnce(all, 1000);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ succeeded: results.length, failed: errors.length, notRun: 0 });
    expect(summary.rateLimited).toBeGreaterThan(0);
    // Every answer the emulator gave was stored, and every stored result is one the emulator gave.
    const log = await emulator.completions();
    const stored = new Set(results.map((line) => line.response?.request_id));
    expect(
      answered(log)
        .map((entry) => entry.requestId)
        .sort(),
    ).toEqual([...stored].sort());
    expect(log.filter((entry) => entry.status === 429).length).toBe(summary.rateLimited);
  });

  it("killed with SIGKILL at 5 random moments and re-run until done: 0 lost, 0 duplicated, ≤ concurrency repeats per kill", async () => {
    emulator = await startEmulator([
      "--faults",
      "429=0.1,503=0.05,drop=0.02",
      "--retry-after",
      "0",
      "--latency",
      "5",
    ]);
    const dir = await batchFile("in.jsonl", echoLines(1000));
    const concurrency = 8;
    const args = ["in.jsonl", "--concurrency", String(concurrency)];
    let kills = 0;
    while (kills < 5) {
      const batch = spawnBatch(dir, args, emulator.env);
      await sleep(300 + Math.random() * 700);
      if (batch.child.exitCode !== null) break; // finished before the kill
      batch.child.kill("SIGKILL");
      const { signal } = await batch.done;
      expect(signal).toBe("SIGKILL");
      kills++;
    }
    expect(kills).toBe(5);
    for (let rounds = 0; rounds < 10; rounds++) {
      const run = await spawnBatch(dir, args, emulator.env).done;
      expect(run.stderr).not.toContain("Interrupted");
      if ((await outputs(dir)).all.length === 1000) break;
    }
    const { results, all } = await outputs(dir);
    expectEachOnce(all, 1000);
    // Answers the emulator gave that no result holds: lines in flight at a kill, sent again.
    const stored = new Set(results.map((line) => line.response?.request_id));
    const lost = answered(await emulator.completions()).filter((entry) => !stored.has(entry.requestId));
    expect(lost.length).toBeLessThanOrEqual(concurrency * kills);
  });

  it("a 429 with Retry-After: 3 holds back every request for 3 s", async () => {
    emulator = await startEmulator(["--queue-fault", "429,retry-after=3"]);
    const dir = await batchFile("in.jsonl", echoLines(30));
    const run = await spawnBatch(dir, ["in.jsonl", "--concurrency", "8"], emulator.env).done;
    expect(run.code).toBe(0);
    const log = await emulator.completions();
    const limited = log.filter((entry) => entry.status === 429);
    expect(limited).toHaveLength(1);
    const answeredAt = (limited[0] as LoggedRequest).at + (limited[0] as LoggedRequest).ms;
    // Requests already on their way when the 429 was answered may still arrive just after it
    // (250 ms is generous on loopback); then nothing until the 3 s are over.
    const early = log.filter((entry) => entry.at <= answeredAt + 250);
    const late = log.filter((entry) => entry.at >= answeredAt + 2900);
    // Every request is one or the other: none in the gap. How many slipped in early depends on the
    // machine's load (they were sent before the 429 was read), so the test does not count them.
    expect(log.filter((entry) => !early.includes(entry) && !late.includes(entry))).toEqual([]);
    // Work resumed after the pause: the 429'd line and every line not sent early went out then.
    expect(late.length).toBeGreaterThan(0);
    expectEachOnce((await outputs(dir)).all, 30);
  });

  it("a 429 asking to wait an hour (a spent cap) stops the run cleanly; a later run finishes", async () => {
    emulator = await startEmulator(["--queue-fault", "429,retry-after=3600"]);
    const dir = await batchFile("in.jsonl", echoLines(20));
    const first = await spawnBatch(dir, ["in.jsonl", "--concurrency", "1", "--json"], emulator.env).done;
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("Stopped: the platform answered 429 and asked to wait 3600 s");
    expect(JSON.parse(first.stdout)).toMatchObject({ stopReason: "rate-limit", notRun: 20, failed: 0 });
    expect((await outputs(dir)).all).toHaveLength(0); // nothing marked done: not even as an error
    const second = await spawnBatch(dir, ["in.jsonl"], emulator.env).done;
    expect(second.code).toBe(0);
    expectEachOnce((await outputs(dir)).all, 20);
  });

  it("--budget below the file's cost: spend ≤ budget, the rest untouched, a larger budget finishes them", async () => {
    emulator = await startEmulator();
    const catalogue = (await (await fetch(`${emulator.url}/platform/v2/models`)).json()) as {
      data: {
        id: string;
        pricing?: { input: { rate_per_1m_tokens: string }; output: { rate_per_1m_tokens: string } };
      }[];
    };
    const model = "gloo-openai-gpt-5-mini";
    const pricing = catalogue.data.find((entry) => entry.id === model)?.pricing;
    if (pricing === undefined) throw new Error(`the emulator's catalogue has no price for ${model}`);
    // Replies run to max_tokens, so a line's actual cost is close to its reserved worst case.
    const lines = Array.from({ length: 40 }, (_, index) => ({
      custom_id: `req-${index}`,
      url: "/v2/chat/completions",
      body: {
        model,
        max_tokens: 40,
        messages: [{ role: "user", content: `Explain topic ${index} in detail.` }],
      },
    }));
    const dir = await batchFile("in.jsonl", lines);
    const first = await spawnBatch(
      dir,
      ["in.jsonl", "--budget", "0.002", "--concurrency", "8", "--json"],
      emulator.env,
    ).done;
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("Stopped by the budget");
    expect(first.stderr).toContain("--budget <MORE>");
    const summary = JSON.parse(first.stdout);
    expect(summary.stopReason).toBe("budget");
    const { results } = await outputs(dir);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThan(40);
    expect(summary.notRun).toBe(40 - results.length);
    // The spend recomputed here from the stored usage and the catalogue's rates, in 10^-18 USD.
    const spend = results.reduce(
      (sum, line) =>
        sum +
        BigInt(line.response?.body.usage?.prompt_tokens ?? 0) * micro(pricing.input.rate_per_1m_tokens) +
        BigInt(line.response?.body.usage?.completion_tokens ?? 0) * micro(pricing.output.rate_per_1m_tokens),
      0n,
    );
    expect(spend).toBeLessThanOrEqual(micro("0.002") * 1_000_000n);
    expect(spend).toBe(micro(summary.budget.spent) * 1_000_000n);
    // The lines not run were never sent.
    expect(answered(await emulator.completions())).toHaveLength(results.length);

    const second = await spawnBatch(dir, ["in.jsonl", "--budget", "1", "--json"], emulator.env).done;
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ alreadyDone: results.length, notRun: 0 });
    expectEachOnce((await outputs(dir)).all, 40);
    expect(answered(await emulator.completions())).toHaveLength(40);
  });

  it("--budget refuses, before any request, lines whose price is unknown", async () => {
    emulator = await startEmulator();
    const dir = await batchFile("in.jsonl", [
      ...echoLines(1, { model: "gloo-openai-gpt-5-mini", max_tokens: 10 }),
      {
        custom_id: "odd",
        url: "/v2/chat/completions",
        body: { model: "gloo-not-in-catalogue", max_tokens: 5, messages: [{ role: "user", content: "Hi" }] },
      },
    ]);
    const run = await spawnBatch(dir, ["in.jsonl", "--budget", "1"], emulator.env).done;
    expect(run.code).toBe(2);
    const bad = await spawnBatch(dir, ["in.jsonl", "--budget", "ten"], emulator.env).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--budget must be an amount of USD like 5 or 0.25, got "ten"');
    expect(run.stderr).toContain("line 2: the catalogue does not list gloo-not-in-catalogue");
    expect(run.stderr).toContain("--price IN:OUT");
    expect(await emulator.completions()).toHaveLength(0);
    const priced = await spawnBatch(
      dir,
      ["in.jsonl", "--budget", "1", "--price", "1:2", "--verbose"],
      emulator.env,
    ).done;
    // With a rate given the run goes; the emulator itself refuses the unknown model (a failed line),
    // which --verbose reports as it happens, with the request id.
    expect(priced.code).toBe(1);
    expect(priced.stderr).toMatch(/failed odd: \S+ .*gloo-not-in-catalogue.* \(request id [0-9a-f-]{36}\)/);
    expect((await outputs(dir)).errors.map((line) => line.custom_id)).toEqual(["odd"]);
  });

  it("--dry-run estimates without sending", async () => {
    emulator = await startEmulator();
    const dir = await batchFile(
      "in.jsonl",
      echoLines(10, { model: "gloo-openai-gpt-5-mini", max_tokens: 100 }),
    );
    const run = await spawnBatch(dir, ["in.jsonl", "--dry-run", "--json"], emulator.env).done;
    expect(run.code).toBe(0);
    const estimate = JSON.parse(run.stdout);
    expect(estimate).toMatchObject({
      dryRun: true,
      requests: 10,
      maxCompletionTokens: 1000,
      priceSource: "catalog",
    });
    expect(Number(estimate.worstCost)).toBeGreaterThan(Number(estimate.expectedCost));
    expect(await emulator.completions()).toHaveLength(0);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s stops sending, waits for the requests in flight, writes them and exits %i",
    async (signal, code) => {
      // The first four completions take 3 s each; the signal comes while they are in flight.
      const slow = Array.from({ length: 4 }, () => ["--queue-fault", "latency=3000"]).flat();
      emulator = await startEmulator(slow);
      const dir = await batchFile("in.jsonl", echoLines(20));
      const batch = spawnBatch(dir, ["in.jsonl", "--concurrency", "4"], emulator.env);
      // The token is the last thing before the completions go out (the log has it once answered).
      for (let waited = 0; waited < 20_000; waited += 50) {
        if ((await emulator.requests()).some((entry) => entry.path === "/oauth2/token")) break;
        await sleep(50);
      }
      await sleep(500);
      batch.child.kill(signal);
      const run = await batch.done;
      expect(run.code).toBe(code);
      expect(run.stderr).toContain("Stopping: waiting up to 10 s for 4 requests in flight");
      expect(run.stderr).toContain("Interrupted: 16 lines were not finished. Resume with the same command:");
      const { results } = await outputs(dir);
      expect(results).toHaveLength(4);
      expect(answered(await emulator.completions())).toHaveLength(4);
    },
  );

  it("--rpm 300 for 30 s: no 60 s window at the emulator holds more than 300 (+1); Ctrl-C exits 130 with a resume hint", async () => {
    emulator = await startEmulator();
    const dir = await batchFile("in.jsonl", echoLines(1000));
    const batch = spawnBatch(dir, ["in.jsonl", "--rpm", "300", "--concurrency", "32"], emulator.env);
    await sleep(30_000);
    batch.child.kill("SIGINT");
    const run = await batch.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(
      "Resume with the same command:\n  gloo batch in.jsonl --rpm 300 --concurrency 32",
    );
    expect(run.stderr).toMatch(/batch: \d+\/1000 done/); // the plain progress line (not a terminal)
    const times = (await emulator.completions()).map((entry) => entry.at);
    // An unpaced runner would have sent all 1,000 by now.
    expect(times.length).toBeGreaterThan(100);
    expect(times.length).toBeLessThanOrEqual(301);
    for (const start of times) {
      expect(times.filter((time) => time >= start && time < start + 60_000).length).toBeLessThanOrEqual(301);
      // Spread evenly: 300 a minute is 50 in any 10 s (+2 for the edges and arrival jitter).
      expect(times.filter((time) => time >= start && time < start + 10_000).length).toBeLessThanOrEqual(52);
    }
    const { all } = await outputs(dir);
    expect(new Set(all.map((line) => line.custom_id)).size).toBe(all.length);
    expect(all.length).toBe(answered(await emulator.completions()).length);
  }, 60_000);
});

// A decimal string of USD as an integer count of 10^-12 USD.
function micro(text: string): bigint {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(`${whole}${fraction.padEnd(12, "0").slice(0, 12)}`);
}
