import type { Output } from "../context.js";
import { ExitCode } from "../errors.js";
import { describeError, formatErrorMessage } from "./error-message.js";
import { formatDuration, type Style, writeStreamed } from "./output.js";
import { type ReplIO, slashCommands } from "./repl-commands.js";

/** Token counts of one reply, as the platform reports them in `usage`. */
export interface ReplUsage {
  promptTokens: number;
  completionTokens: number;
}

/** One streamed reply: the text as it arrives, then its usage when the platform sent one. */
export interface ReplReply {
  text: AsyncIterable<string>;
  /** Resolves after `text` is exhausted. */
  usage(): ReplUsage | undefined;
  /** Resolves after `text` is exhausted: the model that answered (v2 routing may pick it). */
  model?(): string | undefined;
  /** The response's `x-request-id`, for `--verbose` and support. */
  requestId: string | undefined;
}

/**
 * The part of the SDK's `Conversation` the REPL needs; the real one satisfies it through a small
 * adapter, tests use a fake. History lives here, client-side: the API is stateless (quickstart, "Stateless").
 */
export interface ReplConversation {
  readonly messageCount: number;
  setSystem(text: string): void;
  reset(): void;
  estimateTokens(): number;
  trimTo(budgetTokens: number): number;
  toJSON(): unknown;
  /** Appends `text` as a user turn, streams the reply and appends it once complete. */
  send(text: string, model: string | undefined, signal: AbortSignal): Promise<ReplReply>;
}

/** Builds a conversation: empty, or from a saved `toJSON()` form (throws a clear error when invalid). */
export type ConversationFactory = (saved?: unknown) => ReplConversation;

/** One turn as it ended, for the log: the conversation sent, and the reply or the error. */
export interface ReplTurn {
  system: string | undefined;
  /** The messages sent (system prompt excluded), this turn's user message last. */
  messages: { role: string; content?: unknown }[];
  /** The model asked for; undefined means v2 auto-routing. */
  asked: string | undefined;
  /** The model that answered, when known. */
  model?: string | undefined;
  reply?: string | undefined;
  usage?: ReplUsage | undefined;
  requestId?: string | undefined;
  latencyMs: number;
  error?: unknown;
}

/** What the session needs from its surroundings. */
export interface ReplSessionOptions {
  create: ConversationFactory;
  /** The model; undefined means v2 auto-routing. */
  model: string | undefined;
  system?: string | undefined;
  stdout: Output;
  stderr: Output;
  style: Style;
  cwd: string;
  /** The home directory `~` in /save and /load stands for (`HOME`); without it `~` is a plain name. */
  home?: string | undefined;
  /** The command's signal (SIGINT on a pipe, tests); a reply also stops when it aborts. */
  signal: AbortSignal;
  /** Warn once `usage.prompt_tokens` exceeds this (quickstart: "Watch usage.prompt_tokens"). */
  warnTokens: number;
  /** After each reply, print its request id, tokens and time to stderr. */
  verbose?: boolean | undefined;
  /** Drop notes (dimmed details such as /copy's confirmation); warnings and errors stay. */
  quiet?: boolean | undefined;
  /** A conversation to start from (`gloo repl -c`), in the `toJSON()` form. */
  initial?: unknown;
  /** Told of each turn that reached the platform (answered or failed), e.g. to log it. */
  onTurn?: ((turn: ReplTurn) => Promise<void>) | undefined;
}

/** A running REPL: feed it lines, interrupt the reply in progress. */
export interface ReplSession {
  /** Handles one input line; resolves `"exit"` after `/exit`. */
  handle(line: string): Promise<"continue" | "exit">;
  /** Aborts the reply in progress; false when none was running (the caller may then leave). */
  interrupt(): boolean;
  /**
   * What a scripted session ends with (the CLI's exit codes): 2 after a mistake in the input (an
   * unknown /command, a bad argument, a /save or /load that failed), else 1 after a turn that
   * failed (the platform's answer, an unreachable base), else 0. A cancelled reply is no failure.
   */
  exitCode(): number;
}

/** The session's mutable state, shared with the slash commands. */
export interface ReplState {
  conversation: ReplConversation;
  /** undefined means v2 auto-routing. */
  model: string | undefined;
  last: ReplUsage | undefined;
  total: ReplUsage;
}

/** Creates a session: slash commands, streamed replies, usage tracking and the large-prompt warning. */
export function createReplSession(options: ReplSessionOptions): ReplSession {
  const state: ReplState = {
    conversation: options.create(
      options.initial ??
        (options.system === undefined ? undefined : { version: 1, system: options.system, messages: [] }),
    ),
    model: options.model,
    last: undefined,
    total: { promptTokens: 0, completionTokens: 0 },
  };
  let worst: number = ExitCode.ok;
  const failed = (code: number) => {
    worst = Math.max(worst, code);
  };
  const io = replIO(options, failed);
  const trimBudget = Math.floor(options.warnTokens / 2);
  const commands = slashCommands(state, io, options, trimBudget);
  let inFlight: AbortController | undefined;

  async function reply(text: string): Promise<void> {
    const controller = new AbortController();
    inFlight = controller;
    const snapshot = state.conversation.toJSON();
    const started = performance.now();
    try {
      const answer = await state.conversation.send(
        text,
        state.model,
        AbortSignal.any([controller.signal, options.signal]),
      );
      await writeStreamed(answer.text, options.stdout);
      record(state, answer.usage(), io, options.warnTokens, trimBudget);
      await options.onTurn?.(answered(state, answer, performance.now() - started));
      if (options.verbose === true) io.note(details(answer, performance.now() - started));
    } catch (error) {
      // A failed or cancelled turn leaves no trace: the next message must not follow a dangling user turn.
      state.conversation = options.create(snapshot);
      if (!controller.signal.aborted && !options.signal.aborted)
        await options.onTurn?.({
          ...sent(snapshot, text),
          asked: state.model,
          latencyMs: performance.now() - started,
          error,
        });
      if (options.signal.aborted) throw error;
      if (controller.signal.aborted) return io.warn("(reply cancelled)");
      // The session goes on; print what main would, and keep its exit code for the end.
      const described = describeError(error);
      failed(described.exitCode === ExitCode.usage ? ExitCode.usage : ExitCode.failure);
      io.warn(
        `error: ${formatErrorMessage(described)
          .replace(/^gloo: /, "")
          .trimEnd()}`,
      );
    } finally {
      inFlight = undefined;
    }
  }

  return {
    async handle(line) {
      const input = line.trim();
      if (input === "") return "continue";
      if (!input.startsWith("/")) {
        await reply(input);
        return "continue";
      }
      const [, name = "", arg = ""] = /^\/(\S*)\s*([\s\S]*)$/.exec(input) ?? [];
      if (name === "exit" || name === "quit") return "exit";
      if (name === "retry") {
        const text = takeBackLastTurn(state, options.create);
        if (text === undefined) io.mistake("Nothing to retry yet: /retry sends your last message again.");
        else await reply(text);
        return "continue";
      }
      const run = commands[name];
      if (run === undefined) io.mistake(`Unknown command /${name}; /help lists the commands.`);
      else await run(arg.trim());
      return "continue";
    },
    interrupt() {
      if (inFlight === undefined) return false;
      inFlight.abort();
      return true;
    },
    exitCode: () => worst,
  };
}

// /retry: drop the last exchange (the reply and the user message before it) and return that
// message to send again; a failed turn already left no trace, so its message is the last one kept.
function takeBackLastTurn(state: ReplState, create: ConversationFactory): string | undefined {
  const saved = state.conversation.toJSON() as { messages: { role: string; content?: unknown }[] };
  const lastUser = saved.messages.findLastIndex((message) => message.role === "user");
  const text = saved.messages[lastUser]?.content;
  if (lastUser === -1 || typeof text !== "string") return undefined;
  state.conversation = create({ ...saved, messages: saved.messages.slice(0, lastUser) });
  return text;
}

// The conversation as saved (`toJSON()`: version, system, messages) with the reply split off.
function answered(state: ReplState, answer: ReplReply, latencyMs: number): ReplTurn {
  const saved = state.conversation.toJSON() as {
    system?: string;
    messages: { role: string; content?: unknown }[];
  };
  const last = saved.messages.at(-1);
  const reply = last?.role === "assistant" && typeof last.content === "string" ? last.content : undefined;
  return {
    system: saved.system,
    messages: reply === undefined ? saved.messages : saved.messages.slice(0, -1),
    asked: state.model,
    model: answer.model?.() ?? state.model,
    reply,
    usage: answer.usage(),
    requestId: answer.requestId,
    latencyMs,
  };
}

function sent(snapshot: unknown, text: string): Pick<ReplTurn, "system" | "messages"> {
  const saved = snapshot as { system?: string; messages: { role: string; content?: unknown }[] };
  return { system: saved.system, messages: [...saved.messages, { role: "user", content: text }] };
}

// Quickstart, "Common Pitfalls": watch usage.prompt_tokens — every turn resends the whole history.
function record(
  state: ReplState,
  usage: ReplUsage | undefined,
  io: ReplIO,
  warnTokens: number,
  trimBudget: number,
): void {
  state.last = usage;
  if (usage !== undefined) {
    state.total.promptTokens += usage.promptTokens;
    state.total.completionTokens += usage.completionTokens;
  }
  const prompt = usage?.promptTokens ?? state.conversation.estimateTokens();
  if (prompt > warnTokens) {
    io.warn(
      `The prompt is now ${prompt} tokens (usage.prompt_tokens): every turn resends the whole history. ` +
        `Type /trim to drop the oldest turns (to ${trimBudget} tokens), or /reset to start over.`,
    );
  }
}

function details(answer: ReplReply, elapsedMs: number): string {
  const usage = answer.usage();
  const tokens =
    usage === undefined
      ? "no usage"
      : `${usage.promptTokens} prompt + ${usage.completionTokens} completion tokens`;
  return `(request id ${answer.requestId ?? "none"}, ${tokens}, ${formatDuration(elapsedMs)})`;
}

function replIO(options: ReplSessionOptions, failed: (code: number) => void): ReplIO {
  const warn = (text: string) => void options.stderr.write(`${options.style.yellow(text)}\n`);
  return {
    note: (text) => {
      if (options.quiet !== true) options.stderr.write(`${options.style.dim(text)}\n`);
    },
    say: (text) => void options.stdout.write(`${text}\n`),
    warn,
    mistake: (text) => {
      warn(text);
      failed(ExitCode.usage);
    },
  };
}
