import { describe, expect, it } from "vitest";
import { pipedLineReader, readAll, splitLines } from "../src/internal/line-reader.js";

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
