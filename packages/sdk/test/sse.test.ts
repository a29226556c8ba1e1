import { readFileSync } from "node:fs";
import {
  createSSEParser,
  DEFAULT_MAX_EVENT_SIZE,
  type ServerSentEvent,
  SSEEventTooLargeError,
} from "@gloo-toolkit/sdk";
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

  it("stops with SSEEventTooLargeError when a line that never ends outgrows maxEventSize", () => {
    const parser = createSSEParser({ onEvent: () => {}, maxEventSize: 1000 });
    parser.feed("data: ");
    // 990 characters fit (996 with the field name); the next ten do not.
    parser.feed("x".repeat(990));
    const error = (() => {
      try {
        parser.feed("x".repeat(10));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SSEEventTooLargeError);
    expect(error).toMatchObject({ limit: 1000, message: expect.stringContaining("maxEventSize") });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "SSEEventTooLargeError",
      message: (error as Error).message,
      limit: 1000,
    });
  });

  it("stops when one event's data lines add up past maxEventSize, whether fed whole or in pieces", () => {
    const line = `data: ${"y".repeat(99)}\n`;
    const block = `${line.repeat(11)}\n`; // 11 lines of 99 characters joined by LF: 1099 > 1000
    const feedAll = (pieces: string[]) => () => {
      const parser = createSSEParser({ onEvent: () => {}, maxEventSize: 1000 });
      for (const piece of pieces) parser.feed(piece);
    };
    expect(feedAll([block])).toThrow(SSEEventTooLargeError);
    expect(feedAll(block.split(""))).toThrow(SSEEventTooLargeError);
    // Ten lines (999 characters of data) are within the limit and dispatch as one event.
    const events: ServerSentEvent[] = [];
    const parser = createSSEParser({ onEvent: (e) => events.push(e), maxEventSize: 1000 });
    parser.feed(`${line.repeat(10)}\n`);
    expect(events[0]?.data).toHaveLength(999);
  });

  it("checks a whole data line in the fast path too", () => {
    const parser = createSSEParser({ onEvent: () => {}, maxEventSize: 10 });
    expect(() => parser.feed("data: 0123456789\n\n")).not.toThrow();
    expect(() => parser.feed("data: 0123456789A\n\n")).toThrow(SSEEventTooLargeError);
  });

  it("refuses a maxEventSize that is not a positive number", () => {
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => createSSEParser({ onEvent: () => {}, maxEventSize: bad })).toThrow(
        /maxEventSize must be a positive number/,
      );
    }
    expect(() =>
      createSSEParser({ onEvent: () => {}, maxEventSize: Number.POSITIVE_INFINITY }),
    ).not.toThrow();
  });

  it("has a default limit far above a chat chunk", () => {
    expect(DEFAULT_MAX_EVENT_SIZE).toBe(16 * 2 ** 20);
    const { events } = parse([`data: ${"z".repeat(1_000_000)}\n\n`]);
    expect(events[0]?.data).toHaveLength(1_000_000);
  });

  it("discards the unterminated last block and does not commit its id", () => {
    const { events, lastEventId } = parse(["id: 1\ndata: a\n\nid: 2\ndata: b\n"]);
    expect(events).toEqual([{ event: "message", data: "a", id: "1" }]);
    expect(lastEventId).toBe("1");
  });
});

// The parser reads `data: <value>` + blank line blocks with LF endings without splitting lines;
// whatever it takes that shortcut for must come out exactly as the line-by-line algorithm gives it.
describe("createSSEParser on the common `data: …\\n\\n` shape", () => {
  const chunks = Array.from({ length: 5 }, (_, i) =>
    JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: `w${i} ` }, finish_reason: null }] }),
  );
  // Blocks of the common shape, mixed with every shape that needs the general steps.
  const mixed = [
    `data: ${chunks[0]}\n\n`,
    ": keep-alive\n\n",
    `event: ping\ndata: ${chunks[1]}\n\n`,
    `id: 7\ndata: ${chunks[2]}\n\n`,
    `data: ${chunks[3]}\n\n`,
    "data:no-space\n\n",
    "data: first\ndata: second\n\n",
    "retry: 50\ndata: \n\n",
    `data: ${chunks[4]}\n\n`,
    "data: [DONE]\n\n",
  ].join("");
  const expected = [
    { event: "message", data: chunks[0], id: "" },
    { event: "ping", data: chunks[1], id: "" },
    { event: "message", data: chunks[2], id: "7" },
    { event: "message", data: chunks[3], id: "7" },
    { event: "message", data: "no-space", id: "7" },
    { event: "message", data: "first\nsecond", id: "7" },
    { event: "message", data: "", id: "7" },
    { event: "message", data: chunks[4], id: "7" },
    { event: "message", data: "[DONE]", id: "7" },
  ];

  it.each([
    ["whole text (the shortcut wherever it applies)", [mixed]],
    ["whole UTF-8 bytes", [encoder.encode(mixed)]],
    ["one character at a time (never the shortcut)", mixed.split("")],
    ["cut after every LF (blank lines arrive alone)", mixed.split(/(?<=\n)/)],
    ["CRLF endings (never the shortcut)", [mixed.replaceAll("\n", "\r\n")]],
    ["CR endings", [mixed.replaceAll("\n", "\r")]],
  ])("gives the same events fed as %s", (_mode, pieces) => {
    const result = parse(pieces);
    expect(result.events).toEqual(expected);
    expect(result.retry).toBe(50);
    expect(result.lastEventId).toBe("7");
  });

  it("ends a line at a CR inside a `data: ` line, as the general algorithm does", () => {
    expect(parse(["data: a\rdata: b\n\n"]).events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
    expect(parse(["data: a\n\rdata: b\n\n"]).events).toEqual([
      { event: "message", data: "a", id: "" },
      { event: "message", data: "b", id: "" },
    ]);
  });

  it("appends to data collected before the block's last line instead of replacing it", () => {
    expect(parse(["data: a\n", "data: b\n\n"]).events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
    expect(parse(["data: a\ndata: b\n\n"]).events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("completes a line begun in the previous chunk before reading blocks whole", () => {
    expect(parse(["da", "ta: a\n\ndata: b\n\n"]).events).toEqual([
      { event: "message", data: "a", id: "" },
      { event: "message", data: "b", id: "" },
    ]);
    // The second chunk looks like a whole block, but its first line continues a comment.
    expect(parse([": note ", "data: a\n\ndata: b\n\n"]).events).toEqual([
      { event: "message", data: "b", id: "" },
    ]);
  });

  it("keeps an event type set before the block's data line", () => {
    expect(parse(["event: x\n", "data: a\n\ndata: b\n\n"]).events).toEqual([
      { event: "x", data: "a", id: "" },
      { event: "message", data: "b", id: "" },
    ]);
  });
});
