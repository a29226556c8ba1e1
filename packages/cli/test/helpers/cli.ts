// Drives `main()` in-process with injected argv, env, stdin and captured stdout/stderr.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "@gloo-toolkit/cli";
import { createEmulator, type Emulator } from "@gloo-toolkit/servers";
import { expect } from "vitest";

/** The credentials the emulator accepts by default (what `gloo emulator` prints). */
export const EMULATOR_SECRET = "emulator-secret";

/** What one run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A writable that keeps what it was given. */
export function capture(isTTY = false): { write(chunk: string): boolean; isTTY: boolean; text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write(chunk) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(""),
  };
}

/** Options of {@link runCli}. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  fetch?: typeof fetch;
  cwd?: string;
  tty?: boolean;
  /** stdin claims to be a terminal (its text is still read as plain lines unless stdout is one too). */
  stdinTTY?: boolean;
  signal?: AbortSignal;
}

/** Runs `gloo ARGV…` in-process; cwd defaults to an empty temp dir so no stray `.env` is read. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = capture(options.tty);
  const stderr = capture(options.tty);
  const stdin = Object.assign(toStream(options.stdin ?? ""), { isTTY: options.stdinTTY === true });
  const code = await main({
    argv,
    env: options.env ?? {},
    stdin,
    stdout,
    stderr,
    cwd: options.cwd ?? (await tempDir()),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function* toStream(text: string): AsyncGenerator<string> {
  // Two pieces, split mid-line, so line handling cannot rely on whole-line chunks.
  const middle = Math.floor(text.length / 2);
  if (text.length > 0) yield text.slice(0, middle);
  if (text.length > 1) yield text.slice(middle);
}

/** An empty working directory. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "gloo-cli-"));
}

/** An in-process emulator and the env + fetch that point the CLI at it (no socket). */
export function emulated(options: Parameters<typeof createEmulator>[0] = {}): {
  emulator: Emulator;
  env: Record<string, string>;
  fetch: typeof fetch;
} {
  const emulator = createEmulator({ seed: 1, ...options });
  return {
    emulator,
    env: {
      GLOO_BASE: "http://emulator.invalid",
      GLOO_CLIENT_ID: "emulator-client",
      GLOO_CLIENT_SECRET: EMULATOR_SECRET,
    },
    fetch: (input, init) => emulator.fetch(new Request(input, init)),
  };
}

const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/;

/** Neither the client secret nor any whole access token (a JWT) may appear in what was printed. */
export function expectNoLeaks(run: CliRun, secret = EMULATOR_SECRET): void {
  for (const text of [run.stdout, run.stderr]) {
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(JWT);
  }
}
