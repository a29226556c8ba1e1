// The OpenAI Batch line formats, as far as the queue mode needs them: input lines read and checked
// before anything is enqueued, and the request-output lines of the results and errors files.
// (The single-host `gloo batch` shares these; see the README's batch section.)
import { readFile } from "node:fs/promises";
import { UsageError } from "../errors.js";

/** One input line: `{"custom_id", "method": "POST", "url": "/v1|v2/chat/completions", "body"}`. */
export interface BatchLine {
  customId: string;
  api: "v1" | "v2";
  body: Record<string, unknown>;
}

const MAX_LINES = 50_000;
const URLS: Record<string, "v1" | "v2"> = { "/v1/chat/completions": "v1", "/v2/chat/completions": "v2" };

/** Reads and checks a whole input file; every bad line is reported (line number and fix), exit 2. */
export async function readBatchFile(
  path: string,
  defaultApi: "v1" | "v2",
): Promise<{ bytes: Uint8Array; lines: BatchLine[] }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  const problems: string[] = [];
  const lines: BatchLine[] = [];
  const seen = new Set<string>();
  const texts = new TextDecoder().decode(bytes).split(/\r?\n/);
  for (const [index, text] of texts.entries()) {
    if (text.trim() === "") continue;
    const line = checkLine(text, defaultApi, seen);
    if (typeof line === "string") problems.push(`line ${index + 1}: ${line}`);
    else lines.push(line);
  }
  if (lines.length + problems.length > MAX_LINES)
    problems.push(`the file has more than ${MAX_LINES} lines; split it.`);
  if (lines.length === 0 && problems.length === 0) problems.push("the file has no lines.");
  if (problems.length > 0)
    throw new UsageError(
      `${path} has ${problems.length} problem(s):\n${problems.join("\n")}`,
      "Fix those lines and run again; nothing was sent.",
    );
  return { bytes, lines };
}

// One input line, or what is wrong with it.
function checkLine(text: string, defaultApi: "v1" | "v2", seen: Set<string>): BatchLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON; each line must be one JSON object.";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not a JSON object.";
  const record = value as Record<string, unknown>;
  const customId = record.custom_id;
  if (typeof customId !== "string" || customId === "") return 'missing "custom_id" (a non-empty string).';
  if (seen.has(customId))
    return `"custom_id" ${JSON.stringify(customId)} repeats an earlier line; each must be unique.`;
  seen.add(customId);
  const api = record.url === undefined ? defaultApi : URLS[String(record.url)];
  if (api === undefined)
    return `unknown "url" ${JSON.stringify(record.url)}; use /v1/chat/completions or /v2/chat/completions.`;
  const body = record.body;
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return 'missing "body" (the request object).';
  if ((body as Record<string, unknown>).stream === true)
    return '"stream": true is not supported in a batch; remove it.';
  return { customId, api, body: body as Record<string, unknown> };
}

/** A results-file line (OpenAI's request-output shape). */
export function resultLine(customId: string, requestId: string | undefined, body: unknown): string {
  return JSON.stringify({
    id: `batch_req_${crypto.randomUUID().replaceAll("-", "")}`,
    custom_id: customId,
    response: { status_code: 200, request_id: requestId ?? null, body },
    error: null,
  });
}

/** An errors-file line: the platform's answer when there was one, and a code and message. */
export function errorLine(
  customId: string,
  error: { code: string; message: string },
  response?: { status: number; requestId: string | undefined; body: unknown },
): string {
  return JSON.stringify({
    id: `batch_req_${crypto.randomUUID().replaceAll("-", "")}`,
    custom_id: customId,
    response:
      response === undefined
        ? null
        : { status_code: response.status, request_id: response.requestId ?? null, body: response.body },
    error,
  });
}
