import type { GlooConfig } from "./internal/config.js";

/** What a command gets from `main`: every I/O seam is injected so tests can drive commands in-process. */
export interface Output {
  write(chunk: string): unknown;
  /** True when this is an interactive terminal (colours, spinners and streaming apply). */
  isTTY?: boolean | undefined;
}

export interface Input extends AsyncIterable<string | Uint8Array> {
  isTTY?: boolean | undefined;
}

export interface CommandContext {
  /** Arguments after the command name. */
  argv: string[];
  /** Environment variables (already merged with `.env` by `main`). */
  env: Readonly<Record<string, string | undefined>>;
  stdin: Input;
  stdout: Output;
  stderr: Output;
  /** Working directory, for `.env` and relative paths. */
  cwd: string;
  /** Aborted on SIGINT/SIGTERM (or by a test), with the signal's name as reason — commands stop; `main` exits 130 or 143. */
  signal: AbortSignal;
  /** Injected fetch (tests); defaults to the global fetch. */
  fetch: typeof fetch;
  /** `--quiet`: results and errors only; no spinners, notices or summaries on stderr. */
  quiet?: boolean | undefined;
  /** The config file's settings (README, "Config"); `base` and `model` are already in `env`. */
  config?: GlooConfig | undefined;
}

export interface Command {
  /** The text `gloo <command> --help` prints; `main` answers `--help`/`-h` so `run` never sees it. */
  help(): string;
  run(ctx: CommandContext): Promise<number>;
  /**
   * How long the command may take to finish after SIGINT/SIGTERM before the process exits anyway
   * (a second signal always ends it at once). Only a command that promises to save work in
   * flight (`gloo batch`) takes longer than the default.
   * @default 700
   */
  windDownMs?: number;
}
