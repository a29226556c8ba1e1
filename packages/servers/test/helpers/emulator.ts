// In-process helpers: drive an emulator's fetch handler with no socket.
import type { Emulator } from "@gloo-toolkit/servers";

export const BASE = "http://emulator.test";

/** A token from the emulator's token endpoint (HTTP Basic, scope api/access unless given). */
export async function tokenFor(
  emulator: Emulator,
  scope = "api/access",
  headers: Record<string, string> = {},
) {
  const basic = Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString("base64");
  const response = await emulator.fetch(
    new Request(`${BASE}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
    }),
  );
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** POSTs a JSON body (a string is sent as is) with a bearer token. */
export function postJson(
  emulator: Emulator,
  path: string,
  body: unknown,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<Response> {
  return emulator.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` kept as the string). */
export async function sseData(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => event.slice("data: ".length))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));
}

/** A user message list with one prompt. */
export const ask = (content: string) => [{ role: "user", content }];

/** A chunk's choices, typed loosely for assertions. */
export interface Chunk {
  choices: {
    index: number;
    delta: { role?: string; content?: string; tool_calls?: unknown[] };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error?: { retryable: boolean };
}
