// Real processes for `gloo batch`'s end-to-end tests: the built `gloo emulator` with a request log,
// and `gloo batch` runs that can be waited for, interrupted or killed.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { reap } from "../../../../test/helpers/reaper.js";
import type { RequestLogEntry } from "../../src/internal/request-log.js";
import { EMULATOR_SECRET, tempDir } from "./cli.js";

const BIN = fileURLToPath(new URL("../../bin.js", import.meta.url));

/** One line of the emulator's `--request-log`. */
export type LoggedRequest = RequestLogEntry;

/** A spawned `gloo emulator` writing a request log. */
export interface SpawnedEmulator {
  url: string;
  env: Record<string, string>;
  /** Every request logged so far (answered or dropped), in arrival order. */
  requests(): Promise<LoggedRequest[]>;
  /** The completion requests logged so far, in arrival order. */
  completions(): Promise<LoggedRequest[]>;
  stop(): Promise<void>;
}

/** Starts `gloo emulator --port 0 --request-log … ARGS` and waits for its banner. */
export async function startEmulator(args: string[] = []): Promise<SpawnedEmulator> {
  const dir = await tempDir();
  const log = join(dir, "requests.jsonl");
  const child = reap(
    spawn(process.execPath, [BIN, "emulator", "--port", "0", "--request-log", log, ...args], {
      env: { PATH: process.env.PATH ?? "" },
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (\S+)/.exec(text);
      if (match) resolve(match[1] as string);
    });
    child.on("exit", (code) => reject(new Error(`gloo emulator exited with ${code}`)));
  });
  const requests = async (): Promise<LoggedRequest[]> => {
    const text = await readFile(log, "utf8");
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as LoggedRequest)
      .sort((a, b) => a.at - b.at);
  };
  return {
    url,
    env: { GLOO_BASE: url, GLOO_CLIENT_ID: "emulator-client", GLOO_CLIENT_SECRET: EMULATOR_SECRET },
    requests,
    async completions() {
      return (await requests()).filter((entry) => entry.path.endsWith("/chat/completions"));
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** A `gloo batch` process. */
export interface BatchProcess {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when it exits: code (or the signal that killed it) and its output. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Spawns `gloo batch ARGS` in `cwd` against the emulator. */
export function spawnBatch(cwd: string, args: string[], env: Record<string, string>): BatchProcess {
  const child = reap(
    spawn(process.execPath, [BIN, "batch", ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end();
  const done = once(child, "close").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { child, done };
}

/** Writes `lines` as a JSONL file in a fresh directory; returns the directory. */
export async function batchFile(name: string, lines: unknown[]): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, name), `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  return dir;
}

/** An output line as the tests read it. */
export interface OutputLine {
  custom_id: string;
  response: {
    status_code: number;
    request_id: string | null;
    body: { model?: string; usage?: { prompt_tokens: number; completion_tokens: number } };
  } | null;
  error: { code: string; message: string } | null;
}

/** The parsed lines of an output file (none when it does not exist). */
export async function outputLines(path: string): Promise<OutputLine[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

/** `count` v1 lines whose replies are short exact echoes. */
export function echoLines(count: number, extra: Record<string, unknown> = {}): unknown[] {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `req-${index}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: { messages: [{ role: "user", content: `Reply with only: R${index}` }], ...extra },
  }));
}
