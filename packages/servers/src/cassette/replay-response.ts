// A recorded answer played back: the status and headers once the recorded time to the headers
// has passed, then the body — whole, or an event stream frame by frame at the recorded times —
// and the recorded ending, a dropped connection included. Every wait is measured from the
// request's arrival (absolute offsets), never summed from sleeps, so late timers do not add up.
import { hopByHopNames, withoutHopByHop } from "../proxy/hop-by-hop.js";
import { recordedBodyBytes } from "./canonical.js";
import type { RecordedResponse } from "./format.js";

/** The replayer's sense of time; tests inject one to check the schedule exactly. */
export interface ReplayClock {
  /** Milliseconds on a monotonic clock. @default performance.now */
  now(): number;
  /** Waits `ms` (or until `signal` aborts). @default setTimeout */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The default clock: `performance.now()` and an abortable `setTimeout`. */
export const realClock: ReplayClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

// Recorded header fields that no longer describe the bytes sent: the body was recorded decoded
// (so no content-encoding) and node writes its own framing (length or chunked).
const DROPPED_HEADERS = hopByHopNames(["content-length", "content-encoding"]);
// Statuses whose responses have no body (RFC 9110 §6.4.1); the Response constructor insists.
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const encoder = new TextEncoder();

/** A schedule measured from one instant: waits until a given offset, divided by the speed. */
interface Schedule {
  until(offsetMs: number, signal: AbortSignal): Promise<void>;
}

function schedule(clock: ReplayClock, start: number, speed: number): Schedule {
  return {
    async until(offsetMs, signal) {
      if (speed === 0) return;
      const wait = start + offsetMs / speed - clock.now();
      if (wait > 0) await clock.sleep(wait, signal);
    },
  };
}

/**
 * Plays `recorded` back for a request that arrived at `start` (on `clock`): resolves with the
 * Response once the recorded time to the headers has passed (divided by `speed`; 0 waits for
 * nothing). A request that got no answer at all is never in a cassette (the recorder throws).
 */
export async function replayResponse(
  recorded: RecordedResponse,
  options: { clock: ReplayClock; start: number; speed: number; signal: AbortSignal },
): Promise<Response> {
  const paced = schedule(options.clock, options.start, options.speed);
  await paced.until(recorded.headersAfterMs, options.signal);
  const headers = withoutHopByHop(new Headers(recorded.headers), DROPPED_HEADERS);
  const init = { status: recorded.status, statusText: recorded.statusText, headers };
  if (NULL_BODY.has(recorded.status)) return new Response(null, init);
  const bodyStart = recorded.headersAfterMs;
  if (recorded.frames !== undefined) {
    return new Response(frameStream(recorded, paced, bodyStart, options.signal), init);
  }
  // A copy typed as the body Response takes (an ArrayBuffer-backed view).
  const bytes = new Uint8Array(recordedBodyBytes(recorded.body));
  if (recorded.end.kind === "complete") return new Response(bytes.byteLength === 0 ? null : bytes, init);
  // A body cut off mid-way: what arrived, then the same break.
  const cut = [{ atMs: recorded.end.afterMs, bytes }];
  return new Response(chunkStream(cut, recorded, paced, bodyStart, options.signal), init);
}

function frameStream(
  recorded: RecordedResponse,
  paced: Schedule,
  bodyStart: number,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const chunks = (recorded.frames ?? []).map((frame) => ({
    atMs: frame.atMs,
    bytes: encoder.encode(frame.text),
  }));
  return chunkStream(chunks, recorded, paced, bodyStart, signal);
}

// Each chunk is sent once its time (after the headers) has come; then the recorded ending. A
// dropped ending errors the body, which `serve()` turns into a cut connection, as a real drop is.
function chunkStream(
  chunks: { atMs: number; bytes: Uint8Array }[],
  recorded: RecordedResponse,
  paced: Schedule,
  bodyStart: number,
  requestSignal: AbortSignal,
): ReadableStream<Uint8Array> {
  const cancelled = new AbortController();
  const signal = AbortSignal.any([requestSignal, cancelled.signal]);
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = chunks[next];
        await paced.until(bodyStart + (chunk?.atMs ?? recorded.end.afterMs), signal);
        // The client left (or cancelled): end this body rather than be pulled again.
        if (signal.aborted) return controller.error(new Error("The replay was cancelled."));
        if (chunk !== undefined) {
          next++;
          if (chunk.bytes.byteLength > 0) controller.enqueue(chunk.bytes);
          return;
        }
        if (recorded.end.kind === "dropped") {
          controller.error(new Error(`Connection dropped, as recorded: ${recorded.end.error}`));
        } else controller.close();
      },
      cancel() {
        cancelled.abort();
      },
    },
    { highWaterMark: 0 },
  );
}
