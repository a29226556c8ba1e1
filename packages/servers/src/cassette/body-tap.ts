// The recorder's copies of a response body, fed by the shared tee (internal/tee-body.ts) as the
// caller reads: whole bodies, or SSE frames timed as they arrive; and how the body ended.
import { concatBytes } from "../internal/read-capped.js";
import type { TeeEnd } from "../internal/tee-body.js";
import { toRecordedBody } from "./canonical.js";
import type { RecordedBody, RecordedFrame } from "./format.js";
import type { Scrubber } from "./scrub.js";
import { createFrameSplitter } from "./sse-frames.js";

/** How a recorded body ended: read to its end, or broken off (by the connection or by the caller). */
export type BodyOutcome = { kind: "complete" } | { kind: "dropped"; error: string };

/** The cassette's outcome of a teed body. */
export function bodyOutcome(end: TeeEnd): BodyOutcome {
  if (end.kind === "complete") return end;
  if (end.kind === "upstream_error") return { kind: "dropped", error: describe(end.error) };
  return { kind: "dropped", error: `the caller stopped reading (${describe(end.reason)})` };
}

/** A recorded copy of a body, as it arrives; `finish` gives the cassette's fields for it. */
export interface BodyCopy {
  add(bytes: Uint8Array): void;
  finish(afterMs: number): { body: RecordedBody | null; frames?: RecordedFrame[] };
}

/** An event stream's copy: whole frames, scrubbed, each timed when its last byte arrived. */
export function frameCopy(scrubber: Scrubber, since: () => number): BodyCopy {
  const frames: RecordedFrame[] = [];
  const splitter = createFrameSplitter();
  const decoder = new TextDecoder();
  return {
    add(bytes) {
      const atMs = since();
      for (const text of splitter.push(decoder.decode(bytes, { stream: true })))
        frames.push({ atMs, text: scrubber.text(text) });
    },
    finish(afterMs) {
      const last = splitter.push(decoder.decode());
      const { frames: held, rest } = splitter.end();
      // A cut-off last frame is kept as it arrived, without its blank line.
      for (const text of [...last, ...held, rest])
        if (text !== "") frames.push({ atMs: afterMs, text: scrubber.text(text) });
      return { body: null, frames };
    },
  };
}

/** Any other body's copy: the bytes, read into the cassette's form and scrubbed at the end. */
export function wholeCopy(scrubber: Scrubber, contentType: string | null): BodyCopy {
  const chunks: Uint8Array[] = [];
  let size = 0;
  return {
    add(bytes) {
      chunks.push(bytes);
      size += bytes.byteLength;
    },
    finish: () => ({ body: scrubber.body(toRecordedBody(concatBytes(chunks, size), contentType)) }),
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
