import { createInterface } from "node:readline";
import type { Input, Output } from "../context.js";

/** Lines typed or piped in, one at a time. */
export interface LineReader extends AsyncIterable<string> {
  /** Shows the prompt (interactive only; piped input gets no prompt noise). */
  prompt(): void;
  close(): void;
}

/** Splits any byte or string stream into lines (`\n` or `\r\n`); the last line may lack a newline. */
export async function* splitLines(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of input) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      yield buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
    }
  }
  buffer += decoder.decode();
  if (buffer !== "") yield buffer.replace(/\r$/, "");
}

/** Reads all of `input` as text (for `gloo chat -`). */
export async function readAll(input: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of input)
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Plain lines from a pipe or a test. */
export function pipedLineReader(input: Input): LineReader {
  const lines = splitLines(input);
  return {
    [Symbol.asyncIterator]: () => lines,
    prompt() {},
    close() {
      void lines.return(undefined);
    },
  };
}

/** Options of {@link terminalLineReader}. */
export interface TerminalOptions {
  /** The prompt, e.g. `you› `. */
  prompt: string;
  /** The prompt of a message's next line (after a line ending in `\`). */
  continuationPrompt: string;
  /** Ctrl-C: true when the caller used it (stopped a reply); otherwise the reader clears the line or leaves. */
  onInterrupt: () => boolean;
  /** Earlier entries, newest first (up-arrow); kept across sessions by the caller. */
  history?: string[] | undefined;
  /** Told of the history (newest first) whenever it changes. */
  onHistory?: ((history: string[]) => void) | undefined;
}

// The terminal's bracketed paste mode (xterm; also tmux, iTerm2, GNOME Terminal, Windows Terminal):
// a paste arrives between ESC[200~ and ESC[201~, which readline reports as paste-start/-end keys.
const PASTE_ON = "\u001b[?2004h";
const PASTE_OFF = "\u001b[?2004l";

/**
 * A terminal: `node:readline` with a prompt. One message may span lines: a paste is one message
 * (the lines it holds wait for the Enter after it), and a line ending in `\` continues on the next.
 * In raw mode Ctrl-C arrives as readline's `SIGINT` event, not as a process signal, so
 * `onInterrupt` decides: stop a reply, clear the line, or leave.
 */
export function terminalLineReader(input: Input, output: Output, options: TerminalOptions): LineReader {
  const rl = createInterface({
    input: input as NodeJS.ReadableStream,
    output: output as NodeJS.WritableStream,
    prompt: options.prompt,
    terminal: true,
    history: [...(options.history ?? [])],
    historySize: 1000,
    removeHistoryDuplicates: true,
  });
  if (options.onHistory !== undefined) rl.on("history", options.onHistory);
  const messages = new MessageQueue();
  let pasting = false;
  let closing = false;
  let closed = false;
  let pending: string[] = [];
  // Registered after readline's own listener, so a paste's flag is set before its first line ends.
  const onKey = (_text: unknown, key: { name?: string } | undefined) => {
    if (key?.name === "paste-start") pasting = true;
    if (key?.name === "paste-end") pasting = false;
  };
  (input as NodeJS.ReadableStream).on("keypress", onKey);
  rl.on("line", (line: string) => {
    if (pasting) {
      pending.push(line);
      return;
    }
    if (line.endsWith("\\")) {
      pending.push(line.slice(0, -1));
      rl.setPrompt(options.continuationPrompt);
      rl.prompt();
      return;
    }
    messages.push([...pending, line].join("\n"));
    pending = [];
    rl.setPrompt(options.prompt);
  });
  rl.on("SIGINT", () => {
    if (options.onInterrupt()) return;
    if (rl.line !== "" || pending.length > 0) {
      // Like a shell: Ctrl-C with text typed discards it and shows a fresh prompt.
      pending = [];
      output.write("^C\n");
      rl.write(null, { ctrl: true, name: "u" });
      rl.setPrompt(options.prompt);
      rl.prompt();
      return;
    }
    output.write("\n");
    closing = true;
    rl.close();
  });
  rl.on("close", () => {
    closed = true;
    // Ctrl-D leaves readline at the end of the prompt line: end it, so the shell's prompt starts clean.
    if (!closing) output.write("\n");
    (input as NodeJS.ReadableStream).off("keypress", onKey);
    output.write(PASTE_OFF);
    messages.end();
  });
  output.write(PASTE_ON);
  return {
    [Symbol.asyncIterator]: () => messages[Symbol.asyncIterator](),
    // After a close (Ctrl-D typed while a reply streamed), readline's prompt() would resume stdin
    // and keep the process alive for good.
    prompt: () => {
      if (!closed) rl.prompt();
    },
    close: () => {
      closing = true;
      rl.close();
    },
  };
}

// Messages handed from readline's synchronous events to an async reader, in order.
class MessageQueue implements AsyncIterable<string> {
  readonly #ready: string[] = [];
  #waiting: ((result: IteratorResult<string, undefined>) => void) | undefined;
  #ended = false;

  push(message: string): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) waiting({ value: message, done: false });
    else this.#ready.push(message);
  }

  end(): void {
    this.#ended = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<string, undefined> {
    return {
      next: () => {
        const message = this.#ready.shift();
        if (message !== undefined) return Promise.resolve({ value: message, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiting = resolve;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
