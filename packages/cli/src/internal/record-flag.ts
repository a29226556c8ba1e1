import { readFileSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type RecordingFetch, recordingFetch } from "@gloo-toolkit/servers";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";

/** How long shutdown waits for exchanges still in flight to end and be written. */
const FLUSH_WAIT_MS = 500;

/** A server command's `--record FILE`: the recording fetch, and what to do when the command ends. */
export interface Recording {
  /** The fetch to send the platform's traffic through. */
  readonly fetch: RecordingFetch;
  /**
   * Waits (a little) for exchanges in flight, then says what the cassette holds. `served` false
   * (the command failed before serving, e.g. refused credentials) puts the file back as it was.
   * A failed write is reported, never thrown: the command is already ending.
   */
  finish(served: boolean): Promise<void>;
}

/**
 * `--record FILE`: a fetch that records every exchange with the platform into the cassette FILE
 * (relative to the working directory), scrubbed of the credentials it knows and every token it
 * sees; a file that cannot be written is a usage error (exit 2) before anything is served.
 */
export function recordFlag(
  ctx: CommandContext,
  file: string | undefined,
  options: { fetch: typeof fetch; secrets: string[]; command: string },
): Recording | undefined {
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
  // The earlier recording, if any: a command that never serves must not replace it with the
  // exchange that made it fail (a refused token request).
  const earlier = readEarlier(recorder.file);
  const note = (line: string) => {
    if (ctx.quiet !== true) ctx.stderr.write(`${line}\n`);
  };
  note(
    `Recording every exchange with the platform to ${recorder.file} (secrets scrubbed; rewritten after each exchange).`,
  );
  return {
    fetch: recorder,
    async finish(served) {
      try {
        const flushed = await flushWithin(recorder, FLUSH_WAIT_MS);
        if (!served) {
          await putBack(recorder.file, earlier);
          note(`${recorder.file} is left as it was: ${options.command} did not start.`);
          return;
        }
        const count = recorder.cassette.interactions.length;
        const late = flushed ? "" : " (exchanges still in flight at shutdown were left out)";
        note(`Recorded ${count} exchange${count === 1 ? "" : "s"} to ${recorder.file}${late}.`);
      } catch (error) {
        ctx.stderr.write(
          `gloo: ${(error as Error).message}\nCheck the disk and the directory's permissions; the cassette may lack the latest exchanges.\n`,
        );
      }
    },
  };
}

// True once everything is written; false if exchanges were still in flight after `ms`.
async function flushWithin(recorder: RecordingFetch, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([recorder.flush().then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function readEarlier(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

async function putBack(file: string, earlier: Buffer | undefined): Promise<void> {
  if (earlier === undefined) {
    await rm(file, { force: true });
    return;
  }
  const temporary = `${file}.${process.pid}.restore.tmp`;
  await writeFile(temporary, earlier);
  await rename(temporary, file);
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
