import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { UsageError } from "../errors.js";

// Fields gloo chat sets itself: an -o for them would fight the flags that own them.
const OWNED: Record<string, string> = {
  messages: "the prompt, --system, -a and -c",
  stream: "--stream / --no-stream",
  model: "--model",
  model_family: "--model-family",
  auto_routing: "--auto-routing",
};

/**
 * `-o key=value` pairs as request parameters (`stop`, `top_p`, `response_format`, …): a value is
 * parsed as JSON when it is JSON (`-o top_p=0.9`, `-o 'stop=["\n"]'`), else kept as text.
 */
export function parseRequestOptions(pairs: readonly string[]): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    const key = equals === -1 ? "" : pair.slice(0, equals).trim();
    if (key === "")
      throw new UsageError(
        `-o takes key=value, got "${pair}".`,
        "For example: -o top_p=0.9 -o 'stop=[\"\\n\\n\"]'",
      );
    const owner = OWNED[key];
    if (owner !== undefined) throw new UsageError(`-o ${key} is set by ${owner}; use that instead.`);
    options[key] = jsonOrText(pair.slice(equals + 1));
  }
  return options;
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Each `-a FILE` as a block naming the file, for the end of the prompt. Text files only: a file
 * that is not UTF-8 or holds NUL bytes is a `UsageError` (the API takes text).
 */
export async function readAttachments(cwd: string, files: readonly string[]): Promise<string[]> {
  const blocks: string[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(resolve(cwd, file));
    } catch (error) {
      throw new UsageError(`cannot read -a ${file}: ${(error as Error).message}`);
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      text = "\0";
    }
    if (text.includes("\0"))
      throw new UsageError(
        `-a ${file} is not a text file.`,
        "Attach text (UTF-8) files: code, notes, logs, CSV, JSON.",
      );
    const name = basename(file);
    blocks.push(`--- ${name} ---\n${text.replace(/\n$/, "")}\n--- end of ${name} ---`);
  }
  return blocks;
}
