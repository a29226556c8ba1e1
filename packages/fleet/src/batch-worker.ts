import { failureLine } from "@gloo-toolkit/sdk";
import { type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { createRedisBudget } from "./budget.js";
import { type BatchJobData, type BatchOutput, PREFIX, QUEUE_NAME, runKeys } from "./internal/batch-keys.js";

/** What sending one line gave. */
export type LineOutcome =
  /** A final output (a result, or an error not worth retrying); `cost` in nano-dollars when known. */
  | { kind: "output"; output: BatchOutput; cost: number | undefined }
  /** The platform said 429: pause the whole fleet for `retryAfterMs`, then send the line again. */
  | { kind: "rate_limited"; retryAfterMs: number }
  /** A failure worth retrying (5xx, connection); `output` is what to record if no attempt is left. */
  | { kind: "retry"; error: Error; output: BatchOutput };

/** Sends one line to the platform; the worker owns queueing, budget and idempotency around it. */
export type SendLine = (job: BatchJobData, signal: AbortSignal) => Promise<LineOutcome>;

/** Options of {@link startBatchWorker}. */
export interface BatchWorkerOptions {
  send: SendLine;
  /** Lines in flight at once in this process. @default 8 */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal (renewed every half of it while this process
   * lives): after a crash, the job runs again elsewhere once it lapses. @default 15000
   */
  lockDurationMs?: number;
  /** Called after each finished line (for a log). @default none */
  onLine?: (event: {
    customId: string;
    kind: BatchOutput["kind"] | "held" | "rate_limited" | "skipped";
  }) => void;
}

/** A running worker. */
export interface BatchWorker {
  /** Stops taking jobs, lets the ones in flight finish (or, with `force`, returns them to the queue). */
  close(force?: boolean): Promise<void>;
}

// Writes a line's output unless one exists (at-least-once delivery: a stalled job may run twice, but
// only the first output counts), and counts it. Returns 1 when written.
const WRITE_OUTPUT = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
  return 1
end
return 0
`;

/**
 * Processes batch lines from the queue on this host: for each job, skip it if its custom_id already
 * has an output; reserve its worst case against the run's budget (not sent, and marked held, when it
 * does not fit); send; settle or release; write the output once. A 429 pauses every worker on every
 * host for its Retry-After (`queue.rateLimit`), and the line goes back to the queue without using an
 * attempt (`Worker.RateLimitError`).
 * @example
 * const worker = await startBatchWorker(redis, { send, concurrency: 16 });
 * process.on("SIGTERM", () => worker.close());
 */
export async function startBatchWorker(redis: Redis, options: BatchWorkerOptions): Promise<BatchWorker> {
  const queue = new Queue<BatchJobData>(QUEUE_NAME, { connection: redis, prefix: PREFIX });
  const lockDuration = options.lockDurationMs ?? 15_000;
  const handle = async (job: Job<BatchJobData>, _token?: string, signal?: AbortSignal) => {
    const data = job.data;
    const keys = runKeys(data.runId);
    const report = (kind: Parameters<NonNullable<BatchWorkerOptions["onLine"]>>[0]["kind"]) =>
      options.onLine?.({ customId: data.customId, kind });
    if ((await redis.hexists(keys.outputs, data.customId)) === 1) return report("skipped");
    // A job taken just before another worker's 429 paused the queue waits for the pause too. The
    // pause sets BullMQ's limiter counter to MAX_SAFE_INTEGER, so asking with that maximum tells a
    // pause from the ordinary --rpm spacing.
    if ((await queue.getRateLimitTtl(Number.MAX_SAFE_INTEGER)) > 0) {
      report("rate_limited");
      throw Worker.RateLimitError();
    }
    const limit = await redis.hget(keys.meta, "budget");
    const budget =
      limit === null ? undefined : createRedisBudget(redis, { name: keys.budget, limit: Number(limit) });
    if (budget !== undefined && !(await budget.reserve(job.id ?? data.customId, data.worstCase)).granted) {
      await redis.sadd(keys.held, data.customId);
      return report("held");
    }
    const reservation = job.id ?? data.customId;
    let outcome: LineOutcome;
    try {
      outcome = await options.send(data, signal ?? new AbortController().signal);
    } catch (error) {
      await budget?.release(reservation);
      throw error;
    }
    if (outcome.kind === "rate_limited") {
      await budget?.release(reservation);
      await queue.rateLimit(outcome.retryAfterMs);
      report("rate_limited");
      throw Worker.RateLimitError();
    }
    if (outcome.kind === "retry") {
      await budget?.release(reservation);
      const attempts = job.opts.attempts ?? 1;
      if (job.attemptsMade + 1 < attempts) throw outcome.error;
      await writeOutput(redis, keys, data.customId, outcome.output);
      return report(outcome.output.kind);
    }
    // A refused line cost nothing; an answer without usage is recorded at its worst case.
    if (outcome.output.kind === "error") await budget?.release(reservation);
    else await budget?.settle(reservation, outcome.cost ?? data.worstCase);
    await writeOutput(redis, keys, data.customId, outcome.output);
    report(outcome.output.kind);
  };
  const worker = new Worker<BatchJobData>(QUEUE_NAME, handle, {
    connection: redis,
    prefix: PREFIX,
    concurrency: options.concurrency ?? 8,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 3)),
    maxStalledCount: 3,
  });
  // Connection errors are retried by ioredis; an unhandled 'error' event would end the process.
  worker.on("error", () => {});
  // A job that failed for good (its attempts used up by errors outside the platform's answer, e.g.
  // Redis away mid-job, or stalled too often) still owes its line an output, or the run would
  // never finish: the error goes to the errors file like any failed request.
  worker.on("failed", (job, error) => {
    if (job === undefined || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    const line = JSON.stringify(failureLine(job.data.customId, error).line);
    writeOutput(redis, runKeys(job.data.runId), job.data.customId, { kind: "error", line }).catch(() => {});
  });
  await worker.waitUntilReady();
  return {
    async close(force = false) {
      await worker.close(force);
      await queue.close();
    },
  };
}

async function writeOutput(
  redis: Redis,
  keys: ReturnType<typeof runKeys>,
  customId: string,
  output: BatchOutput,
): Promise<void> {
  await redis.eval(WRITE_OUTPUT, 2, keys.outputs, keys.meta, customId, JSON.stringify(output), output.kind);
}
