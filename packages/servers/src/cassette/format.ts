// The cassette: one JSON file of recorded exchanges with the platform, written by the recorder
// (`gloo proxy --record`, `recordingFetch`) and read by the replayer (`gloo emulator --replay`).
// Versioned, pretty-printed with stable key order, one SSE frame per array element, so a
// re-recording diffs line by line in review.

/** The `format` field of every cassette. */
export const CASSETTE_FORMAT = "gloo-cassette";
/** The version this toolkit writes and reads. */
export const CASSETTE_VERSION = 1;

/** A whole cassette file. */
export interface Cassette {
  format: typeof CASSETTE_FORMAT;
  version: typeof CASSETTE_VERSION;
  /** Who wrote it, e.g. `gloo-toolkit 0.1.0 (gloo proxy --record)`. */
  recordedBy: string;
  /** The recorded exchanges, in the order their requests started. */
  interactions: Interaction[];
}

/** One request and the platform's answer to it. */
export interface Interaction {
  /** When the request started (ISO 8601). */
  startedAt: string;
  request: RecordedRequest;
  response: RecordedResponse;
}

/** A request as sent upstream, scrubbed. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent: `/ai/v1/chat/completions`, `/oauth2/token`. */
  path: string;
  /** Lower-case names, sorted; secrets replaced by placeholders. */
  headers: Record<string, string>;
  body: RecordedBody | null;
}

/**
 * A body, in the most readable form that still gives back the exact bytes' meaning: JSON as a
 * value (keys sorted), a form as its fields in order, other text as text, anything else base64.
 */
export type RecordedBody =
  | { json: unknown }
  | { form: [name: string, value: string][] }
  | { text: string }
  | { base64: string };

/** The answer, scrubbed. */
export interface RecordedResponse {
  status: number;
  statusText: string;
  /** Lower-case names, sorted; secrets replaced by placeholders. */
  headers: Record<string, string>;
  /** Milliseconds from the request's start to the response's headers. */
  headersAfterMs: number;
  /** The whole body, for answers that are not an event stream; null for none. */
  body: RecordedBody | null;
  /**
   * For `text/event-stream` answers: every frame as it was sent (the text up to and including
   * the blank line that ends it, byte for byte; a last frame cut off by a dropped connection has
   * no blank line), with the milliseconds since the headers at which it had fully arrived.
   */
  frames?: RecordedFrame[];
  /** How the body ended: read to its end, or the connection broke (`error` says how). */
  end: { kind: "complete"; afterMs: number } | { kind: "dropped"; afterMs: number; error: string };
}

/** One SSE frame of a recorded stream. */
export interface RecordedFrame {
  /** Milliseconds after the response headers at which the frame's last byte arrived. */
  atMs: number;
  /** The frame's text, exactly as sent, including its terminating blank line. */
  text: string;
}

/** Serialises a cassette as the file holds it: two-space JSON and a final newline. */
export function formatCassette(cassette: Cassette): string {
  return `${JSON.stringify(cassette, null, 2)}\n`;
}

/**
 * Reads a cassette file's text. Throws an Error that says what is wrong and how to fix it for
 * anything that is not a cassette this toolkit can replay.
 */
export function parseCassette(text: string, source = "the cassette"): Cassette {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${source} is not JSON (${(error as Error).message}). A cassette is the JSON file written by \`gloo proxy --record\` or recordingFetch().`,
    );
  }
  if (!isObject(value) || value.format !== CASSETTE_FORMAT) {
    throw new Error(
      `${source} is not a gloo cassette (no "format": "${CASSETTE_FORMAT}"). Record one with \`gloo proxy --record FILE\` or recordingFetch(FILE).`,
    );
  }
  if (value.version !== CASSETTE_VERSION) {
    throw new Error(
      `${source} is cassette version ${String(value.version)}; this gloo-toolkit reads version ${CASSETTE_VERSION}. Re-record it, or use the gloo-toolkit that wrote it.`,
    );
  }
  if (!Array.isArray(value.interactions)) {
    throw new Error(`${source} has no "interactions" list. Re-record it.`);
  }
  for (const [index, interaction] of value.interactions.entries()) {
    checkInteraction(interaction, `${source}, interaction ${index + 1}`);
  }
  return value as unknown as Cassette;
}

function checkInteraction(value: unknown, where: string): void {
  const request = isObject(value) ? value.request : undefined;
  const response = isObject(value) ? value.response : undefined;
  if (!isObject(request) || typeof request.method !== "string" || typeof request.path !== "string") {
    throw new Error(
      `${where}: the request needs a "method" and a "path". Re-record it or fix the file by hand.`,
    );
  }
  if (!isObject(response) || typeof response.status !== "number" || !isObject(response.end)) {
    throw new Error(
      `${where}: the response needs a numeric "status" and an "end". Re-record it or fix the file by hand.`,
    );
  }
  if (response.frames !== undefined && !Array.isArray(response.frames)) {
    throw new Error(
      `${where}: "frames" must be a list of { atMs, text }. Re-record it or fix the file by hand.`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
