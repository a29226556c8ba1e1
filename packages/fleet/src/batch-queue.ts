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
  /** The outputs, in the input's order. */
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
  const done = new Set(await redis.hkeys(keys.outputs));
  const pending = lines.filter((line) => !done.has(line.customId));
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
  const order = new Map(lines.map((line, index) => [line.customId, index]));
  return {
    runId,
    enqueued: pending.length - queued,
    alreadyQueued: queued,
    alreadyDone: lines.length - pending.length,
    async progress() {
      const [[results, errors], held] = await Promise.all([
        redis.hmget(keys.meta, "result", "error").then((counts) => counts.map(Number)),
        redis.scard(keys.held),
      ]);
      const [r = 0, e = 0] = [results, errors];
      return { total: lines.length, results: r, errors: e, held, finished: r + e + held >= lines.length };
    },
    async outputs() {
      const all = await redis.hgetall(keys.outputs);
      return Object.entries(all)
        .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
        .map(([, text]) => JSON.parse(text) as BatchOutput);
    },
    close: () => queue.close(),
  };
}

async function countExisting(redis: Redis, keys: string[]): Promise<number> {
  let count = 0;
  for (let i = 0; i < keys.length; i += 1000) count += await redis.exists(...keys.slice(i, i + 1000));
  return count;
}
