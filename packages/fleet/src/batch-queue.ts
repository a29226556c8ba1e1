import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  type BatchJobData,
  type BatchOutput,
  jobId,
  PREFIX,
  QUEUE_NAME,
  runKeys,
} from "./internal/batch-keys.js";

/** One validated line to enqueue. */
export interface QueuedLine {
  customId: string;
  api: "v1" | "v2";
  body: unknown;
  /** Worst-case cost in nano-dollars (0 without a budget). */
  worstCase: number;
}

/** Options of {@link submitBatch}. */
export interface SubmitOptions {
  /** The run's id: the same input file gives the same id, so a re-run re-attaches (`runIdOf`). */
  runId: string;
  lines: readonly QueuedLine[];
  /** Requests per minute for the whole fleet, enforced by BullMQ's global limiter. @default none */
  rpm?: number | undefined;
  /** The run's spend budget in nano-dollars. @default none */
  budget?: number | undefined;
  /** Attempts per line for retryable failures (5xx, connection errors). @default 4 */
  attempts?: number;
}

/** Counts of a run's lines. */
export interface BatchProgress {
  total: number;
  results: number;
  errors: number;
  /** Lines the budget stopped before sending. */
  held: number;
  /** Whether every line has an outcome (an output, or held by the budget). */
  finished: boolean;
}

/** A submitted run, to follow until it finishes and read its outputs. */
export interface BatchRun {
  readonly runId: string;
  /** Lines this submission added to the queue. */
  readonly enqueued: number;
  /** Lines already in the queue from an earlier submission (re-attached, not added again). */
  readonly alreadyQueued: number;
  /** Lines that already had an output when this submission started. */
  readonly alreadyDone: number;
  progress(): Promise<BatchProgress>;
  /** The outputs of this submission's lines, in their order. */
  outputs(): Promise<BatchOutput[]>;
  close(): Promise<void>;
}

/**
 * Enqueues every line of a run that has no output yet, with job id = run + custom_id, so enqueueing
 * twice adds nothing ("adding a job with an existing ID will be ignored", BullMQ's job-id rule) and
 * a re-run re-attaches to the jobs still queued. Lines the budget stopped last time are sent again
 * (with this submission's budget). `rpm` becomes the queue's global rate limit: one job every
 * 60000/rpm ms across all workers, so no 60 s window holds more than rpm (+1) requests.
 */
export async function submitBatch(redis: Redis, options: SubmitOptions): Promise<BatchRun> {
  const { runId, lines } = options;
  const keys = runKeys(runId);
  const queue = new Queue<BatchJobData>(QUEUE_NAME, { connection: redis, prefix: PREFIX });
  await queue.waitUntilReady();
  // Without --rpm the limit is a million jobs a second, i.e. none; but some limit must be set for a
  // worker's pause after a 429 (queue.rateLimit) to hold: BullMQ checks the pause against it.
  if (options.rpm === undefined) await queue.setGlobalRateLimit(1_000_000, 1000);
  else await queue.setGlobalRateLimit(1, Math.ceil(60_000 / options.rpm));
  const meta: Record<string, string> = { total: String(lines.length) };
  if (options.budget !== undefined) meta.budget = String(options.budget);
  await redis.hset(keys.meta, meta);
  if (options.budget === undefined) await redis.hdel(keys.meta, "budget");
  // Lines answered by an earlier submission are not sent again; their outputs count from the start.
  const { earlier, base } = await snapshot(
    redis,
    keys,
    lines.map((line) => line.customId),
  );
  const pending = lines.filter((line) => !earlier.has(line.customId));
  let earlierErrors = 0;
  for (const output of earlier.values()) if (output.kind === "error") earlierErrors++;
  // Lines held by the budget last time completed without an output: their jobs are gone, so they
  // are simply added again below.
  await redis.del(keys.held);
  const ids = pending.map((line) => jobId(runId, line.customId));
  const queued = await countExisting(
    redis,
    ids.map((id) => `${PREFIX}:${QUEUE_NAME}:${id}`),
  );
  const attempts = options.attempts ?? 4;
  for (let i = 0; i < pending.length; i += 500) {
    await queue.addBulk(
      pending.slice(i, i + 500).map((line) => ({
        name: "line",
        data: { runId, customId: line.customId, api: line.api, body: line.body, worstCase: line.worstCase },
        opts: {
          jobId: jobId(runId, line.customId),
          attempts,
          backoff: { type: "exponential", delay: 1000 },
          // The output lives in the run's hash; the job itself is not needed once finished.
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
  return {
    runId,
    enqueued: pending.length - queued,
    alreadyQueued: queued,
    alreadyDone: earlier.size,
    // Outputs written since this submission (each custom_id counts once: HSETNX), plus earlier ones.
    async progress() {
      const [now, held] = await Promise.all([counters(redis, keys.meta), redis.scard(keys.held)]);
      const errors = earlierErrors + now.error - base.error;
      const results = earlier.size - earlierErrors + now.result - base.result;
      return {
        total: lines.length,
        results,
        errors,
        held,
        finished: results + errors + held >= lines.length,
      };
    },
    async outputs() {
      const all = await outputsOf(
        redis,
        keys.outputs,
        lines.map((line) => line.customId),
      );
      return [...all.values()];
    },
    close: () => queue.close(),
  };
}

async function countExisting(redis: Redis, keys: string[]): Promise<number> {
  let count = 0;
  for (let i = 0; i < keys.length; i += 1000) count += await redis.exists(...keys.slice(i, i + 1000));
  return count;
}

async function counters(redis: Redis, meta: string): Promise<{ result: number; error: number }> {
  const [result, error] = await redis.hmget(meta, "result", "error");
  return { result: Number(result ?? 0), error: Number(error ?? 0) };
}

// The outputs written for these custom_ids so far, in their order.
async function outputsOf(redis: Redis, hash: string, ids: string[]): Promise<Map<string, BatchOutput>> {
  const found = new Map<string, BatchOutput>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const values = await redis.hmget(hash, ...chunk);
    values.forEach((value, j) => {
      if (value !== null) found.set(chunk[j] as string, JSON.parse(value) as BatchOutput);
    });
  }
  return found;
}

// The outputs already written for these custom_ids and the counters, read in one transaction so
// that an output landing meanwhile is counted exactly once (in one or in the other).
async function snapshot(redis: Redis, keys: ReturnType<typeof runKeys>, ids: string[]) {
  const replies = await redis
    .multi()
    .hmget(keys.meta, "result", "error")
    .hmget(keys.outputs, ...ids)
    .exec();
  const [counts, values] = (replies ?? []).map(([error, value]) => {
    if (error) throw error;
    return value as (string | null)[];
  });
  const earlier = new Map<string, BatchOutput>();
  (values ?? []).forEach((value, i) => {
    if (value !== null) earlier.set(ids[i] as string, JSON.parse(value) as BatchOutput);
  });
  return { earlier, base: { result: Number(counts?.[0] ?? 0), error: Number(counts?.[1] ?? 0) } };
}
