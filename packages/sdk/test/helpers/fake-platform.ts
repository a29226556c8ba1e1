// An in-process stand-in for the platform: a fetch function that answers the token endpoint and
// the API from a queue of scripted replies, and records every request it saw.
import type { GlooOptions } from "@gloo-toolkit/sdk";

export const CLIENT_ID = "test-client";
export const CLIENT_SECRET = "s3cr3t-value-that-must-never-leak";
export const BASE_URL = "https://platform.test";

/** One request as the fake saw it. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A scripted reply: a Response, or a function that builds one (may throw to simulate a network failure). */
export type Reply = Response | ((request: SeenRequest) => Response | Promise<Response>);

/** A fake platform whose token endpoint issues numbered tokens. */
export function fakePlatform(options: { tokenTtlSeconds?: number; tokenReplies?: Reply[] } = {}) {
  const seen: SeenRequest[] = [];
  const apiReplies: Reply[] = [];
  const tokenReplies = options.tokenReplies ?? [];
  let tokensIssued = 0;

  const issueToken = () => {
    tokensIssued++;
    return Response.json({
      access_token: tokenValue(tokensIssued),
      token_type: "Bearer",
      expires_in: options.tokenTtlSeconds ?? 3600,
    });
  };

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const entry: SeenRequest = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    };
    seen.push(entry);
    init?.signal?.throwIfAborted();
    const isToken = entry.url.endsWith("/oauth2/token");
    const reply = isToken ? (tokenReplies.shift() ?? issueToken) : (apiReplies.shift() ?? completionReply());
    return typeof reply === "function" ? reply(entry) : reply;
  };

  return {
    fetch: fetch as typeof globalThis.fetch,
    seen,
    /** Requests to the API (not the token endpoint). */
    apiRequests: () => seen.filter((request) => !request.url.endsWith("/oauth2/token")),
    tokenRequests: () => seen.filter((request) => request.url.endsWith("/oauth2/token")),
    /** Queues replies for the next API requests; afterwards a default completion is returned. */
    reply: (...replies: Reply[]) => {
      apiReplies.push(...replies);
    },
    /** Client options pointing at this fake, with a sleep that records its waits. */
    options(extra: Partial<GlooOptions> = {}): GlooOptions & { sleeps: number[] } {
      const sleeps: number[] = [];
      return {
        sleeps,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        baseURL: BASE_URL,
        fetch,
        sleep: async (ms: number) => {
          sleeps.push(ms);
        },
        random: () => 0,
        ...extra,
      };
    },
  };
}

/** The token the fake issues the n-th time (1-based); long enough to look like a JWT. */
export function tokenValue(n: number): string {
  return `eyJhbGciOiJSUzI1NiJ9.token-number-${n}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`;
}

/** A minimal JSON chat completion. */
export function completionBody(content = "Hello") {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "gloo-test-model",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  };
}

/** A reply with a completion and a request id. */
export function completionReply(content = "Hello", requestId = "req-123"): Response {
  return Response.json(completionBody(content), { headers: { "x-request-id": requestId } });
}

/** A JSON error reply. */
export function errorReply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

/** An SSE reply built from chunk objects (and an optional `[DONE]`). */
export function sseReply(chunks: unknown[], requestId = "req-stream"): Response {
  const text = chunks
    .map((chunk) => `data: ${typeof chunk === "string" ? chunk : JSON.stringify(chunk)}\n\n`)
    .join("");
  return new Response(text, { headers: { "content-type": "text/event-stream", "x-request-id": requestId } });
}

/** Text chunks ending with a stop chunk. */
export function textChunks(...parts: string[]): unknown[] {
  return [
    ...parts.map((content) => ({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })),
    { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
  ];
}

/** Simple user messages. */
export const hello = [{ role: "user" as const, content: "Hello" }];
