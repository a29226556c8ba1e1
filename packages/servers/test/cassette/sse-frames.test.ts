// The frame splitter: every line-end form the SSE spec allows, fed whole, in pieces and a character at a time.
import { describe, expect, it } from "vitest";
import { createFrameSplitter } from "../../src/cassette/sse-frames.js";

// Each case: the stream's text and the frames it holds (the rest is a cut-off frame).
const cases: { name: string; frames: string[]; rest?: string }[] = [
  { name: "LF", frames: ['data: {"a":1}\n\n', "data: 2\n\n"] },
  { name: "CRLF", frames: ["data: 1\r\n\r\n", "event: x\r\ndata: 2\r\n\r\n"] },
  { name: "CR", frames: ["data: 1\r\r", "data: 2\r\r"] },
  { name: "mixed line ends", frames: ["data: 1\n\r\n", "data: 2\r\n\n", "data: 3\r\r\n", "data: 4\r\n\r"] },
  { name: "comments and fields", frames: [": ping\n\n", "id: 7\nevent: e\nretry: 10\ndata: a\ndata: b\n\n"] },
  { name: "a frame cut off", frames: ["data: 1\n\n"], rest: 'data: {"par' },
  { name: "a cut-off frame that ends in one line end", frames: [], rest: "data: 1\n" },
  { name: "non-ASCII text", frames: ["data: héllo — 日本\n\n"] },
];

function split(pieces: string[]) {
  const splitter = createFrameSplitter();
  const frames = pieces.flatMap((piece) => splitter.push(piece));
  const end = splitter.end();
  return { frames: [...frames, ...end.frames], rest: end.rest };
}

describe("SSE frame splitter", () => {
  for (const { name, frames, rest = "" } of cases) {
    const text = frames.join("") + rest;
    it(`${name}: whole, in pieces of 3, and one character at a time`, () => {
      expect(split([text])).toEqual({ frames, rest });
      const threes = text.match(/[\s\S]{1,3}/g) ?? [];
      expect(split(threes)).toEqual({ frames, rest });
      expect(split([...text])).toEqual({ frames, rest });
      // And the frames with the rest are the text, byte for byte.
      expect(frames.join("") + rest).toBe(text);
    });
  }

  it("waits for the next piece before ending a frame on a lone CR, which a LF may follow", () => {
    const splitter = createFrameSplitter();
    expect(splitter.push("data: 1\r\n\r")).toEqual([]);
    expect(splitter.push("\ndata: 2")).toEqual(["data: 1\r\n\r\n"]);
    expect(splitter.push("\r\r")).toEqual([]);
    expect(splitter.end()).toEqual({ frames: ["data: 2\r\r"], rest: "" });
  });
});
