// A body passed on chunk by chunk with a copy of each chunk for an observer: the proxy's usage
// tap and the recorder's cassette copy are both this. The result is pulled from upstream only as
// its reader reads (highWaterMark 0: nothing read ahead or held back); cancelling it cancels the
// upstream body.

/** How a teed body ended. */
export type TeeEnd =
  | { kind: "complete" }
  | { kind: "upstream_error"; error: unknown }
  | { kind: "cancelled"; reason: unknown };

/** What {@link teeBody} tells its observer: each chunk as it passes, then the end, exactly once. */
export interface TeeSink {
  chunk(bytes: Uint8Array): void;
  end(end: TeeEnd): void;
}

/** `body` as a new stream that hands each chunk to `sink` as its reader takes it. */
export function teeBody(body: ReadableStream<Uint8Array>, sink: TeeSink): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (outcome: TeeEnd) => {
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
          end({ kind: "upstream_error", error });
          throw error;
        }
        // Already ended means the reader cancelled while this read was pending: nothing to pass on.
        if (ended) return;
        if (result.done) {
          end({ kind: "complete" });
          controller.close();
          return;
        }
        controller.enqueue(result.value);
        sink.chunk(result.value);
      },
      async cancel(reason) {
        end({ kind: "cancelled", reason });
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
