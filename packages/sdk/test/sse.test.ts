import { readFileSync } from "node:fs";
import { createSSEParser, type ServerSentEvent } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

/** One case of the third-party SSE conformance table (see `fixtures/README.md`). */
interface SSECase {
  name: string;
  input: string;
  chunks?: string[];
  byteChunksHex?: string[];
  expected: { event: string; data: string; id: string }[];
  expectedRetry?: number;
  expectedLastEventId?: string;
}

const table = readFileSync(new URL("./fixtures/sse-cases.json", import.meta.url), "utf8");
const cases = (JSON.parse(table) as { cases: SSECase[] }).cases;
const encoder = new TextEncoder();

/** Feeds pieces to a fresh parser and reports what it saw. */
function parse(pieces: Iterable<string | Uint8Array>) {
  const events: ServerSentEvent[] = [];
  const retries: number[] = [];
  const parser = createSSEParser({ onEvent: (e) => events.push(e), onRetry: (ms) => retries.push(ms) });
  for (const piece of pieces) parser.feed(piece);
  parser.end();
  return { events, retries, lastEventId: parser.lastEventId, retry: parser.retry };
}

function givenChunks(c: SSECase): (string | Uint8Array)[] {
  if (c.byteChunksHex) return c.byteChunksHex.map(hexToBytes);
  return c.chunks ?? [c.input];
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

function singleBytes(text: string): Uint8Array[] {
  return Array.from(encoder.encode(text), (byte) => Uint8Array.of(byte));
}

const modes: [string, (c: SSECase) => Iterable<string | Uint8Array>][] = [
  ["whole text", (c) => [c.input]],
  ["whole UTF-8 bytes", (c) => [encoder.encode(c.input)]],
  ["the given chunks", givenChunks],
  // Code units, not code points: a split between surrogate halves must not matter either.
  ["one character at a time", (c) => c.input.split("")],
  ["one byte at a time", (c) => singleBytes(c.input)],
];

describe("SSE conformance cases", () => {
  it("loads all 52 cases", () => {
    expect(cases).toHaveLength(52);
  });

  describe.each(modes)("fed as %s", (_mode, pieces) => {
    it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const result = parse(pieces(c));
      expect(result.events).toEqual(c.expected);
      if (c.expectedRetry !== undefined) expect(result.retry).toBe(c.expectedRetry);
      if (c.expectedLastEventId !== undefined) expect(result.lastEventId).toBe(c.expectedLastEventId);
    });
  });
});

describe("createSSEParser", () => {
  it("reports every valid retry field and each comment", () => {
    const comments: string[] = [];
    const retries: number[] = [];
    const parser = createSSEParser({
      onEvent: () => {},
      onRetry: (ms) => retries.push(ms),
      onComment: (text) => comments.push(text),
    });
    parser.feed(": keep-alive\nretry: 10\nretry: x\nretry: 0020\n\n");
    expect(retries).toEqual([10, 20]);
    expect(comments).toEqual([" keep-alive"]);
  });

  it("treats a CR at the end of one chunk and an LF at the start of the next as one line break", () => {
    const { events } = parse(["data: a\r", "\ndata: b\r", "", "\n\r", "\n"]);
    expect(events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("strips only one leading BOM, even when the text arrives in pieces", () => {
    const { events } = parse(["", "\uFEFF", "data: x\n\n"]);
    expect(events).toEqual([{ event: "message", data: "x", id: "" }]);
    expect(parse(["\uFEFF", "\uFEFFdata: x\n\n"]).events).toEqual([]);
  });

  it("joins a long line fed in many pieces", () => {
    const long = "x".repeat(100_000);
    const { events } = parse(["data: ", ...long.split(""), "\n\n"]);
    expect(events[0]?.data).toBe(long);
  });

  it("discards the unterminated last block and does not commit its id", () => {
    const { events, lastEventId } = parse(["id: 1\ndata: a\n\nid: 2\ndata: b\n"]);
    expect(events).toEqual([{ event: "message", data: "a", id: "1" }]);
    expect(lastEventId).toBe("1");
  });
});
