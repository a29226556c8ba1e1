import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type RecordingFetch, recordingFetch } from "@gloo-toolkit/servers";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

/** How long shutdown waits for exchanges still in flight to end and be written. */
const FLUSH_WAIT_MS = 500;

/**
 * `--record FILE`: a fetch that records every exchange with the platform into the cassette FILE
 * (relative to the working directory), scrubbed of the credentials it knows and every token it
 * sees; a file that cannot be written is a usage error (exit 2) before anything is served.
 */
export function recordFlag(
  ctx: CommandContext,
  file: string | undefined,
  options: { fetch: typeof fetch; secrets: string[]; command: string },
): RecordingFetch | undefined {
  if (file === undefined) return undefined;
  if (file.trim() === "") {
    throw new UsageError(
      "--record is empty.",
      "Give the cassette's file name, e.g. --record cassettes/chat.json.",
    );
  }
  let recorder: RecordingFetch;
  try {
    recorder = recordingFetch(resolve(ctx.cwd, file), {
      fetch: options.fetch,
      secrets: options.secrets.filter((secret) => secret !== ""),
      recordedBy: `gloo-toolkit ${cliVersion()} (${options.command} --record)`,
    });
  } catch (error) {
    throw new UsageError(`--record ${file}: ${(error as Error).message}`);
  }
  if (ctx.quiet !== true)
    ctx.stderr.write(
      `Recording every exchange with the platform to ${recorder.file} (secrets scrubbed; rewritten after each exchange).\n`,
    );
  return recorder;
}

/**
 * At shutdown: waits (a little) for the exchanges in flight to end and be written, then says what
 * the cassette holds. A failed write is reported, never thrown: the command is already ending.
 */
export async function finishRecording(
  ctx: CommandContext,
  recorder: RecordingFetch | undefined,
): Promise<void> {
  if (recorder === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), FLUSH_WAIT_MS);
  });
  try {
    const outcome = await Promise.race([recorder.flush().then(() => "done" as const), timedOut]);
    const count = recorder.cassette.interactions.length;
    const note = outcome === "timeout" ? " (exchanges still in flight at shutdown were left out)" : "";
    if (ctx.quiet !== true)
      ctx.stderr.write(`Recorded ${count} exchange${count === 1 ? "" : "s"} to ${recorder.file}${note}.\n`);
  } catch (error) {
    ctx.stderr.write(
      `gloo: ${(error as Error).message}\nCheck the disk and the directory's permissions; the cassette may lack the latest exchanges.\n`,
    );
  } finally {
    clearTimeout(timer);
  }
}

function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "";
  } catch {
    return "";
  }
}
