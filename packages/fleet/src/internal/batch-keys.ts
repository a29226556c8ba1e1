// Where one batch run lives in Redis, and the job ids of its lines. Shared by the submitter and
// the workers, so both name the same keys.
import { createHash } from "node:crypto";

/** The BullMQ queue every `gloo worker` serves, and the key prefix of the toolkit. */
export const QUEUE_NAME = "gloo-batch";
export const PREFIX = "gloo";

/** One line of a batch as a job carries it. */
export interface BatchJobData {
  runId: string;
  customId: string;
  api: "v1" | "v2";
  body: unknown;
  /** The line's worst-case cost in nano-dollars, reserved against the run's budget before sending. */
  worstCase: number;
}

/** What a finished line left: one output line for the results or the errors file. */
export interface BatchOutput {
  kind: "result" | "error";
  /** The JSON line, without its newline. */
  line: string;
}

/** The Redis keys of one run. */
export function runKeys(runId: string) {
  const base = `${PREFIX}:batch:${runId}`;
  return {
    /** Hash: custom_id → the JSON of its {@link BatchOutput}; written once per custom_id. */
    outputs: `${base}:outputs`,
    /** Set: custom_ids the budget stopped (not sent; a re-run with a larger budget sends them). */
    held: `${base}:held`,
    /** Hash: total, budget (nano-dollars, absent without one). */
    meta: `${base}:meta`,
    /** The name of the run's budget (`createRedisBudget`). */
    budget: `batch:${runId}`,
  };
}

/**
 * A stable job id for a line: the run and a hash of its custom_id. BullMQ refuses custom ids that
 * are whole numbers or contain `:` (job.js: "Custom Id cannot be integers" / "cannot contain :"),
 * and a custom_id may be either, so it is hashed; the run id keeps two files' lines apart.
 */
export function jobId(runId: string, customId: string): string {
  return `${runId}.${createHash("sha256").update(customId).digest("hex").slice(0, 32)}`;
}

/** A run's id from the bytes of its input file: the same file is the same run, wherever it is submitted. */
export function runIdOf(file: Uint8Array | string): string {
  return `run-${createHash("sha256").update(file).digest("hex").slice(0, 20)}`;
}
