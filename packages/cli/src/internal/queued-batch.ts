// `gloo batch FILE --queue redis://…`: the file's lines go to a Redis queue that `gloo worker`s on any
// number of hosts process; this process follows the run and writes the same results and errors
// files as a single-host run. Killed and run again with the same file, it re-attaches.
import { rename, writeFile } from "node:fs/promises";
import type { Model } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { ExitCode, FailureError } from "../errors.js";
import { readBatchFile } from "./batch-lines.js";
import { catalogPricing } from "./catalogue-pricing.js";
import { createAnonymousClient } from "./client.js";
import type { Settings } from "./credentials.js";
import { openRedis } from "./redis.js";
import { formatUsd } from "./shared-limits.js";

/** What the queue mode needs from `gloo batch`'s flags. */
export interface QueuedBatchOptions {
  file: string;
  queue: string;
  api: "v1" | "v2";
  results: string;
  errors: string;
  rpm: number | undefined;
  /** Nano-dollars. */
  budget: number | undefined;
  json: boolean;
  settings: Settings;
  /** How often progress is checked and printed, in ms. @default 1000 */
  pollMs?: number;
}

export async function runQueuedBatch(ctx: CommandContext, options: QueuedBatchOptions): Promise<number> {
  const { lines, bytes } = await readBatchFile(options.file, options.api);
  const worstCase = options.budget === undefined ? undefined : await pricingFor(ctx, options.settings);
  const redis = await openRedis(options.queue);
  const { redacted, runIdOf, submitBatch } = await import("@gloo-toolkit/fleet");
  try {
    const run = await submitBatch(redis, {
      runId: runIdOf(bytes),
      lines: lines.map((line) => ({ ...line, worstCase: worstCase?.(line.api, line.body) ?? 0 })),
      rpm: options.rpm,
      budget: options.budget,
    });
    ctx.stderr.write(
      `Run ${run.runId}: ${run.enqueued} line(s) queued, ${run.alreadyQueued} already queued, ${run.alreadyDone} already done. Workers: gloo worker --queue ${redacted(new URL(options.queue))}\n`,
    );
    const started = performance.now();
    let progress = await run.progress();
    let lastLine = "";
    while (!progress.finished && !ctx.signal.aborted) {
      await sleep(options.pollMs ?? 1000, ctx.signal);
      progress = await run.progress();
      const line = `${progress.results + progress.errors + progress.held}/${progress.total} done (${progress.errors} failed, ${progress.held} held by the budget)`;
      if (line !== lastLine) ctx.stderr.write(`${line}\n`);
      lastLine = line;
    }
    if (!progress.finished) {
      ctx.stderr.write(
        `Interrupted. The workers carry on; run the same command again to follow the run and write the files.\n`,
      );
      await run.close();
      return ExitCode.interrupted;
    }
    const outputs = await run.outputs();
    await writeAtomically(
      options.results,
      outputs
        .filter((o) => o.kind === "result")
        .map((o) => `${o.line}\n`)
        .join(""),
    );
    await writeAtomically(
      options.errors,
      outputs
        .filter((o) => o.kind === "error")
        .map((o) => `${o.line}\n`)
        .join(""),
    );
    await run.close();
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      run: run.runId,
      total: progress.total,
      succeeded: progress.results,
      failed: progress.errors,
      held: progress.held,
      results: options.results,
      errors: options.errors,
      seconds,
    };
    if (options.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
    ctx.stderr.write(
      `${progress.results} succeeded, ${progress.errors} failed${progress.held > 0 ? `, ${progress.held} not sent: the budget${options.budget === undefined ? "" : ` of ${formatUsd(options.budget)}`} is used up (run again with a larger --budget to send them)` : ""}. Results: ${options.results}; errors: ${options.errors}.\n`,
    );
    return progress.errors > 0 || progress.held > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    redis.disconnect();
  }
}

async function pricingFor(ctx: CommandContext, settings: Settings) {
  const gloo = createAnonymousClient(ctx, settings);
  let models: Model[];
  try {
    models = (await gloo.models.list({ signal: ctx.signal })).data;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FailureError(`--budget needs the model catalogue's rates, and it could not be read: ${reason}`);
  }
  const pricing = catalogPricing(models);
  return (api: "v1" | "v2", body: unknown) => pricing.worstCase(api, body);
}

// A results file is whole or absent: written beside, then renamed over.
async function writeAtomically(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
