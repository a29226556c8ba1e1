// Cuts an event stream's text into frames as it arrives, keeping every byte: a frame is the text
// up to and including the blank line that ends it. The SSE spec (WHATWG HTML §9.2.6) ends a line
// with CRLF, LF or CR, so "\n\n", "\r\n\r\n", "\r\r" and mixes such as "\n\r\n" all end a frame.

/** Splits streamed text into whole SSE frames; what is left at the end is a cut-off frame. */
export interface FrameSplitter {
  /** Adds text; returns the frames it completed, in order. */
  push(text: string): string[];
  /**
   * Ends the stream: the frames still held (one ending in a lone CR waits to see whether a LF
   * follows) and the text after the last whole frame (a cut-off frame; "" if none).
   */
  end(): { frames: string[]; rest: string };
}

/** Creates a {@link FrameSplitter}. */
export function createFrameSplitter(): FrameSplitter {
  let buffer = "";
  // Where the next scan starts: text before it holds no frame end (a frame can be long).
  let scanned = 0;
  return {
    push(text) {
      return take(text, false);
    },
    end() {
      const frames = take("", true);
      const rest = buffer;
      buffer = "";
      return { frames, rest };
    },
  };

  function take(text: string, final: boolean): string[] {
    buffer += text;
    const frames: string[] = [];
    for (;;) {
      const end = frameEnd(buffer, scanned, final);
      if (end === undefined) break;
      frames.push(buffer.slice(0, end));
      buffer = buffer.slice(end);
      scanned = 0;
    }
    // A frame end may start at the last two characters ("\r\n" waiting for its second line end).
    scanned = Math.max(0, buffer.length - 3);
    return frames;
  }
}

/**
 * The index just after the first blank line in `text` from `from` on, or undefined. A trailing
 * "\r" is not yet an end: a "\n" may follow in the next chunk and belongs to the same line end.
 */
function frameEnd(text: string, from: number, final: boolean): number | undefined {
  for (let i = from; i < text.length; i++) {
    const first = lineEnd(text, i, final);
    if (first === undefined) continue;
    if (first === -1) return undefined;
    const second = lineEnd(text, first, final);
    if (second === -1) return undefined;
    if (second !== undefined) return second;
    i = first - 1;
  }
  return undefined;
}

// After the line end at `i`: its end index; undefined if none is there; -1 when it cannot be told
// yet (a "\r" as the last character, which a "\n" may follow, unless the stream has ended).
function lineEnd(text: string, i: number, final: boolean): number | undefined {
  const char = text[i];
  if (char === "\n") return i + 1;
  if (char !== "\r") return undefined;
  if (i + 1 >= text.length) return final ? i + 1 : -1;
  return text[i + 1] === "\n" ? i + 2 : i + 1;
}
