import type { Command, CommandContext, Input, Output } from "./context.js";
import { ExitCode, FailureError, interruptedExitCode, UsageError } from "./errors.js";
import { wantsHelp } from "./internal/args.js";

/** Commands load lazily so `gloo --help` and `gloo --version` start fast. */
export const commands: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
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
  playground: {
    summary: "Serve a local page to try, compare and inspect Gloo requests",
    load: () => import("./commands/playground.js"),
  },
  postman: {
    summary: "Write the Postman collection and environment",
    load: () => import("./commands/postman.js"),
  },
  cassette: {
    summary: "Recorded cassettes: gloo cassette har FILE exports one as HAR 1.2 for browser tests",
    load: () => import("./commands/cassette.js"),
  },
  batch: {
    summary: "Run a JSONL file of requests: paced, resumable, costed (--queue: on many hosts)",
    load: () => import("./commands/batch.js"),
  },
  worker: {
    summary: "Process queued batch lines (gloo batch --queue) on this host",
    load: () => import("./commands/worker.js"),
  },
  logs: {
    summary: "The exchanges chat and repl recorded: search, filter, JSON",
    load: () => import("./commands/logs.js"),
  },
  templates: {
    summary: "Saved system prompts and parameters for gloo chat -t: list, show, edit",
    load: () => import("./commands/templates.js"),
  },
  completion: {
    summary: "Shell completion: gloo completion bash|zsh|fish",
    load: () => import("./commands/completion.js"),
  },
  config: {
    summary: "Defaults in the config file: get, set, unset, list, path",
    load: () => import("./commands/config.js"),
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
  /** Told the command's wind-down time (`Command.windDownMs`) once it is loaded to run. */
  onWindDown?: (ms: number) => void;
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
    "Run `gloo <command> --help` for a command's options and examples. Every command also takes",
    "--quiet: results and errors only, no spinners or notices (`gloo -q CMD` for short).",
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

// Flags every command takes may come before its name too (`gloo --verbose chat …`): move them after it.
const GLOBAL_FLAGS = new Set(["--verbose", "--quiet", "-q", "--no-log"]);

// `--quiet` (any command, anywhere before a `--`): removed from argv, it becomes `ctx.quiet`.
function takeQuiet(argv: string[]): boolean {
  const end = argv.indexOf("--") === -1 ? argv.length : argv.indexOf("--");
  const at = argv.slice(0, end).indexOf("--quiet");
  if (at === -1) return false;
  argv.splice(at, 1);
  takeQuiet(argv);
  return true;
}

function withGlobalFlagsMoved(argv: readonly string[]): string[] {
  let start = 0;
  while (start < argv.length && GLOBAL_FLAGS.has(argv[start] ?? "")) start++;
  if (start === 0 || start === argv.length) return [...argv];
  // `-q` is short for --quiet only here, before the name: after it, a command's own -q may mean another flag.
  const flags = argv.slice(0, start).map((flag) => (flag === "-q" ? "--quiet" : flag));
  return [argv[start] ?? "", ...flags, ...argv.slice(start + 1)];
}

/** Runs one `gloo` invocation and returns its exit code; owns the mapping of errors to messages. */
export async function main(options: MainOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const [name, ...rest] = withGlobalFlagsMoved(options.argv);
  if (name === undefined) {
    // A mistake, so the usage goes where mistakes go: stderr, exit 2.
    stderr.write(usage());
    return ExitCode.usage;
  }
  if (name === "help" && rest[0] !== undefined && !rest[0].startsWith("-"))
    return main({ ...options, argv: [rest[0], "--help"] });
  if (name === "--help" || name === "-h" || name === "help") {
    stdout.write(usage());
    return ExitCode.ok;
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
  const { loadUserConfig } = await import("./internal/config.js");
  let user: Awaited<ReturnType<typeof loadUserConfig>>;
  try {
    user = await loadUserConfig(name, await loadEnv(options.env ?? process.env, cwd));
  } catch (error) {
    return await report(error, stderr, false, new AbortController().signal);
  }
  const quiet = takeQuiet(rest);
  const ctx: CommandContext = {
    argv: rest,
    quiet,
    env: user.env,
    config: user.config,
    stdin: options.stdin ?? process.stdin,
    stdout,
    // Quiet: stderr is for errors only, so no spinner is drawn on it (spinners need a terminal).
    stderr: quiet ? { write: (chunk: string) => stderr.write(chunk), isTTY: false } : stderr,
    cwd,
    signal: options.signal ?? new AbortController().signal,
    fetch: options.fetch ?? globalThis.fetch,
  };
  const verbose = rest.includes("--verbose");
  try {
    const { command } = await entry.load();
    options.onWindDown?.(command.windDownMs ?? WIND_DOWN_MS);
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
    const code = interruptedExitCode(signal);
    stderr.write(code === ExitCode.terminated ? "Terminated.\n" : "Interrupted.\n");
    return code;
  }
  if (error instanceof UsageError || (error instanceof FailureError && error.requestId === undefined)) {
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

// How long a command has to wind down after SIGINT/SIGTERM before the process exits anyway, so
// that it ends within a second whatever it waits on (a socket, a server's close). `gloo batch`
// alone asks for longer, to write the answers of the requests in flight (Command.windDownMs).
const WIND_DOWN_MS = 700;

/**
 * Process wiring for `bin.js`: real argv, env and streams. SIGINT/SIGTERM abort the command (the
 * abort reason is the signal's name); a second signal, or a command still running after its
 * wind-down time (`WIND_DOWN_MS` unless it says otherwise), ends the process at once with 130
 * (SIGINT) or 143 (SIGTERM).
 */
export function run(): void {
  const controller = new AbortController();
  let finished = false;
  let windDownMs = WIND_DOWN_MS;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted;
    if (controller.signal.aborted) process.exit(code);
    controller.abort(signal);
    // Unref'd: a process with nothing left to do exits by itself, with the command's code. One that
    // is still busy (a command that has not returned, or a socket kept open) is ended here.
    setTimeout(() => {
      if (finished) process.exit();
      process.stderr.write(code === ExitCode.terminated ? "Terminated.\n" : "Interrupted.\n");
      process.exit(code);
    }, windDownMs).unref();
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
  const onWindDown = (ms: number) => {
    windDownMs = ms;
  };
  main({ argv: process.argv.slice(2), signal: controller.signal, onWindDown }).then(
    (code) => {
      finished = true;
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
