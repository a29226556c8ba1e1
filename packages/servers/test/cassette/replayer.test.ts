// The replayer in-process: matching (canonical body, ignore list), recorded order for repeats,
// the headers and bytes sent, the Bearer demand, strict misses that name the nearest recording
// with the body difference (through the SDK's APIError too), fallback answers from the emulator
// with the miss reported, and the pacing schedule on an injected clock.
import { type APIError, Gloo, NotFoundError } from "@gloo-toolkit/sdk";
import {
  type Cassette,
  createEmulator,
  createReplayer,
  type ReplayClock,
  type ReplayMiss,
  type ReplayOptions,
} from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import {
  cassetteOf,
  chatBody,
  completionJSON,
  jsonCompletion,
  platformCassette,
  replyFrames,
  streamCompletion,
  tokenExchange,
  V2,
} from "../../../../test/helpers/cassettes.js";

const BASE = "https://replay.test";
const decoder = new TextDecoder();

function post(path: string, body: string, headers: Record<string, string> = {}): Request {
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer anything", ...headers },
    body,
  });
}

const chat = (content: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  post(V2, JSON.stringify(chatBody(content, extra)), headers);

/** Reads a body chunk by chunk, as the bytes of each read. */
async function chunks(response: Response): Promise<string[]> {
  const out: string[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value));
  }
}

/** A clock whose sleeps pass instantly, each `overshoot` ms late, as a busy machine's timers are. */
function fakeClock(overshoot = 0): ReplayClock & { sleeps: number[] } {
  let now = 1000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms + overshoot;
    },
  };
}

const instant = (options: ReplayOptions = {}) => createReplayer(platformCassette(), { speed: 0, ...options });

describe("matching", () => {
  it("answers a request whatever its key order or spacing, with the recorded status, headers and bytes", async () => {
    const replayer = instant();
    const body =
      '{ "messages": [ {"content":"Reply with only: JSON-OK", "role":"user"} ], "model":"gloo-openai-gpt-5-mini" }';
    const response = await replayer.fetch(post(V2, body));
    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(response.headers.get("x-request-id")).toBe("req-JSON-OK");
    // Connection fields and the recorded length do not describe this answer.
    expect(response.headers.get("connection")).toBeNull();
    expect(response.headers.get("content-length")).toBeNull();
    expect(await response.text()).toBe(JSON.stringify(completionJSON("chatcmpl-JSON-OK", "JSON-OK")));
    expect(replayer.replayed).toBe(1);
    expect(replayer.misses).toEqual([]);
  });

  it("leaves the ignore list out of the match: user and metadata by default, or the fields given", async () => {
    const withUser = () => chat("Reply with only: JSON-OK", { user: "u-42", metadata: { run: 7 } });
    expect((await instant().fetch(withUser())).status).toBe(200);
    // An explicit undefined means the default, as for every option.
    expect((await instant({ ignore: undefined, mode: undefined }).fetch(withUser())).status).toBe(200);
    expect((await instant({ ignore: [] }).fetch(withUser())).status).toBe(404);
    const seeded = () => chat("Reply with only: JSON-OK", { seed: 9 });
    expect((await instant().fetch(seeded())).status).toBe(404);
    expect((await instant({ ignore: ["seed"] }).fetch(seeded())).status).toBe(200);
  });

  it("gives repeated requests the recorded answers in order, then the last one again", async () => {
    const replayer = instant();
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await replayer.fetch(chat("Reply with only: AFTER-429"))).status);
    expect(statuses).toEqual([429, 200, 200, 200]);
    const tokens = [];
    for (let i = 0; i < 3; i++) {
      const response = await replayer.fetch(
        new Request(`${BASE}/oauth2/token`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic eDp5" },
          body: "grant_type=client_credentials&scope=api/access",
        }),
      );
      tokens.push(((await response.json()) as { access_token: string }).access_token);
    }
    expect(tokens).toEqual(["gloo-scrubbed-token-1", "gloo-scrubbed-token-1", "gloo-scrubbed-token-1"]);
  });

  it("answers a token request whatever client credentials it carries, in form fields too", async () => {
    const response = await instant().fetch(
      new Request(`${BASE}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&scope=api%2Faccess&client_id=real-id&client_secret=real-secret",
      }),
    );
    expect(response.status).toBe(200);
  });

  it("refuses a body over the emulator's 1 MiB limit with its 413", async () => {
    const response = await instant().fetch(post(V2, JSON.stringify(chatBody("x".repeat(1024 * 1024)))));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { name: string } }).error.name).toBe("PAYLOAD_TOO_LARGE");
  });

  it("demands a Bearer token where the recording had one, with the platform's 401 bodies", async () => {
    const replayer = instant();
    const missing = await replayer.fetch(chat("Reply with only: JSON-OK", {}, { authorization: "" }));
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: "Missing Authorization",
      code: "unauthorized_missing_authorization",
    });
    expect(missing.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await replayer.fetch(
      chat("Reply with only: JSON-OK", {}, { authorization: "Token x" }),
    );
    expect(malformed.status).toBe(401);
    // A refused request does not use up a recorded answer: the 429 recorded first still comes first.
    const refused = await replayer.fetch(chat("Reply with only: AFTER-429", {}, { authorization: "" }));
    expect(refused.status).toBe(401);
    const first = await replayer.fetch(chat("Reply with only: AFTER-429", {}, { authorization: "Bearer x" }));
    expect(first.status).toBe(429);
  });
});

describe("options", () => {
  it("refuses a mode or speed it cannot use, saying what it takes", () => {
    const cassette = platformCassette();
    expect(() => createReplayer(cassette, { mode: "lenient" as "strict" })).toThrow(
      'mode must be "strict" or "fallback" (got "lenient").',
    );
    expect(() => createReplayer(cassette, { speed: -1 })).toThrow("speed must be a number ≥ 0 (got -1)");
    expect(() => createReplayer(cassette, { speed: Number.NaN })).toThrow(TypeError);
  });
});

describe("streams", () => {
  it("sends every frame byte for byte in its own write: comments, id: lines, no [DONE]", async () => {
    const cassette = platformCassette();
    const response = await instant().fetch(chat("Say three words", { stream: true }));
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("transfer-encoding")).toBeNull();
    const frames = cassette.interactions[4]?.response.frames?.map((frame) => frame.text);
    expect(await chunks(response)).toEqual(frames);
  });

  it("keeps event: lines and an error chunk", async () => {
    const frames = [
      { atMs: 1, text: "event: ping\ndata: {}\n\n" },
      {
        atMs: 2,
        text: 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"error"}],"error":{"message":"x"}}\n\n',
      },
    ];
    const replayer = createReplayer(cassetteOf([streamCompletion("E", frames)]), { speed: 0 });
    expect(await chunks(await replayer.fetch(chat("E", { stream: true })))).toEqual(
      frames.map((f) => f.text),
    );
  });

  it("ends a stream recorded as dropped with an error after the partial last frame", async () => {
    const cassette = platformCassette();
    const response = await instant().fetch(chat("Drop half way", { stream: true }));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const got: string[] = [];
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        got.push(decoder.decode(value));
      }
    })().catch((error: Error) => error);
    expect(got).toEqual(cassette.interactions[6]?.response.frames?.map((frame) => frame.text));
    expect(got.at(-1)).toBe('data: {"id":"');
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain("other side closed");
  });
});

describe("strict misses", () => {
  it("answer 404 naming the nearest recording and the body difference, never retried by the SDK", async () => {
    const misses: ReplayMiss[] = [];
    const replayer = instant({ source: "chat.cassette.json", onMiss: (miss) => misses.push(miss) });
    const response = await replayer.fetch(chat("Reply with only: JSON-KO"));
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string; code: string; retryable: boolean } };
    expect(body.error).toMatchObject({ code: "cassette_miss", retryable: false });
    const lines = body.error.message.split("\n");
    expect(lines[0]).toBe(`No recording in chat.cassette.json matches POST ${V2}.`);
    expect(lines[1]).toBe("Nearest recordings:");
    // Same path first, the fewest differences first: the JSON-OK request differs in one value.
    expect(lines[2]).toBe(`  #2 POST ${V2}: 1 difference in the body (recorded → sent)`);
    expect(lines[3]).toBe(
      '      messages[0].content: "Reply with only: JSON-OK" → "Reply with only: JSON-KO"',
    );
    expect(body.error.message).toContain("--mode fallback");
    expect(misses).toHaveLength(1);
    expect(misses[0]).toMatchObject({ method: "POST", path: V2, answeredBy: "strict" });
    expect(misses[0]?.nearest[0]?.interaction).toBe(2);
    expect(replayer.misses).toEqual(misses);
  });

  it("lists added and missing fields and ranks other paths after the same path", async () => {
    const replayer = instant();
    const response = await replayer.fetch(chat("Reply with only: JSON-OK", { temperature: 0 }));
    const message = ((await response.json()) as { error: { message: string } }).error.message;
    expect(message).toContain(`#2 POST ${V2}: 1 difference in the body`);
    expect(message).toContain("temperature: (absent) → 0");
    const elsewhere = await replayer.fetch(post("/ai/v1/chat/completions", JSON.stringify(chatBody("Hi"))));
    const text = ((await elsewhere.json()) as { error: { message: string } }).error.message;
    expect(text).toMatch(/#\d+ POST \/ai\/v2\/chat\/completions \(another method or path\)/);
  });

  it("compare forms field by field, never showing the credentials", async () => {
    const response = await instant().fetch(
      new Request(`${BASE}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&scope=admin&client_id=live-id&client_secret=live-secret-value",
      }),
    );
    const message = ((await response.json()) as { error: { message: string } }).error.message;
    expect(message).toContain("#1 POST /oauth2/token: 1 difference in the body (recorded → sent)");
    expect(message).toContain('scope: "api/access" → "admin"');
    expect(message).not.toContain("live-secret-value");
    expect(message).not.toContain("live-id");
  });

  it("name a credential that differs in a JSON body without showing it", async () => {
    const response = await instant().fetch(
      chat("Reply with only: JSON-OK", { access_token: "eyJsent.secret.value" }),
    );
    const message = ((await response.json()) as { error: { message: string } }).error.message;
    expect(message).toContain("access_token: (not shown) → (not shown)");
    expect(message).not.toContain("eyJsent");
  });

  it("cut long values around where they differ", async () => {
    const long = `${"a very long prompt ".repeat(10)}END`;
    const replayer = createReplayer(cassetteOf([jsonCompletion(long, "X")]), { speed: 0 });
    const response = await replayer.fetch(chat(long.replace("END", "FIN")));
    const message = ((await response.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/messages\[0\]\.content: …[a-z ]*END" → …[a-z ]*FIN"/);
  });

  it("reach the SDK's APIError with the whole message, with no retry", async () => {
    const replayer = instant();
    let calls = 0;
    const gloo = new Gloo({
      baseURL: BASE,
      clientId: "any-client",
      clientSecret: "any-secret",
      fetch: (input, init) => {
        calls++;
        return replayer.fetch(new Request(input, init));
      },
    });
    const error = await gloo.v2.chat.completions
      .create({ model: "gloo-openai-gpt-5-mini", messages: [{ role: "user", content: "Unrecorded" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as APIError).message).toContain("Nearest recordings:");
    expect((error as APIError).message).toContain(
      'messages[0].content: "Reply with only: JSON-OK" → "Unrecorded"',
    );
    expect(calls).toBe(2); // the token, then the completion once
  });
});

describe("fallback", () => {
  it("lets the emulator answer a miss, with the replayed placeholder token, and reports it", async () => {
    const misses: ReplayMiss[] = [];
    const replayer = instant({ mode: "fallback", onMiss: (miss) => misses.push(miss) });
    const gloo = new Gloo({
      baseURL: BASE,
      clientId: "any-client",
      clientSecret: "any-secret",
      fetch: (input, init) => replayer.fetch(new Request(input, init)),
    });
    const recorded = await gloo.v2.chat.completions.create({
      model: "gloo-openai-gpt-5-mini",
      messages: [{ role: "user", content: "Reply with only: JSON-OK" }],
    });
    expect(recorded.id).toBe("chatcmpl-JSON-OK");
    const fallback = await gloo.v2.chat.completions.create({
      model: "gloo-openai-gpt-5-mini",
      messages: [{ role: "user", content: "Reply with only: FROM-THE-EMULATOR" }],
    });
    expect(fallback.choices[0]?.message.content).toBe("FROM-THE-EMULATOR");
    expect(misses.map((miss) => [miss.path, miss.answeredBy])).toEqual([[V2, "emulator"]]);
    expect(misses[0]?.message).toContain("#2 POST");
    expect(replayer.replayed).toBe(2); // the token and the recorded completion
  });

  it("gets a token from the emulator for a token request the cassette lacks, whatever the credentials", async () => {
    const emulator = createEmulator({ clientId: "emu", clientSecret: "emu-secret" });
    const replayer = createReplayer(cassetteOf([jsonCompletion("Hi", "Hello")]), {
      mode: "fallback",
      fallback: emulator,
      speed: 0,
    });
    const token = await replayer.fetch(
      new Request(`${BASE}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&client_id=other&client_secret=other-secret",
      }),
    );
    expect(token.status).toBe(200);
    expect(emulator.tokensIssued).toBe(1);
    const { access_token } = (await token.json()) as { access_token: string };
    const missing = await replayer.fetch(chat("Not recorded", {}, { authorization: "" }));
    expect(missing.status).toBe(401); // the emulator's own check, for a request with no token
    const answered = await replayer.fetch(
      chat("Not recorded", {}, { authorization: `Bearer ${access_token}` }),
    );
    expect(answered.status).toBe(200);
    expect(replayer.misses).toHaveLength(3);
  });
});

describe("pacing", () => {
  // Header at 8 ms, frames at 5, 10, … ms after it (replyFrames' 5 ms gaps), end 1 ms after the last.
  const cassette: Cassette = cassetteOf([
    tokenExchange(),
    streamCompletion("Paced", replyFrames("c", ["a", "b", "c", "d"], 5)),
  ]);
  const recorded = cassette.interactions[1]?.response;

  /** When (on the clock, from the request) the headers and each frame were handed over. */
  async function timeline(speed: number, clock: ReturnType<typeof fakeClock>) {
    const replayer = createReplayer(cassette, { speed, clock });
    const start = clock.now();
    const response = await replayer.fetch(chat("Paced", { stream: true }));
    const headers = clock.now() - start;
    const frames: number[] = [];
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    while (!(await reader.read()).done) frames.push(clock.now() - start);
    return { headers, frames: frames, end: clock.now() - start };
  }

  it("at speed 1 hands each frame over at its recorded time", async () => {
    const { headers, frames, end } = await timeline(1, fakeClock());
    expect(headers).toBe(recorded?.headersAfterMs);
    expect(frames).toEqual(recorded?.frames?.map((frame) => 8 + frame.atMs));
    expect(end).toBe(8 + (recorded?.end.afterMs ?? Number.NaN));
  });

  it("at speed 2 at half the recorded times, at speed 0 without a single wait", async () => {
    const { headers, frames } = await timeline(2, fakeClock());
    expect(headers).toBe(4);
    expect(frames).toEqual(recorded?.frames?.map((frame) => (8 + frame.atMs) / 2));
    const clock = fakeClock();
    const instantly = await timeline(0, clock);
    expect(instantly.frames).toEqual(recorded?.frames?.map(() => 0));
    expect(clock.sleeps).toEqual([]);
  });

  it("measures every wait from the request's start, so late timers do not add up", async () => {
    // Each sleep ends 3 ms late: every frame is 3 ms late, not 3 ms more late than the one before.
    const { frames } = await timeline(1, fakeClock(3));
    expect(frames).toEqual(recorded?.frames?.map((frame) => 8 + frame.atMs + 3));
  });
});
