// The inverse of `stream-event.ts`: chunks back into server-sent event bytes (`data: {chunk}`, and
// a platform error as `event: error`), so a stream can be sent on and read back by the same parser.
import { StreamError } from "../errors.js";
import type { ChatCompletionChunk } from "../types.js";

/** A byte stream of the chunks `iterator` yields; cancelling it returns the iterator (closing its stream). */
export function encodeStreamEvents(
  iterator: AsyncIterator<ChatCompletionChunk, undefined>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = await iterator.next();
        if (result.done) controller.close();
        else controller.enqueue(encoder.encode(`data: ${JSON.stringify(result.value)}\n\n`));
      } catch (error) {
        // A platform error has a wire form the reader understands; any other failure errors the bytes.
        if (!(error instanceof StreamError)) throw error;
        controller.enqueue(
          encoder.encode(`event: error\ndata: ${JSON.stringify({ error: error.error })}\n\n`),
        );
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
