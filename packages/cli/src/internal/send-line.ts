// How a `gloo worker` sends one batch line: the SDK with its retries off (the queue retries, and a
// 429 must pause the whole fleet, not one process), its outcome sorted for the fleet's worker. The
// output lines are the SDK batch runner's own (`resultLine`, `failureLine`).
import type { LineOutcome, SendLine } from "@gloo-toolkit/fleet";
import {
  type ChatCompletion,
  type ChatCompletionCreateParamsNonStreaming,
  type ChatCompletionCreateParamsV2NonStreaming,
  failureLine,
  type Gloo,
  isRetryableStatus,
  resultLine,
  retryHintMs,
} from "@gloo-toolkit/sdk";

/** Pause after a 429 that names no wait. */
const DEFAULT_PAUSE_MS = 5_000;

/** Prices an answer in nano-dollars (budgeted runs); undefined when it cannot (the worst case is kept). */
export type LineCost = (completion: ChatCompletion) => number | undefined;

/** A sender over `gloo`. */
export function sendLineWith(gloo: Gloo, cost: LineCost): SendLine {
  return async (job, signal): Promise<LineOutcome> => {
    // The body was checked by the SDK's checkBatchRequest at submission (stream: true refused).
    const body = job.body as ChatCompletionCreateParamsV2NonStreaming &
      ChatCompletionCreateParamsNonStreaming;
    const options = { signal, maxRetries: 0 };
    try {
      const completion =
        job.api === "v2"
          ? await gloo.v2.chat.completions.create(body, options)
          : await gloo.chat.completions.create(body, options);
      const line = JSON.stringify(resultLine(job.customId, completion));
      return { kind: "output", output: { kind: "result", line }, cost: cost(completion) };
    } catch (error) {
      const failure = failureLine(job.customId, error);
      const output = { kind: "error" as const, line: JSON.stringify(failure.line) };
      if (failure.status === 429) {
        const hint = failure.headers === undefined ? undefined : retryHintMs(failure.headers, Date.now());
        return { kind: "rate_limited", retryAfterMs: hint ?? DEFAULT_PAUSE_MS };
      }
      // The platform's own verdict first; without one, the SDK's rule (408, 409, 5xx, no answer).
      const retryable =
        failure.retryable ?? (failure.status === undefined || isRetryableStatus(failure.status));
      return retryable
        ? { kind: "retry", error: error as Error, output }
        : { kind: "output", output, cost: undefined };
    }
  };
}
