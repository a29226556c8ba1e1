// Decodes one server-sent event of a chat completion stream: a chunk, the `[DONE]` sentinel,
// nothing (keep-alives), or one of the platform's in-stream errors, raised as `StreamError`:
//   a chunk with `finish_reason: "error"` plus an error object (docs.gloo.com/best-practices/completions-streaming-failures),
//   a payload with an `error` field, or an SSE `event: error` (as openai-node reads them).
import { GlooError, StreamError } from "../errors.js";
import type { ServerSentEvent } from "../sse.js";
import type { ChatCompletionChunk, ChatCompletionChunkChoice, PlatformErrorObject } from "../types.js";

const EXCERPT_LENGTH = 200;

/** Returns the event's chunk, `"done"` for `[DONE]`, or undefined for an event that carries nothing. */
export function decodeStreamEvent(
  event: ServerSentEvent,
  requestId: string | undefined,
): ChatCompletionChunk | "done" | undefined {
  const data = event.data;
  if (event.event === "error") {
    throw new StreamError({ error: errorObjectOf(parseJson(data) ?? data), requestId });
  }
  if (data === "[DONE]") return "done";
  const parsed = parseJson(data);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    // Empty data (a bare `data:` keep-alive) carries nothing; anything else is a broken stream.
    if (data.trim() === "") return undefined;
    throw new GlooError(`The stream sent data that is not a JSON chunk: ${excerpt(data)}`);
  }
  const chunk = parsed as ChatCompletionChunk;
  if (!Array.isArray(chunk.choices)) chunk.choices = [];
  const failed = failedChoice(chunk);
  if (chunk.error != null || failed !== undefined) {
    throw new StreamError({ error: errorObjectOf(chunk.error ?? failed?.error), requestId, chunk });
  }
  return chunk;
}

function failedChoice(chunk: ChatCompletionChunk): ChatCompletionChunkChoice | undefined {
  for (const choice of chunk.choices) if (choice.finish_reason === "error") return choice;
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// The platform's error object, from `{"error": {...}}`, `{"error": "text", "code"}`, a bare object or text.
function errorObjectOf(value: unknown): PlatformErrorObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return { message: excerpt(value) };
  if (typeof value !== "object" || Array.isArray(value)) return { message: excerpt(String(value)) };
  const record = value as Record<string, unknown>;
  if (typeof record.error === "object" && record.error !== null) return record.error as PlatformErrorObject;
  if (typeof record.error === "string") {
    const { error, ...rest } = record;
    return { ...rest, message: error } as PlatformErrorObject;
  }
  return record as PlatformErrorObject;
}

function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}
