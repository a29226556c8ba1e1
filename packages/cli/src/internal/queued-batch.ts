// `gloo batch FILE --queue redis://…`: the file's lines go to a Redis queue that `gloo worker`s on any
// number of hosts process; this process follows the run and appends the outputs to the same results
// and errors files as a single-host run (so either mode resumes the other). Killed and run again
// with the same file, it re-attaches: the run's id comes from the file's bytes.
import { readFile } from "node:fs/promises";
import type { BatchOutputLine } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { ExitCode } from "../errors.js";
import type { InputLine } from "./batch-input.js";
import type { BatchOutput } from "./batch-output.js";
import { openRedis } from "./redis.js";
import { formatUsd } from "./shared-limits.js";

/** What the queue mode needs from `gloo batch`. */
export interface QueuedBatchOptions {
  file: string;
  queue: string;
  /** The lines not yet in the results or errors file. */
  pending: readonly InputLine[];
  output: BatchOutput;
  rpm: number | undefined;
  /** The run's budget in nano-dollars, and each line's worst case in nano-dollars. */
  budget: { limit: number; worstCase: (line: InputLine) => number } | undefined;
  json: boolean;
  /** How often progress is checked, in ms. @default 1000 */
  pollMs?: number;
}

export async function runQueuedBatch(ctx: CommandContext, options: QueuedBatchOptions): Promise<number> {
  const redis = await openRedis(options.queue);
  const { redacted, runIdOf, submitBatch } = await import("@gloo-toolkit/fleet");
  try {
    const started = performance.now();
    const run = await submitBatch(redis, {
      runId: runIdOf(await readFile(options.file)),
      lines: options.pending.map((line) => ({
        customId: line.request.customId,
        api: line.request.api,
        body: line.request.body,
        worstCase: options.budget?.worstCase(line) ?? 0,
      })),
      rpm: options.rpm,
      budget: options.budget?.limit,
    });
    ctx.stderr.write(
      `Run ${run.runId}: ${run.enqueued} line(s) queued, ${run.alreadyQueued} already queued, ${run.alreadyDone} already done. Workers: gloo worker --queue ${redacted(new URL(options.queue))}\n`,
    );
    let progress = await run.progress();
    let shown = "";
    while (!progress.finished && !ctx.signal.aborted) {
      await sleep(options.pollMs ?? 1000, ctx.signal);
      progress = await run.progress();
      const line = `${progress.results + progress.errors + progress.held}/${progress.total} done (${progress.errors} failed, ${progress.held} held by the budget)`;
      if (line !== shown) ctx.stderr.write(`${line}\n`);
      shown = line;
    }
    if (!progress.finished) {
      await run.close();
      ctx.stderr.write(
        "Interrupted. The workers carry on; run the same command again to follow the run and write the files.\n",
      );
      return ExitCode.interrupted;
    }
    for (const output of await run.outputs())
      await options.output.append(output.kind === "result", JSON.parse(output.line) as BatchOutputLine);
    await run.close();
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const summary = {
      file: options.file,
      run: run.runId,
      lines: progress.total,
      succeeded: progress.results,
      failed: progress.errors,
      held: progress.held,
      seconds,
    };
    if (options.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
    const held =
      progress.held === 0
        ? ""
        : `, ${progress.held} not sent: the budget${options.budget === undefined ? "" : ` of ${formatUsd(options.budget.limit)}`} is used up (run again with a larger --budget to send them)`;
    ctx.stderr.write(`${progress.results} succeeded, ${progress.errors} failed${held}.\n`);
    return progress.errors > 0 || progress.held > 0 ? ExitCode.failure : ExitCode.ok;
  } finally {
    redis.disconnect();
  }
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
