// `gloo batch`'s input file: one OpenAI Batch request per line, checked whole before anything is
// sent. Every offending line is reported with its number and the fix, not just the first.
import { readFile } from "node:fs/promises";
import { type BatchRequest, checkBatchRequest } from "@gloo-toolkit/sdk";
import { UsageError } from "../errors.js";

/** OpenAI's limit on requests per batch input file (the Batch API's `CreateBatchRequest`). */
export const MAX_BATCH_LINES = 50_000;

/** Most problems printed; the count of the rest follows. */
const SHOWN_PROBLEMS = 50;

/** A checked line and where it is in the file (1-based). */
export interface InputLine {
  line: number;
  request: BatchRequest;
}

/** Reads and checks the whole file; a `UsageError` listing every problem when any line is wrong. */
export async function readBatchInput(
  path: string,
  defaultApi: "v1" | "v2" | undefined,
): Promise<InputLine[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const { lines, problems } = checkBatchText(text, defaultApi);
  if (problems.length > 0) {
    const shown = problems.slice(0, SHOWN_PROBLEMS);
    const more = problems.length - shown.length;
    throw new UsageError(
      `${path} has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was sent:\n${shown.join("\n")}${more > 0 ? `\n… and ${more} more.` : ""}`,
      'Each line must be {"custom_id": "…", "method": "POST", "url": "/v1/chat/completions", "body": {…}} (or "/v2/chat/completions").',
    );
  }
  if (lines.length === 0) throw new UsageError(`${path} has no requests.`);
  return lines;
}

/** Checks the text of a batch file: JSON per line, unique `custom_id`s, the line limit, each body. */
export function checkBatchText(
  text: string,
  defaultApi: "v1" | "v2" | undefined,
): { lines: InputLine[]; problems: string[] } {
  const lines: InputLine[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const rows = text.split("\n");
  let count = 0;
  rows.forEach((row, index) => {
    const line = index + 1;
    if (row.trim() === "") return;
    count++;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (error) {
      problems.push(
        `line ${line}: is not JSON (${(error as Error).message}): write one JSON object per line`,
      );
      return;
    }
    const check = checkBatchRequest(value, defaultApi);
    const id = (value as { custom_id?: unknown } | null)?.custom_id;
    const lineProblems = check.problems ? [...check.problems] : [];
    if (typeof id === "string" && id !== "") {
      const first = seen.get(id);
      if (first !== undefined)
        lineProblems.push(`repeats custom_id ${JSON.stringify(id)} of line ${first}: make it unique`);
      else seen.set(id, line);
    }
    for (const problem of lineProblems) problems.push(`line ${line}: ${problem}`);
    if (lineProblems.length === 0 && check.problems === undefined)
      lines.push({ line, request: check.request });
  });
  if (count > MAX_BATCH_LINES) {
    problems.unshift(
      `the file has ${count} requests; at most ${MAX_BATCH_LINES} are allowed: split it into several files`,
    );
  }
  return { lines, problems };
}
