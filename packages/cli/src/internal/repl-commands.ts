import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ReplSessionOptions, ReplState } from "./repl-session.js";

/** Where a command's feedback goes: results to stdout, problems to stderr. */
export interface ReplIO {
  say(text: string): void;
  warn(text: string): void;
  /** A mistake in what was typed (a bad argument, a file that cannot be read or written): warned, and counted for the exit code. */
  mistake(text: string): void;
  /** Secondary detail (dimmed on a terminal), to stderr. */
  note(text: string): void;
}

/** A slash command's handler, given the text after its name. */
export type SlashCommand = (arg: string) => Promise<void> | void;

const helpText = `Commands:
  /system TEXT   set the system prompt (keeps the history)
  /model ID      switch the model for the next replies
  /reset         forget the history (keeps the system prompt)
  /trim [TOKENS] drop the oldest turns until the history fits TOKENS
  /save FILE     save the conversation as JSON
  /load FILE     load a conversation saved with /save
  /retry         send your last message again (its reply is dropped)
  /copy          copy the last reply to the clipboard (through the terminal)
  /usage         token counts so far
  /help          this list
  /exit          leave (so do Ctrl-D and Ctrl-C at an empty prompt)
Ctrl-C while a reply streams stops that reply and keeps the session.`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** The REPL's slash commands (except /exit, which the session handles), keyed by name. */
export function slashCommands(
  state: ReplState,
  io: ReplIO,
  options: Pick<ReplSessionOptions, "create" | "cwd" | "home" | "stdout">,
  trimBudget: number,
): Record<string, SlashCommand> {
  return {
    help: () => io.say(helpText),
    system: (arg) => {
      if (arg === "") return io.mistake("Usage: /system TEXT");
      state.conversation.setSystem(arg);
      io.say("System prompt set.");
    },
    model: (arg) => {
      if (arg !== "") state.model = arg;
      io.say(`Model: ${state.model ?? "auto-routing"}`);
    },
    reset: () => {
      state.conversation.reset();
      io.say("History cleared (system prompt kept).");
    },
    trim: (arg) => trim(state, io, arg === "" ? trimBudget : Number(arg)),
    usage: () => io.say(usageText(state)),
    copy: () => copy(state, io, options),
    save: (arg) => save(state, io, userPath(options, arg), arg),
    load: (arg) => load(state, io, options.create, userPath(options, arg), arg),
  };
}

// OSC 52 asks the terminal itself to set the clipboard: it works over SSH and inside tmux (with
// set-clipboard on), with no clipboard program to find. A pipe is no terminal to ask.
function copy(state: ReplState, io: ReplIO, options: Pick<ReplSessionOptions, "stdout">): void {
  const saved = state.conversation.toJSON() as { messages: { role: string; content?: unknown }[] };
  const last = saved.messages.at(-1);
  if (last?.role !== "assistant" || typeof last.content !== "string") {
    io.mistake("No reply to copy yet.");
    return;
  }
  if (options.stdout.isTTY !== true) {
    io.mistake("/copy needs a terminal: it asks the terminal to set the clipboard.");
    return;
  }
  const base64 = Buffer.from(last.content, "utf8").toString("base64");
  options.stdout.write(`\u001b]52;c;${base64}\u0007`);
  io.note(`(copied ${plural(last.content.length, "character")} to the clipboard)`);
}

function trim(state: ReplState, io: ReplIO, budget: number): void {
  if (!Number.isInteger(budget) || budget <= 0) {
    io.mistake("Usage: /trim [TOKENS] with a positive whole number.");
    return;
  }
  const dropped = state.conversation.trimTo(budget);
  io.say(
    `Dropped ${plural(dropped, "message")}; about ${state.conversation.estimateTokens()} tokens remain.`,
  );
}

function usageText(state: ReplState): string {
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

// A file name as a shell would read it: `~` or `~/…` is the home directory, the rest relative to cwd.
function userPath(options: Pick<ReplSessionOptions, "cwd" | "home">, file: string): string {
  const home = options.home;
  if (home !== undefined && (file === "~" || file.startsWith("~/"))) return join(home, file.slice(1));
  return resolve(options.cwd, file);
}

async function save(state: ReplState, io: ReplIO, path: string, file: string): Promise<void> {
  if (file === "") return io.mistake("Usage: /save FILE");
  try {
    await writeFile(path, `${JSON.stringify(state.conversation.toJSON(), null, 2)}\n`);
    io.say(`Saved ${plural(state.conversation.messageCount, "message")} to ${file}.`);
  } catch (error) {
    io.mistake(`Could not save to ${file}: ${(error as Error).message}`);
  }
}

// A bad file must not cost the user the conversation they have: replace it only on success.
async function load(
  state: ReplState,
  io: ReplIO,
  create: ReplSessionOptions["create"],
  path: string,
  file: string,
): Promise<void> {
  if (file === "") return io.mistake("Usage: /load FILE");
  try {
    const saved: unknown = JSON.parse(await readFile(path, "utf8"));
    state.conversation = create(saved);
    io.say(`Loaded ${plural(state.conversation.messageCount, "message")} from ${file}.`);
  } catch (error) {
    io.mistake(
      `Could not load ${file}: ${(error as Error).message} (the current conversation is unchanged).`,
    );
  }
}
