import { readCapped } from "../internal/read-capped.js";
import { invalidRequest, json } from "./http.js";

/** Largest accepted request body: 1 MiB (emulator choice, unconfirmed; the platform publishes no limit). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Either the parsed JSON body or the error response to send instead. */
export type BodyResult = { ok: true; value: unknown; text: string } | { ok: false; response: Response };

// One decoder for every body: without `stream`, each decode starts afresh, so sharing it is safe.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a JSON body: checks the content type, the size, UTF-8 and JSON syntax, with a message saying what to fix. */
export async function readJsonBody(request: Request, requestId: string): Promise<BodyResult> {
  const text = await readJsonText(request, requestId);
  return typeof text === "string" ? parseJsonText(text, requestId) : fail(text);
}

/** The text of a JSON body (content type, size, UTF-8 and emptiness checked), or the error to send. */
export async function readJsonText(request: Request, requestId: string): Promise<string | Response> {
  const type = request.headers.get("content-type") ?? "";
  if (!isJsonType(type)) {
    const got = type === "" ? "no Content-Type" : `Content-Type "${type}"`;
    return invalidRequest(`Expected Content-Type: application/json, got ${got}.`, requestId);
  }
  const text = await readText(request, requestId);
  if (typeof text !== "string") return text;
  if (text.trim() === "") return invalidRequest("The request body is empty; send a JSON object.", requestId);
  return text;
}

/** Parses the text {@link readJsonText} returned, or says where its JSON is broken. */
export function parseJsonText(text: string, requestId: string): BodyResult {
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail(invalidRequest(`The request body is not valid JSON (${detail}).`, requestId));
  }
}

/** Reads a form or JSON body as text with the same size and UTF-8 checks. */
export async function readText(request: Request, requestId: string): Promise<string | Response> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) {
    await request.body?.cancel().catch(() => {});
    return tooLarge(requestId);
  }
  let bytes: Uint8Array | undefined;
  try {
    // A declared length within the limit can be read whole (cheap for `serve`'s requests);
    // otherwise the body is read chunk by chunk and abandoned past the limit.
    bytes = request.headers.has("content-length")
      ? new Uint8Array(await request.arrayBuffer())
      : await readCapped(request.body, MAX_BODY_BYTES);
    if (bytes !== undefined && bytes.byteLength > MAX_BODY_BYTES) bytes = undefined;
  } catch {
    // The client went away or broke the body's framing; it will not read this answer anyway.
    return invalidRequest("The request body could not be read to its end.", requestId);
  }
  if (bytes === undefined) return tooLarge(requestId);
  try {
    return UTF8.decode(bytes);
  } catch {
    return invalidRequest("The request body is not valid UTF-8.", requestId);
  }
}

function isJsonType(type: string): boolean {
  if (type === "application/json") return true; // what nearly every client sends
  const media = type.split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || /^application\/[\w.+-]+\+json$/.test(media);
}

/** The 413 for a body over {@link MAX_BODY_BYTES} (the replayer answers it too). */
export function tooLarge(requestId: string): Response {
  return json(413, {
    error: {
      type: "invalid_request_error",
      code: 1002,
      name: "PAYLOAD_TOO_LARGE",
      message: `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB); send fewer or shorter messages.`,
      category: "client_error",
      fault: "client",
      retryable: false,
      trace_id: requestId.replaceAll("-", ""),
    },
  });
}

function fail(response: Response): BodyResult {
  return { ok: false, response };
}
