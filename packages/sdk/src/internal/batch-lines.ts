// A batch's output lines in OpenAI's request-output shape
// (platform.openai.com/docs/api-reference/batch/request-output): success, failure after retries,
// and a line refused before sending.
import type { BatchOutcome, BatchOutputLine } from "../batch.js";
import type { BatchRequest, BatchRequestInput } from "../batch-request.js";
import { APIConnectionError, APIConnectionTimeoutError, APIError, GlooError } from "../errors.js";
import type { ChatCompletion } from "../types.js";

/** What the batch needs to know about a failed attempt. */
export interface Failure {
  status?: number;
  retryable?: boolean | undefined;
  headers?: Headers;
  code: string;
  message: string;
  requestId: string | null;
  body?: unknown;
}

/** Reads what the SDK threw into a {@link Failure}. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof APIError) {
    return {
      status: error.status,
      retryable: error.retryable,
      headers: error.headers,
      code: error.code === undefined ? `http_${error.status}` : String(error.code),
      message: error.message,
      requestId: error.requestId ?? null,
      body: error.body,
    };
  }
  if (error instanceof APIConnectionError) {
    const code = error instanceof APIConnectionTimeoutError ? "timeout" : "connection_error";
    return { code, message: error.message, requestId: null };
  }
  // Anything else (a 2xx that is not JSON, a bug) is not worth retrying.
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof GlooError ? "invalid_response" : "internal_error";
  return { retryable: false, code, message, requestId: null };
}

/** The result line of an answered request. */
export function successLine(
  request: BatchRequest,
  completion: ChatCompletion,
  random: () => number,
): BatchOutputLine {
  const requestId = (completion as { requestId?: string }).requestId ?? null;
  return {
    id: batchLineId(random),
    custom_id: request.customId,
    response: { status_code: 200, request_id: requestId, body: completion },
    error: null,
  };
}

/** The error line of a request that failed after its retries: the platform's answer when there was one. */
export function failedOutcome(
  request: BatchRequest,
  failure: Failure,
  retries: number,
  random: () => number,
): BatchOutcome {
  const response =
    failure.status === undefined
      ? null
      : { status_code: failure.status, request_id: failure.requestId, body: failure.body ?? null };
  return {
    ok: false,
    line: {
      id: batchLineId(random),
      custom_id: request.customId,
      response,
      error: { code: failure.code, message: failure.message },
    },
    retries,
  };
}

/** The error line of an input line that failed its checks (nothing was sent). */
export function invalidOutcome(
  input: BatchRequestInput,
  problems: string[],
  random: () => number,
): BatchOutcome {
  const customId = typeof input?.custom_id === "string" ? input.custom_id : "";
  return {
    ok: false,
    line: {
      id: batchLineId(random),
      custom_id: customId,
      response: null,
      error: { code: "invalid_request", message: `The line ${problems.join("; ")}.` },
    },
    retries: 0,
  };
}

// OpenAI's output ids look like `batch_req_<hex>`; these only need to be unique within a batch.
function batchLineId(random: () => number): string {
  let hex = "";
  for (let index = 0; index < 24; index++) hex += Math.floor(random() * 16).toString(16);
  return `batch_req_${hex}`;
}
