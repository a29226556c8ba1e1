// Hand-made cassettes for the replay tests, written as the recorder writes them (scrubbed
// placeholders, lower-case sorted headers, SSE frames with their arrival times): a token
// exchange, JSON completions, a 429 then its answer, and streams with comments, `id:` lines, an
// error chunk, no `[DONE]`, and one cut off mid-frame.
import {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  type Cassette,
  type Interaction,
  type RecordedBody,
  type RecordedFrame,
} from "@gloo-toolkit/servers";

export const MODEL = "gloo-openai-gpt-5-mini";
export const V2 = "/ai/v2/chat/completions";

/** A v2 chat body with one user message. */
export function chatBody(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: MODEL, messages: [{ role: "user", content }], ...extra };
}

let started = Date.parse("2026-11-30T08:00:00.000Z");

function interaction(
  request: { method: string; path: string; headers?: Record<string, string>; body: RecordedBody | null },
  response: Omit<Interaction["response"], "statusText" | "end"> &
    Partial<Pick<Interaction["response"], "statusText" | "end">>,
): Interaction {
  started += 1000;
  const last = response.frames?.at(-1)?.atMs ?? 0;
  return {
    startedAt: new Date(started).toISOString(),
    request: { headers: {}, ...request },
    response: {
      statusText: response.statusText ?? "",
      ...response,
      end: response.end ?? { kind: "complete", afterMs: last + 1 },
    },
  };
}

const jsonHeaders = (id: string) => ({ "content-type": "application/json", "x-request-id": id });
const sseHeaders = (id: string) => ({
  "cache-control": "no-cache",
  "content-type": "text/event-stream",
  "x-request-id": id,
});
const bearer = { authorization: "Bearer gloo-scrubbed-token-1", "content-type": "application/json" };

/** The token exchange the SDK makes (Basic credentials, scope api/access), its token a placeholder. */
export function tokenExchange(): Interaction {
  return interaction(
    {
      method: "POST",
      path: "/oauth2/token",
      headers: {
        authorization: "Basic gloo-scrubbed-basic",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: {
        form: [
          ["grant_type", "client_credentials"],
          ["scope", "api/access"],
        ],
      },
    },
    {
      status: 200,
      statusText: "OK",
      headers: jsonHeaders("req-token-1"),
      headersAfterMs: 3,
      body: { json: { access_token: "gloo-scrubbed-token-1", expires_in: 3600, token_type: "Bearer" } },
    },
  );
}

/** A chat completion as the platform answers one, with `text` as the reply. */
export function completionJSON(id: string, text: string): Record<string, unknown> {
  return {
    id,
    object: "chat.completion",
    created: 1796025600,
    model: MODEL,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  };
}

/** A JSON completion: `content` asked, `reply` answered. */
export function jsonCompletion(content: string, reply: string, requestId = `req-${reply}`): Interaction {
  return interaction(
    { method: "POST", path: V2, headers: bearer, body: { json: chatBody(content) } },
    {
      status: 200,
      statusText: "OK",
      headers: { ...jsonHeaders(requestId), connection: "keep-alive", "content-length": "999" },
      headersAfterMs: 12,
      body: { json: completionJSON(`chatcmpl-${reply}`, reply) },
    },
  );
}

/** The platform's documented 429 for `content`, telling the client to wait a second. */
export function rateLimited(content: string): Interaction {
  return interaction(
    { method: "POST", path: V2, headers: bearer, body: { json: chatBody(content) } },
    {
      status: 429,
      statusText: "Too Many Requests",
      headers: { ...jsonHeaders("req-429"), "retry-after": "1" },
      headersAfterMs: 4,
      body: { json: { code: "too_many_requests", error: "Rate limit exceeded" } },
    },
  );
}

function chunk(id: string, delta: Record<string, unknown>, finish: string | null = null): string {
  return JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created: 1796025600,
    model: MODEL,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
}

/** SSE frames of a reply, each word a chunk, with a comment first and `id:` lines; no `[DONE]`. */
export function replyFrames(id: string, words: string[], gapMs = 5): RecordedFrame[] {
  const texts = [
    ": stream opened\n\n",
    `id: 0\ndata: ${chunk(id, { role: "assistant", content: "" })}\n\n`,
    ...words.map((word, i) => `id: ${i + 1}\ndata: ${chunk(id, { content: word })}\n\n`),
    `id: ${words.length + 1}\ndata: ${chunk(id, {}, "stop")}\n\n`,
  ];
  return texts.map((text, i) => ({ atMs: (i + 1) * gapMs, text }));
}

/** A streamed completion with the given frames and ending. */
export function streamCompletion(
  content: string,
  frames: RecordedFrame[],
  end?: Interaction["response"]["end"],
  requestId = "req-stream",
): Interaction {
  return interaction(
    { method: "POST", path: V2, headers: bearer, body: { json: chatBody(content, { stream: true }) } },
    {
      status: 200,
      statusText: "OK",
      headers: { ...sseHeaders(requestId), "transfer-encoding": "chunked" },
      headersAfterMs: 8,
      body: null,
      frames,
      ...(end === undefined ? {} : { end }),
    },
  );
}

/** Frames that end in the platform's error chunk (`finish_reason: "error"`), as a provider failure sends. */
export function errorChunkFrames(id: string): RecordedFrame[] {
  const error = {
    ...JSON.parse(chunk(id, {}, "error")),
    error: {
      type: "api_error",
      code: 2001,
      name: "PROVIDER_ERROR",
      message: "The model provider failed mid-stream.",
      retryable: true,
    },
  };
  return [
    { atMs: 4, text: `data: ${chunk(id, { role: "assistant", content: "" })}\n\n` },
    { atMs: 9, text: `data: ${chunk(id, { content: "Half" })}\n\n` },
    { atMs: 14, text: `data: ${JSON.stringify(error)}\n\n` },
  ];
}

/** Frames of a stream cut off mid-frame: the last has no blank line. */
export function droppedFrames(id: string): RecordedFrame[] {
  return [
    { atMs: 4, text: `data: ${chunk(id, { role: "assistant", content: "" })}\n\n` },
    { atMs: 9, text: `data: ${chunk(id, { content: "Cut" })}\n\n` },
    { atMs: 13, text: 'data: {"id":"' },
  ];
}

/** A cassette of the given interactions. */
export function cassetteOf(interactions: Interaction[]): Cassette {
  return {
    format: CASSETTE_FORMAT,
    version: CASSETTE_VERSION,
    recordedBy: "gloo-toolkit test fixtures",
    interactions,
  };
}

/** The platform cassette most replay tests use. */
export function platformCassette(): Cassette {
  return cassetteOf([
    tokenExchange(),
    jsonCompletion("Reply with only: JSON-OK", "JSON-OK"),
    rateLimited("Reply with only: AFTER-429"),
    jsonCompletion("Reply with only: AFTER-429", "AFTER-429"),
    streamCompletion("Say three words", replyFrames("chatcmpl-s", ["One", " two", " three"])),
    streamCompletion("Fail half way", errorChunkFrames("chatcmpl-e"), undefined, "req-error-chunk"),
    streamCompletion(
      "Drop half way",
      droppedFrames("chatcmpl-d"),
      { kind: "dropped", afterMs: 14, error: "other side closed" },
      "req-drop",
    ),
  ]);
}
