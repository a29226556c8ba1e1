// Reading a cassette file named on the command line (`gloo cassette`, `gloo emulator --replay`):
// one place for the messages a missing, unreadable or invalid file gets.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type Cassette, parseCassette } from "@gloo-toolkit/servers";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

/**
 * The file's text, resolved against the command's directory; `label` names it in the message
 * (`chat.json`, `--replay chat.json`).
 */
export async function readCassetteText(ctx: CommandContext, file: string, label = file): Promise<string> {
  return await readFile(resolve(ctx.cwd, file), "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      error.code === "ENOENT" ? `${label}: no such file.` : `cannot read ${label}: ${error.message}`,
      "Give the cassette `gloo proxy --record FILE` or recordingFetch() wrote, relative to this directory.",
    );
  });
}

/** The file read and checked as a cassette; anything else is a `UsageError` saying how to fix it. */
export async function readCassette(ctx: CommandContext, file: string, label = file): Promise<Cassette> {
  const text = await readCassetteText(ctx, file, label);
  try {
    return parseCassette(text, file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
