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

/**
 * A terminal: `node:readline` with a prompt. In raw mode Ctrl-C arrives as readline's `SIGINT`
 * event, not as a process signal, so `onInterrupt` decides: stop a reply, clear the line, or leave.
 */
export function terminalLineReader(
  input: Input,
  output: Output,
  promptText: string,
  onInterrupt: () => boolean,
): LineReader {
  const rl = createInterface({
    input: input as NodeJS.ReadableStream,
    output: output as NodeJS.WritableStream,
    prompt: promptText,
    terminal: true,
  });
  rl.on("SIGINT", () => {
    if (onInterrupt()) return;
    if (rl.line !== "") {
      // Like a shell: Ctrl-C with text typed discards it and shows a fresh prompt.
      output.write("^C\n");
      rl.write(null, { ctrl: true, name: "u" });
      rl.prompt();
      return;
    }
    output.write("\n");
    rl.close();
  });
  return {
    [Symbol.asyncIterator]: () => rl[Symbol.asyncIterator](),
    prompt: () => rl.prompt(),
    close: () => rl.close(),
  };
}
