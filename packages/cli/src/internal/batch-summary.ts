// `gloo batch`'s end-of-run summary (stderr, or one JSON object with --json) and the dry run's report.
import type { BatchStats, BatchStopReason } from "@gloo-toolkit/sdk";
import type { FileEstimate } from "./batch-pricing.js";

/** The summary of a run; `--json` prints exactly this. Money is exact decimal strings in USD. */
export interface BatchSummary {
  file: string;
  results: string;
  errors: string;
  /** Requests in the file. */
  lines: number;
  /** Lines found in the results or errors file before this run (not sent again). */
  alreadyDone: number;
  succeeded: number;
  failed: number;
  /** Failed lines in the errors file, earlier runs included. */
  failedTotal: number;
  /** Lines this run did not finish (budget, Ctrl-C): a re-run sends them. */
  notRun: number;
  stopReason: BatchStopReason | null;
  /** With stop reason `rate-limit`: how long the platform asked to wait, in seconds. */
  rateLimitWaitSeconds: number | null;
  retries: number;
  rateLimited: number;
  promptTokens: number;
  completionTokens: number;
  /** Estimated cost of this run's priced results. */
  cost: string;
  costUnknownLines: number;
  /** Spent by earlier runs on this file (from the results file). */
  spentBefore: string | null;
  budget: BatchStats["budget"] | null;
  wallSeconds: number;
  requestsPerSecond: number;
  /** Partial last lines (a run killed mid-write) cut off before this run appended. */
  repairedPartialLines: number;
}

/** The summary for people, ending with what to do next when the run did not finish. */
export function summaryText(summary: BatchSummary, resume: string): string {
  const lines = [
    `batch: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.notRun} not run` +
      (summary.alreadyDone > 0 ? ` (${summary.alreadyDone} done by earlier runs)` : "") +
      ` in ${summary.wallSeconds.toFixed(1)} s (${summary.requestsPerSecond} req/s)`,
    `  retries ${summary.retries}, rate limited ${summary.rateLimited}, tokens ${summary.promptTokens} prompt + ${summary.completionTokens} completion`,
    `  cost (estimate from the catalogue's rates) $${summary.cost}` +
      (summary.costUnknownLines > 0 ? `, unknown for ${summary.costUnknownLines} lines` : "") +
      (summary.budget ? `; budget $${summary.budget.limit}, spent $${summary.budget.spent} in all` : ""),
    `  results: ${summary.results}`,
  ];
  if (summary.failedTotal > 0) lines.push(`  errors:  ${summary.errors} (${summary.failedTotal} lines)`);
  if (summary.stopReason === "budget") {
    lines.push(
      `Stopped by the budget: ${summary.notRun} lines were not sent. Re-run with a larger --budget to finish them:`,
      `  ${resume.replace(/--budget\s+\S+/, "--budget <MORE>")}`,
    );
  } else if (summary.stopReason === "rate-limit") {
    const wait = summary.rateLimitWaitSeconds ?? 0;
    lines.push(
      `Stopped: the platform answered 429 and asked to wait ${wait} s (over a minute: a spending limit, or the rate limit of your plan).`,
      `${summary.notRun} lines were not sent. Run the same command again after that to finish them:`,
      `  ${resume}`,
    );
  } else if (summary.notRun > 0) {
    lines.push(
      `Interrupted: ${summary.notRun} lines were not finished. Resume with the same command:`,
      `  ${resume}`,
    );
  }
  if (summary.failedTotal > 0) {
    lines.push(`To retry the failed lines, move ${summary.errors} away and run the same command again.`);
  }
  return `${lines.join("\n")}\n`;
}

/** The dry run's report. */
export function dryRunText(file: string, estimate: FileEstimate): string {
  const source = estimate.priceSource === "offline" ? " (the emulator's placeholder prices)" : "";
  const lines = [
    `dry run: ${file} is valid; nothing was sent.`,
    `  requests ${estimate.requests}, prompt tokens ≈ ${estimate.promptTokens}, completion tokens ≤ ${estimate.maxCompletionTokens} (lines with max_tokens)`,
    estimate.worstCost === null
      ? "  cost: unknown"
      : `  cost${source}: worst case $${estimate.worstCost}, expected ≈ $${estimate.expectedCost}` +
        (estimate.unpricedCount > 0
          ? ` (over the ${estimate.requests - estimate.unpricedCount} priced lines)`
          : ""),
  ];
  if (estimate.unpricedCount > 0) {
    lines.push(`  ${estimate.unpricedCount} lines cannot be priced:`);
    for (const entry of estimate.unpriced) lines.push(`    line ${entry.line}: ${entry.reason}`);
    lines.push("  (--price IN:OUT gives models without a rate one; --budget needs every line priced)");
  }
  return `${lines.join("\n")}\n`;
}
