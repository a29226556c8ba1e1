// How a `gloo worker` sends one batch line: the SDK with its retries off (the queue retries, and a
// 429 must pause the whole fleet, not one process), its outcome sorted for the fleet's worker.
import type { LineOutcome, SendLine } from "@gloo-toolkit/fleet";
import { APIConnectionError, APIError, type Gloo, isRetryableStatus, retryHintMs } from "@gloo-toolkit/sdk";
import { errorLine, resultLine } from "./batch-lines.js";

/** Pause after a 429 that names no wait. */
const DEFAULT_PAUSE_MS = 5_000;

/** A sender over `gloo`; `cost` prices an answer in nano-dollars from its usage (budgeted runs). */
export function sendLineWith(
  gloo: Gloo,
  cost: (
    body: unknown,
    usage: { prompt_tokens: number; completion_tokens: number },
    model: string | undefined,
  ) => number | undefined,
): SendLine {
  return async (job, signal): Promise<LineOutcome> => {
    const params = job.body as never;
    try {
      const create =
        job.api === "v2"
          ? gloo.v2.chat.completions.create(params, { signal, maxRetries: 0 })
          : gloo.chat.completions.create(params, { signal, maxRetries: 0 });
      const completion = (await create) as {
        requestId: string | undefined;
        model?: string;
        usage?: { prompt_tokens: number; completion_tokens: number };
      };
      const usage = completion.usage;
      return {
        kind: "output",
        output: { kind: "result", line: resultLine(job.customId, completion.requestId, completion) },
        cost: usage === undefined ? undefined : cost(job.body, usage, completion.model),
      };
    } catch (error) {
      return failure(job.customId, error);
    }
  };
}

function failure(customId: string, error: unknown): LineOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof APIError) {
    const response = { status: error.status, requestId: error.requestId, body: error.body };
    const output = {
      kind: "error" as const,
      line: errorLine(customId, { code: String(error.code ?? error.status), message }, response),
    };
    if (error.status === 429)
      return {
        kind: "rate_limited",
        retryAfterMs: retryHintMs(error.headers, Date.now()) ?? DEFAULT_PAUSE_MS,
      };
    const retryable = error.retryable ?? isRetryableStatus(error.status);
    return retryable ? { kind: "retry", error, output } : { kind: "output", output, cost: undefined };
  }
  const output = {
    kind: "error" as const,
    line: errorLine(customId, {
      code: error instanceof APIConnectionError ? "connection_error" : "request_failed",
      message,
    }),
  };
  if (error instanceof APIConnectionError) return { kind: "retry", error, output };
  // The SDK's guard refused the body, or another mistake no retry can fix.
  return { kind: "output", output, cost: undefined };
}
