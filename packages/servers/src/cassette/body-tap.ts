// The recorder's tap on a response body: the caller's stream is pulled from the upstream one chunk
// by chunk, only as the caller reads (highWaterMark 0: nothing is read ahead or held back), and
// each chunk is also handed to a copy that becomes the cassette's body or its SSE frames.
import { concatBytes } from "../internal/read-capped.js";
import { toRecordedBody } from "./canonical.js";
import type { RecordedBody, RecordedFrame } from "./format.js";
import type { Scrubber } from "./scrub.js";
import { createFrameSplitter } from "./sse-frames.js";

/** How a body ended: read to its end, or broken off (by the connection or by the caller). */
export type BodyOutcome = { kind: "complete" } | { kind: "dropped"; error: string };

/** Where {@link teeBody} sends what passes: each chunk, then the outcome (exactly once). */
export interface BodySink {
  chunk(bytes: Uint8Array): void;
  end(outcome: BodyOutcome): void;
}

/** The caller's body: `body` chunk by chunk as the caller reads it, each chunk also given to `sink`. */
export function teeBody(body: ReadableStream<Uint8Array>, sink: BodySink): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (outcome: BodyOutcome) => {
    if (ended) return;
    ended = true;
    sink.end(outcome);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          end({ kind: "dropped", error: describe(error) });
          controller.error(error);
          return;
        }
        if (result.done) {
          end({ kind: "complete" });
          controller.close();
          return;
        }
        sink.chunk(result.value);
        controller.enqueue(result.value);
      },
      async cancel(reason) {
        end({ kind: "dropped", error: `the caller stopped reading (${describe(reason)})` });
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
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
