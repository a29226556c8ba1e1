import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Output } from "../context.js";
import { describeError } from "./error-message.js";
import type { Style } from "./output.js";

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
  /** The command's signal (SIGINT on a pipe, tests); a reply also stops when it aborts. */
  signal: AbortSignal;
  /** Warn once `usage.prompt_tokens` exceeds this (quickstart: "Watch usage.prompt_tokens"). */
  warnTokens: number;
}

/** A running REPL: feed it lines, interrupt the reply in progress. */
export interface ReplSession {
  /** Handles one input line; resolves `"exit"` after `/exit`. */
  handle(line: string): Promise<"continue" | "exit">;
  /** Aborts the reply in progress; false when none was running (the caller may then leave). */
  interrupt(): boolean;
}

const helpText = `Commands:
  /system TEXT   set the system prompt (keeps the history)
  /model ID      switch the model for the next replies
  /reset         forget the history (keeps the system prompt)
  /trim [TOKENS] drop the oldest turns until the history fits TOKENS
  /save FILE     save the conversation as JSON
  /load FILE     load a conversation saved with /save
  /usage         token counts so far
  /help          this list
  /exit          leave (so do Ctrl-D and Ctrl-C at an empty prompt)
Ctrl-C while a reply streams stops that reply and keeps the session.
`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Creates a session: slash commands, streamed replies, usage tracking and the large-prompt warning. */
export function createReplSession(options: ReplSessionOptions): ReplSession {
  const state = {
    conversation: options.create(
      options.system === undefined ? undefined : { version: 1, system: options.system, messages: [] },
    ),
    model: options.model as string | undefined,
    last: undefined as ReplUsage | undefined,
    total: { promptTokens: 0, completionTokens: 0 },
    reply: undefined as AbortController | undefined,
  };
  const say = (text: string): void => void options.stdout.write(`${text}\n`);
  const warn = (text: string): void => void options.stderr.write(`${options.style.yellow(text)}\n`);

  async function reply(text: string): Promise<void> {
    const controller = new AbortController();
    state.reply = controller;
    const snapshot = state.conversation.toJSON();
    try {
      const answer = await state.conversation.send(
        text,
        state.model,
        AbortSignal.any([controller.signal, options.signal]),
      );
      let wroteNewline = true;
      for await (const delta of answer.text) {
        options.stdout.write(delta);
        wroteNewline = delta.endsWith("\n");
      }
      if (!wroteNewline) options.stdout.write("\n");
      record(answer.usage());
    } catch (error) {
      // A failed or cancelled turn leaves no trace: the next message must not follow a dangling user turn.
      state.conversation = options.create(snapshot);
      if (controller.signal.aborted && !options.signal.aborted) {
        options.stdout.write("\n");
        warn("(reply cancelled)");
        return;
      }
      if (options.signal.aborted) throw error;
      const described = describeError(error);
      warn(`error: ${described.message}${described.hint === undefined ? "" : `\n${described.hint}`}`);
    } finally {
      state.reply = undefined;
    }
  }

  function record(usage: ReplUsage | undefined): void {
    state.last = usage;
    if (usage !== undefined) {
      state.total.promptTokens += usage.promptTokens;
      state.total.completionTokens += usage.completionTokens;
    }
    const prompt = usage?.promptTokens ?? state.conversation.estimateTokens();
    if (prompt > options.warnTokens) {
      warn(
        `The prompt is now ${prompt} tokens (usage.prompt_tokens): every turn resends the whole history. ` +
          `Type /trim to drop the oldest turns (to ${trimBudget()} tokens), or /reset to start over.`,
      );
    }
  }

  const trimBudget = () => Math.floor(options.warnTokens / 2);

  const commands: Record<string, (arg: string) => Promise<void> | void> = {
    help: () => void options.stdout.write(helpText),
    system: (arg) => {
      if (arg === "") return warn("Usage: /system TEXT");
      state.conversation.setSystem(arg);
      say("System prompt set.");
    },
    model: (arg) => {
      if (arg === "") return say(`Model: ${state.model ?? "auto-routing"}`);
      state.model = arg;
      say(`Model: ${arg}`);
    },
    reset: () => {
      state.conversation.reset();
      say("History cleared (system prompt kept).");
    },
    trim: (arg) => {
      const budget = arg === "" ? trimBudget() : Number(arg);
      if (!Number.isInteger(budget) || budget <= 0)
        return warn("Usage: /trim [TOKENS] with a positive whole number.");
      const dropped = state.conversation.trimTo(budget);
      say(
        `Dropped ${plural(dropped, "message")}; about ${state.conversation.estimateTokens()} tokens remain.`,
      );
    },
    usage: () => say(usageText()),
    save: (arg) => save(arg),
    load: (arg) => load(arg),
  };

  function usageText(): string {
    const last =
      state.last === undefined
        ? "no usage reported yet"
        : `last reply: ${state.last.promptTokens} prompt + ${state.last.completionTokens} completion tokens`;
    return [
      last,
      `session: ${state.total.promptTokens} prompt + ${state.total.completionTokens} completion tokens`,
      `history: ${plural(state.conversation.messageCount, "message")}, about ${state.conversation.estimateTokens()} tokens`,
      `model: ${state.model ?? "auto-routing"}`,
    ].join("\n");
  }

  async function save(file: string): Promise<void> {
    if (file === "") return void warn("Usage: /save FILE");
    try {
      await writeFile(
        resolve(options.cwd, file),
        `${JSON.stringify(state.conversation.toJSON(), null, 2)}\n`,
      );
      say(`Saved ${plural(state.conversation.messageCount, "message")} to ${file}.`);
    } catch (error) {
      warn(`Could not save to ${file}: ${(error as Error).message}`);
    }
  }

  async function load(file: string): Promise<void> {
    if (file === "") return void warn("Usage: /load FILE");
    try {
      const saved: unknown = JSON.parse(await readFile(resolve(options.cwd, file), "utf8"));
      state.conversation = options.create(saved);
      say(`Loaded ${plural(state.conversation.messageCount, "message")} from ${file}.`);
    } catch (error) {
      warn(`Could not load ${file}: ${(error as Error).message} (the current conversation is unchanged).`);
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
      const run = commands[name];
      if (run === undefined) warn(`Unknown command /${name}; /help lists the commands.`);
      else await run(arg.trim());
      return "continue";
    },
    interrupt() {
      if (state.reply === undefined) return false;
      state.reply.abort();
      return true;
    },
  };
}
