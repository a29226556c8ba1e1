import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { pipedLineReader, readAll, splitLines, terminalLineReader } from "../src/internal/line-reader.js";

async function* pieces(...chunks: (string | Uint8Array)[]) {
  yield* chunks;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of iterable) lines.push(line);
  return lines;
}

describe("splitLines", () => {
  it("joins lines split across chunks, handles CRLF and a last line without newline", async () => {
    expect(await collect(splitLines(pieces("a\r\nb", "c\n\nd")))).toEqual(["a", "bc", "", "d"]);
  });

  it("decodes UTF-8 split inside a character", async () => {
    const bytes = new TextEncoder().encode("é\n");
    expect(await collect(splitLines(pieces(bytes.slice(0, 1), bytes.slice(1))))).toEqual(["é"]);
  });
});

describe("readAll / pipedLineReader", () => {
  it("reads the whole input, and piped lines without a prompt", async () => {
    expect(await readAll(pieces("x", new TextEncoder().encode("y")))).toBe("xy");
    const reader = pipedLineReader(pieces("one\ntwo\n"));
    reader.prompt();
    expect(await collect(reader)).toEqual(["one", "two"]);
  });
});

describe("terminalLineReader", () => {
  function terminal(onInterrupt: () => boolean) {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        callback();
      },
    });
    const output = Object.assign(sink, { isTTY: true, columns: 80, text: () => chunks.join("") });
    const reader = terminalLineReader(input, output, {
      prompt: "you› ",
      continuationPrompt: "  … ",
      onInterrupt,
    });
    const lines = reader[Symbol.asyncIterator]();
    return { input, output, reader, lines };
  }

  it("prompts, reads lines, and hands Ctrl-C to the session first", async () => {
    let interrupts = 0;
    const { input, output, reader, lines } = terminal(() => {
      interrupts += 1;
      return true;
    });
    reader.prompt();
    input.write("hello\r");
    expect(await lines.next()).toEqual({ value: "hello", done: false });
    input.write("\u0003");
    expect(interrupts).toBe(1);
    expect(output.text()).toContain("you› ");
    reader.close();
  });

  it("clears a half-typed line on Ctrl-C, and leaves on Ctrl-C at an empty prompt", async () => {
    const { input, output, lines } = terminal(() => false);
    input.write("half typed");
    input.write("\u0003");
    input.write("kept\r");
    expect(await lines.next()).toEqual({ value: "kept", done: false });
    expect(output.text()).toContain("^C");
    input.write("\u0003");
    expect((await lines.next()).done).toBe(true);
  });

  it("reads a bracketed paste as one message, sent by the Enter after it", async () => {
    const { input, reader, lines } = terminal(() => false);
    input.write("\u001b[200~first line\rsecond line\nthird\u001b[201~");
    input.write(" and more\r");
    expect(await lines.next()).toEqual({ value: "first line\nsecond line\nthird and more", done: false });
    reader.close();
  });

  it("continues a message on the next line after a trailing backslash", async () => {
    const { input, output, reader, lines } = terminal(() => false);
    input.write("one\\\rtwo\r");
    expect(await lines.next()).toEqual({ value: "one\ntwo", done: false });
    expect(output.text()).toContain("  … ");
    reader.close();
  });
});
