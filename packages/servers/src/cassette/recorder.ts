// recordingFetch(): a fetch that records every exchange it forwards into a cassette file. The
// caller's response streams through untouched (each chunk is handed on as it arrives, pulled only
// when the caller reads), while a copy is cut into SSE frames, scrubbed and timed. The file is
// rewritten atomically (temp file + rename) after each exchange ends, so a kill loses at most the
// exchanges in flight.
import { resolve } from "node:path";
import { teeBody } from "../internal/tee-body.js";
import { hopByHopNames, withoutHopByHop } from "../proxy/hop-by-hop.js";
import { bodyOutcome, frameCopy, wholeCopy } from "./body-tap.js";
import { toRecordedBody } from "./canonical.js";
import { checkWritable, createCassetteWriter, readExisting } from "./cassette-file.js";
import {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  type Cassette,
  type Interaction,
  type RecordedRequest,
} from "./format.js";
import { createScrubber, SCRUBBED_PREFIX, type Scrubber } from "./scrub.js";

/** Options of {@link recordingFetch}. */
export interface RecordingOptions {
  /** Where requests go. @default globalThis.fetch */
  fetch?: ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) | undefined;
  /**
   * Values to scrub wherever they appear, besides what the scrubbing rules find (a client secret,
   * an API key). @default []
   */
  secrets?: Iterable<string> | undefined;
  /** The cassette's `recordedBy`. @default "gloo-toolkit (recordingFetch)" */
  recordedBy?: string | undefined;
  /**
   * Keep the interactions already in `file` and add the new ones after them, instead of starting
   * a fresh cassette (which replaces the file once the first exchange is recorded). @default false
   */
  append?: boolean | undefined;
}

/** The fetch {@link recordingFetch} returns: the global fetch's signature, plus the recording. */
export interface RecordingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Resolves once every exchange started so far has ended and is written; rejects if a write failed. */
  flush(): Promise<void>;
  /** The cassette as recorded so far (finished exchanges, in the order they started); read-only. */
  readonly cassette: Readonly<Cassette>;
  /** The cassette file's absolute path. */
  readonly file: string;
  /** Adds a token to scrub wherever it appears (tokens in token responses are found by themselves). */
  addSecret(value: string): void;
}

/**
 * Wraps fetch so that every exchange is recorded, scrubbed, into the cassette `file`: the request
 * (method, path and query, headers, body) and the answer (status, headers, the body whole, or for
 * `text/event-stream` frame by frame with arrival times). A request that gets no answer at all
 * (connection refused, aborted before the headers) is not recorded: the error is thrown as fetch
 * throws it. Throws at once if `file` cannot be written (saying how to fix it).
 * @example
 * const fetch = recordingFetch("test/cassettes/chat.json");
 * const gloo = new Gloo({ clientId, clientSecret, fetch });
 * await gloo.chat.completions.create({ model, messages });
 * await fetch.flush();
 */
export function recordingFetch(file: string, options: RecordingOptions = {}): RecordingFetch {
  const path = resolve(file);
  checkWritable(path);
  const previous = deepFreeze(options.append === true ? readExisting(path) : []);
  const upstream = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const scrubber = createScrubber({
    secrets: options.secrets ?? [],
    firstToken: lastToken(previous) + 1,
  });
  const header = {
    format: CASSETTE_FORMAT,
    version: CASSETTE_VERSION,
    recordedBy: options.recordedBy ?? "gloo-toolkit (recordingFetch)",
  } as const;
  // One slot per exchange, in the order the requests started; filled when the exchange ends.
  const slots: (Interaction | undefined)[] = [];
  const open = new Set<Promise<void>>();
  const finished = () => [...previous, ...slots.filter((slot) => slot !== undefined)];
  const writer = createCassetteWriter(path, () => ({ ...header, interactions: finished() }));

  const recording = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // The slot is taken before anything is awaited, so interactions keep the order requests started.
    const slot = slots.push(undefined) - 1;
    const startedAt = new Date().toISOString();
    const started = performance.now();
    let done!: () => void;
    const ended = new Promise<void>((resolve) => {
      done = resolve;
    });
    open.add(ended);
    const close = () => {
      open.delete(ended);
      done();
    };
    let response: Response;
    let request: RecordedRequest;
    try {
      const outgoing = await readRequest(input, init);
      request = {
        method: outgoing.method,
        path: outgoing.path,
        headers: scrubber.headers(withoutHopByHop(outgoing.headers, RECORDED_HEADERS_DROPPED)),
        body: scrubber.body(toRecordedBody(outgoing.body, outgoing.contentType)),
      };
      response = await upstream(outgoing.input, outgoing.init);
    } catch (error) {
      // No answer is not something the platform said: nothing to replay, so nothing is recorded.
      close();
      throw error;
    }
    return tapResponse(response, performance.now() - started, scrubber, (answer) => {
      slots[slot] = deepFreeze({ startedAt, request, response: answer });
      writer.write();
      close();
    });
  };

  return Object.defineProperties(recording, {
    flush: {
      value: async () => {
        while (open.size > 0) await Promise.all(open);
        await writer.idle();
      },
    },
    cassette: { get: () => Object.freeze({ ...header, interactions: Object.freeze(finished()) }) },
    file: { value: path },
    addSecret: { value: (value: string) => scrubber.addSecret(value) },
  }) as RecordingFetch;
}

/** A request as the recorder reads it, and how to forward it unchanged. */
interface OutgoingRequest {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array;
  contentType: string | null;
  input: string | URL | Request;
  init: RequestInit | undefined;
}

// Bodies given as a string or bytes are read in place and forwarded as given (the proxy's
// node:http fetch has a fast path for bytes); anything else goes through a Request.
async function readRequest(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<OutgoingRequest> {
  const raw = init?.body ?? null;
  if (!(input instanceof Request) && (raw === null || typeof raw === "string" || raw instanceof Uint8Array)) {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    return {
      method: (init?.method ?? "GET").toUpperCase(),
      path: url.pathname + url.search,
      headers,
      body: typeof raw === "string" ? new TextEncoder().encode(raw) : (raw ?? new Uint8Array(0)),
      contentType: headers.get("content-type") ?? (typeof raw === "string" ? "text/plain" : null),
      input,
      init,
    };
  }
  const request = new Request(input, init);
  const url = new URL(request.url);
  const body = new Uint8Array(await request.clone().arrayBuffer());
  return {
    method: request.method,
    path: url.pathname + url.search,
    headers: request.headers,
    body,
    contentType: request.headers.get("content-type"),
    input: request,
    init: undefined,
  };
}

type RecordedAnswer = Interaction["response"];

// Hands the caller a Response whose body streams from the upstream one as the caller reads it,
// with a copy recorded on the way (see body-tap.ts).
function tapResponse(
  response: Response,
  headersAfterMs: number,
  scrubber: Scrubber,
  onEnd: (answer: RecordedAnswer) => void,
): Response {
  const headersAt = performance.now();
  const since = () => tenths(performance.now() - headersAt);
  const contentType = response.headers.get("content-type");
  const base = {
    status: response.status,
    statusText: response.statusText,
    headers: scrubber.headers(withoutHopByHop(response.headers, RESPONSE_HEADERS_DROPPED)),
    headersAfterMs: tenths(headersAfterMs),
  };
  if (response.body === null) {
    onEnd({ ...base, body: null, end: { kind: "complete", afterMs: 0 } });
    return response;
  }
  const copy = (contentType ?? "").toLowerCase().includes("text/event-stream")
    ? frameCopy(scrubber, since)
    : wholeCopy(scrubber, contentType);
  const body = teeBody(response.body, {
    chunk: (bytes) => copy.add(bytes),
    end: (teeEnd) => {
      const afterMs = since();
      onEnd({ ...base, ...copy.finish(afterMs), end: { ...bodyOutcome(teeEnd), afterMs } });
    },
  });
  const tapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // A constructed Response has no URL; callers that look (redirect handling, logs) still see it.
  if (response.url !== "") Object.defineProperty(tapped, "url", { value: response.url });
  return tapped;
}

// Hop-by-hop fields (RFC 9110 §7.6.1, and the proxy credentials §11.7 scopes to one hop) describe
// one connection, not the exchange; the length is the recorded body's own (scrubbing may change
// it), so the replayer computes it. Both directions.
const RECORDED_HEADERS_DROPPED = hopByHopNames(["content-length"]);
// fetch hands over the body decoded, and that is what is recorded: its encoding no longer applies.
const RESPONSE_HEADERS_DROPPED = new Set([...RECORDED_HEADERS_DROPPED, "content-encoding"]);

// Times to a tenth of a millisecond: enough to replay a stream's pace, few digits in a diff.
function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

// The highest N of `gloo-scrubbed-token-N` in earlier interactions: new tokens number after it,
// so an appended token never takes the placeholder of an older, different one.
function lastToken(interactions: readonly Interaction[]): number {
  let last = 0;
  const pattern = new RegExp(`${SCRUBBED_PREFIX}token-(\\d+)`, "g");
  for (const match of JSON.stringify(interactions).matchAll(pattern)) last = Math.max(last, Number(match[1]));
  return last;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
