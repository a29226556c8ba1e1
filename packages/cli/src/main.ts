import type { Command, CommandContext, Input, Output } from "./context.js";
import { ExitCode, FailureError, UsageError } from "./errors.js";
import { wantsHelp } from "./internal/args.js";

/** Commands load lazily so `gloo --help` and `gloo --version` start fast. */
const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  quickstart: {
    summary: "Run the platform quickstart end to end (embedded emulator without credentials)",
    load: () => import("./commands/quickstart.js"),
  },
  token: {
    summary: "Acquire an access token (masked unless --show)",
    load: () => import("./commands/token.js"),
  },
  chat: { summary: 'One-shot chat completion: gloo chat "PROMPT"', load: () => import("./commands/chat.js") },
  repl: { summary: "Multi-turn chat with client-side history", load: () => import("./commands/repl.js") },
  health: {
    summary: "The quickstart's health checks as a monitor",
    load: () => import("./commands/health.js"),
  },
  models: { summary: "List the model catalogue", load: () => import("./commands/models.js") },
  doctor: { summary: "Diagnose common setup pitfalls", load: () => import("./commands/doctor.js") },
  emulator: { summary: "Run the local Gloo platform emulator", load: () => import("./commands/emulator.js") },
  proxy: {
    summary: "Run the OpenAI-compatible token-injecting proxy",
    load: () => import("./commands/proxy.js"),
  },
  postman: {
    summary: "Write the Postman collection and environment",
    load: () => import("./commands/postman.js"),
  },
  batch: {
    summary: "Run a JSONL file of requests: paced, resumable, costed (--queue: on many hosts)",
    load: () => import("./commands/batch.js"),
  },
  worker: {
    summary: "Process queued batch lines (gloo batch --queue) on this host",
    load: () => import("./commands/worker.js"),
  },
};

export interface MainOptions {
  argv: string[];
  env?: Record<string, string | undefined>;
  stdin?: Input;
  stdout?: Output;
  stderr?: Output;
  cwd?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "gloo — Gloo AI chat completions from the terminal",
    "",
    "Usage: gloo <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `gloo <command> --help` for a command's options and examples.",
    "Credentials come from GLOO_CLIENT_ID / GLOO_CLIENT_SECRET (or a .env file).",
    "",
  ].join("\n");
}

async function version(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one `gloo` invocation and returns its exit code; owns the mapping of errors to messages. */
export async function main(options: MainOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const [name, ...rest] = options.argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    stdout.write(usage());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-v") {
    stdout.write(`${await version()}\n`);
    return ExitCode.ok;
  }
  const entry = commands[name];
  if (entry === undefined) {
    stderr.write(`gloo: unknown command "${name}".\nRun \`gloo --help\` to see the commands.\n`);
    return ExitCode.usage;
  }
  if (wantsHelp(rest)) {
    const { command } = await entry.load();
    stdout.write(command.help());
    return ExitCode.ok;
  }
  const cwd = options.cwd ?? process.cwd();
  const { loadEnv } = await import("./internal/env-file.js");
  const ctx: CommandContext = {
    argv: rest,
    env: await loadEnv(options.env ?? process.env, cwd),
    stdin: options.stdin ?? process.stdin,
    stdout,
    stderr,
    cwd,
    signal: options.signal ?? new AbortController().signal,
    fetch: options.fetch ?? globalThis.fetch,
  };
  const verbose = rest.includes("--verbose");
  try {
    const { command } = await entry.load();
    return await command.run(ctx);
  } catch (error) {
    return await report(error, stderr, verbose, ctx.signal);
  }
}

async function report(
  error: unknown,
  stderr: Output,
  verbose: boolean,
  signal: AbortSignal,
): Promise<number> {
  if (signal.aborted) {
    stderr.write("Interrupted.\n");
    return ExitCode.interrupted;
  }
  if (error instanceof UsageError || error instanceof FailureError) {
    stderr.write(`gloo: ${error.message}\n${error.hint === undefined ? "" : `${error.hint}\n`}`);
    return error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  }
  // Loaded only on this path: it imports the SDK, which `gloo --help` should not pay for.
  const { describeError, formatErrorMessage } = await import("./internal/error-message.js");
  const { GlooError } = await import("@gloo-toolkit/sdk");
  const described = describeError(error);
  stderr.write(formatErrorMessage(described));
  if (verbose) stderr.write(verboseDetails(error, !(error instanceof GlooError) && !isSystemError(error)));
  return described.exitCode;
}

/**
 * `--verbose` on a failure: the error's data (SDK errors' toJSON lists only safe fields: status,
 * code, request id — never a secret or a token) and its cause chain (the socket error behind
 * "fetch failed"). A stack only for an unexpected exception, a bug worth reporting: the platform's
 * answers and the user's mistakes have nothing to find in our stack frames.
 */
function verboseDetails(error: unknown, unexpected: boolean): string {
  if (!(error instanceof Error)) return `details: ${String(error)}\n`;
  const lines: string[] = [];
  if ("toJSON" in error && typeof error.toJSON === "function")
    lines.push(`details: ${JSON.stringify(error.toJSON())}`);
  for (let cause = error.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${errorLine(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (unexpected)
    lines.push(
      `This looks like a bug in gloo; please report it with this trace:\n${error.stack ?? errorLine(error)}`,
    );
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

// `TypeError: fetch failed`, `Error [ECONNREFUSED]: connect ECONNREFUSED 127.0.0.1:1`.
function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message}`;
}

// An operating-system error (ENOENT, EACCES, …) names the call and the path; its stack is Node's.
function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { syscall?: unknown }).syscall === "string";
}

/** Process wiring for `bin.js`: real argv, env and streams; SIGINT/SIGTERM abort the command. */
export function run(): void {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A reader that stops early (`gloo models | head -1`) closes the pipe, and the next write fails
  // with EPIPE as an 'error' event that would crash with a stack trace. Like `ls | head`, stop at
  // once and quietly: what is left of the work (a streamed reply, say) has no one to read it.
  // Exit 0 rather than 141 (128 + SIGPIPE, which Node ignores): the reader took what it wanted,
  // and under `set -o pipefail` (GitHub Actions' default shell) `gloo models | head -1` must not
  // fail. ripgrep does the same.
  process.stdout.on("error", (error) => onBrokenPipe(error, () => process.exit(ExitCode.ok)));
  // stderr only comments on the work: without a reader, drop the comments (Node ignores writes to
  // a destroyed stream) and let the command finish with its own exit code.
  process.stderr.on("error", (error) => onBrokenPipe(error, () => {}));
  main({ argv: process.argv.slice(2), signal: controller.signal }).then(
    (code) => {
      process.exitCode = code;
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
    (error: unknown) => {
      process.stderr.write(`gloo: internal error: ${String(error)}\n`);
      process.exitCode = ExitCode.failure;
    },
  );
}

// Any other write error is as unexpected as before: rethrown, it stays an uncaught exception.
function onBrokenPipe(error: NodeJS.ErrnoException, handle: () => void): void {
  if (error.code !== "EPIPE") throw error;
  handle();
}
