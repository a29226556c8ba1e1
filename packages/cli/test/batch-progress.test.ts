// Progress on stderr: cli-progress's bar on a terminal, a plain line elsewhere.
import type { BatchStats } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import { progressLine, startProgress } from "../src/internal/batch-progress.js";
import { capture } from "./helpers/cli.js";

const stats = (extra: Partial<BatchStats> = {}): BatchStats => ({
  started: 5,
  succeeded: 3,
  failed: 1,
  inFlight: 1,
  retries: 2,
  rateLimited: 1,
  promptTokens: 1200,
  completionTokens: 300,
  cost: "0.0015",
  unpriced: 0,
  concurrency: 4,
  pausedMs: 0,
  ...extra,
});

describe("batch progress", () => {
  it("draws a bar with done/total and the details on a terminal", () => {
    const stderr = capture(true);
    const progress = startProgress(stderr, {}, { total: 10, stats: () => stats() });
    progress.stop();
    const text = stderr.text();
    expect(text).toContain("4/10");
    expect(text).toContain("1 failed, 1 in flight");
    expect(text).toContain("1,500 tokens, $0.0015 spent");
    expect(text).toMatch(/[█░]{10,}/);
  });

  it("writes nothing until its interval elsewhere, and plain text only", () => {
    const stderr = capture(false);
    startProgress(stderr, {}, { total: 10, stats: () => stats() }).stop();
    expect(stderr.text()).toBe("");
    const line = progressLine(
      { total: 10, stats: () => stats({ pausedMs: 2500 }) },
      performance.now() - 2000,
    );
    expect(line).toMatch(
      /^batch: 4\/10 done, 1 failed, 1 in flight, \d+\.\d req\/s, 1,500 tokens, \$0\.0015 spent, paused 2\.5 s \(429\)$/,
    );
    expect(line).not.toContain("\u001b");
  });
});
