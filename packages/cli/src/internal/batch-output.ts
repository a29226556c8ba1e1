// `gloo batch`'s output: two append-only JSONL files (results and errors) that are also its resume
// state. A line is appended with one write of the whole line, and only once its request finished;
// a run killed mid-write leaves at most a partial last line, which the next run cuts off before
// appending. Every `custom_id` found in either file is done and is not sent again.
import { writeSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import type { BatchOutputLine } from "@gloo-toolkit/sdk";
import { UsageError } from "../errors.js";

/** The two files and what earlier runs left in them. */
export interface BatchOutput {
  /** `custom_id`s already in either file. */
  readonly done: ReadonlySet<string>;
  /** The result lines of earlier runs (for the spend so far). */
  readonly previousResults: readonly BatchOutputLine[];
  /** Partial last lines cut off while opening (a run killed mid-write). */
  readonly repaired: number;
  /** Appends one line, whole, to the results or the errors file. */
  append(ok: boolean, line: BatchOutputLine): Promise<void>;
  close(): Promise<void>;
}

/** Opens (creating when missing) both files, repairs a partial last line, and reads what is done. */
export async function openBatchOutput(paths: { results: string; errors: string }): Promise<BatchOutput> {
  const results = await openRepaired(paths.results);
  let errors: Awaited<ReturnType<typeof openRepaired>>;
  try {
    errors = await openRepaired(paths.errors);
  } catch (error) {
    await results.handle.close();
    throw error;
  }
  const done = new Set<string>();
  for (const line of [...results.lines, ...errors.lines]) done.add(line.custom_id);
  return {
    done,
    previousResults: results.lines,
    repaired: results.repaired + errors.repaired,
    async append(ok, line) {
      writeWhole((ok ? results : errors).handle, `${JSON.stringify(line)}\n`);
    },
    async close() {
      await Promise.allSettled([results.handle.close(), errors.handle.close()]);
    },
  };
}

async function openRepaired(
  path: string,
): Promise<{ handle: FileHandle; lines: BatchOutputLine[]; repaired: number }> {
  let handle: FileHandle;
  try {
    // "a+": read what is there, append after it (O_APPEND: every write lands at the end).
    handle = await open(path, "a+");
  } catch (error) {
    throw new UsageError(
      `cannot open ${path}: ${(error as Error).message}`,
      "Choose another file with -o / --errors.",
    );
  }
  try {
    const text = await handle.readFile("utf8");
    const end = text.lastIndexOf("\n") + 1;
    let repaired = 0;
    if (end < text.length) {
      // A partial last line: the run before was killed while writing it. Its request is sent again.
      await handle.truncate(Buffer.byteLength(text.slice(0, end)));
      repaired = 1;
    }
    return { handle, lines: parseLines(path, text.slice(0, end)), repaired };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function parseLines(path: string, text: string): BatchOutputLine[] {
  const lines: BatchOutputLine[] = [];
  text.split("\n").forEach((row, index) => {
    if (row === "") return;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch {
      value = undefined;
    }
    const id = (value as { custom_id?: unknown } | undefined)?.custom_id;
    if (typeof id !== "string") {
      throw new UsageError(
        `line ${index + 1} of ${path} is not a batch output line, so the run cannot tell what is done.`,
        "Pass output files written by gloo batch (-o / --errors), or move this one away.",
      );
    }
    lines.push(value as BatchOutputLine);
  });
  return lines;
}

// One write call per line: with O_APPEND the line lands whole at the end of the file. A short
// write (possible in principle, not for regular files in practice) would leave a partial line, so
// it is reported rather than continued. The write is synchronous: a few microseconds for a line,
// where a trip through libuv's thread pool can take milliseconds on a busy machine, and the line's
// concurrency slot is held until it is written.
function writeWhole(handle: FileHandle, text: string): void {
  const bytes = Buffer.from(text);
  const written = writeSync(handle.fd, bytes);
  if (written !== bytes.length) throw new Error(`short write: ${written} of ${bytes.length} bytes`);
}
