// recordingFetch through the SDK's fetch hook, with the emulator standing in for the platform on
// loopback: what is recorded, that the caller's stream is not held back, faults, files; and a
// secret scan of every cassette a test writes.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Gloo, RateLimitError, StreamError, StreamInterruptedError } from "@gloo-toolkit/sdk";
import {
  createEmulator,
  createHttpFetch,
  findSecrets,
  formatCassette,
  type Interaction,
  parseCassette,
  type RunningServer,
  recordingFetch,
  serve,
} from "@gloo-toolkit/servers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chatInit, readAll } from "../../../../test/helpers/exchange.js";

const CLIENT_ID = "emulator-client";
const CLIENT_SECRET = "emulator-secret";
const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";
const chat = (content: string, extra: Record<string, unknown> = {}) =>
  chatInit(MODEL, content, { stream: true, extra });

let dir: string;
// Every value a test saw that no cassette may hold: checked in every file the test left.
let seen: Set<string>;
const running: RunningServer[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gloo-record-"));
  seen = new Set([CLIENT_ID, CLIENT_SECRET]);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  for (const name of await readdir(dir)) {
    const text = await readFile(join(dir, name), "utf8");
    expect(findSecrets(text, seen), name).toEqual([]);
    expect(text).not.toMatch(/"authorization": "(Bearer|Basic) (?!gloo-scrubbed-)/i);
  }
  await rm(dir, { recursive: true, force: true });
});

async function platform(handler = createEmulator({ seed: 3 }).fetch) {
  const server = await serve(handler, { port: 0 });
  running.push(server);
  return server;
}

async function client(file: string, options: Parameters<typeof recordingFetch>[1] = {}) {
  const server = await platform();
  const fetch = recordingFetch(file, options);
  const gloo = new Gloo({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    baseURL: server.url,
    fetch,
    sleep: async () => {},
  });
  seen.add((await gloo.auth.getToken()).accessToken);
  return { server, fetch, gloo };
}

async function cassetteOf(file: string) {
  return parseCassette(await readFile(file, "utf8")).interactions;
}

const framesText = (interaction: Interaction | undefined) =>
  (interaction?.response.frames ?? []).map((frame) => frame.text).join("");

describe("recordingFetch through the SDK hook", () => {
  it("records the token exchange and a JSON completion, scrubbed, with the same token placeholder", async () => {
    const file = join(dir, "chat.json");
    const { gloo, fetch } = await client(file);
    const completion = await gloo.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Reply with only: OK" }],
    });
    await fetch.flush();
    const [token, answer] = await cassetteOf(file);
    expect(token?.request).toMatchObject({
      method: "POST",
      path: "/oauth2/token",
      headers: { authorization: "Basic gloo-scrubbed-basic" },
      body: {
        form: [
          ["grant_type", "client_credentials"],
          ["scope", "api/access"],
        ],
      },
    });
    expect(token?.response).toMatchObject({
      status: 200,
      body: { json: { access_token: "gloo-scrubbed-token-1", token_type: "Bearer" } },
      end: { kind: "complete" },
    });
    expect(answer?.request).toMatchObject({
      path: "/ai/v1/chat/completions",
      headers: { authorization: "Bearer gloo-scrubbed-token-1", "content-type": "application/json" },
      body: { json: { model: MODEL, messages: [{ role: "user", content: "Reply with only: OK" }] } },
    });
    expect(answer?.response).toMatchObject({
      status: 200,
      statusText: "OK",
      headers: { "x-request-id": completion.requestId },
      body: { json: { id: completion.id, choices: [{ message: { content: "OK" } }] } },
    });
    expect(answer?.response.frames).toBeUndefined();
    expect(answer?.response.headers["content-length"]).toBeUndefined();
    expect(fetch.cassette.interactions).toHaveLength(2);
  });

  it("records a stream frame by frame: the frames add up to exactly the bytes the caller read", async () => {
    const file = join(dir, "stream.json");
    const { server, gloo, fetch } = await client(file);
    const response = await gloo.fetch(
      `${server.url}/ai/v1/chat/completions`,
      chat("Tell me a story", { n: 2 }),
    );
    const received = await response.text();
    await fetch.flush();
    const stream = (await cassetteOf(file))[1];
    expect(stream?.response.headers["content-type"]).toContain("text/event-stream");
    expect(stream?.response.body).toBeNull();
    expect(stream?.response.end.kind).toBe("complete");
    const frames = stream?.response.frames ?? [];
    expect(frames.length).toBeGreaterThan(3);
    expect(framesText(stream)).toBe(received);
    for (const frame of frames) expect(frame.text).toMatch(/^data: [^\n]*\n\n$/);
    // Arrival times never go back, and the end comes after the last frame.
    const times = frames.map((frame) => frame.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(stream?.response.end.afterMs).toBeGreaterThanOrEqual(times.at(-1) ?? 0);
  });

  it("records a 429 with its Retry-After and body", async () => {
    const file = join(dir, "429.json");
    const { gloo, fetch } = await client(file);
    await gloo.chat.completions
      .create(
        { model: MODEL, messages: [{ role: "user", content: "Reply with only: A" }] },
        { headers: { "x-emulator-fault": "429" }, maxRetries: 0 },
      )
      .then(
        () => expect.unreachable("the 429 should have been thrown"),
        (error: unknown) => expect(error).toBeInstanceOf(RateLimitError),
      );
    await fetch.flush();
    const limited = (await cassetteOf(file))[1];
    expect(limited?.request.headers["x-emulator-fault"]).toBe("429");
    expect(limited?.response.status).toBe(429);
    expect(limited?.response.headers["retry-after"]).toMatch(/^\d+$/);
    expect(limited?.response.body).toMatchObject({ json: expect.any(Object) });
  });

  it("records an error chunk as the frame the platform sent", async () => {
    const file = join(dir, "error-chunk.json");
    const { server, gloo, fetch } = await client(file);
    const init = chat("Tell me a story");
    const response = await gloo.fetch(`${server.url}/ai/v1/chat/completions`, {
      ...init,
      headers: { ...init.headers, "x-emulator-fault": "error-after=2" },
    });
    const received = await response.text();
    await fetch.flush();
    const stream = (await cassetteOf(file))[1];
    expect(framesText(stream)).toBe(received);
    expect(stream?.response.frames?.length).toBe(3);
    expect(stream?.response.frames?.[2]?.text).toContain('"finish_reason":"error"');
    expect(stream?.response.end.kind).toBe("complete");
    // The SDK sees the same chunk as an error.
    const again = await gloo.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "Tell me a story" }], stream: true },
      { headers: { "x-emulator-fault": "error-after=1" } },
    );
    await expect(
      (async () => {
        for await (const _chunk of again);
      })(),
    ).rejects.toBeInstanceOf(StreamError);
    await fetch.flush();
  });

  it("records a dropped stream as dropped, with every frame the caller got", async () => {
    const file = join(dir, "dropped.json");
    const { server, gloo, fetch } = await client(file);
    const init = chat("Tell me a story");
    const response = await gloo.fetch(`${server.url}/ai/v1/chat/completions`, {
      ...init,
      headers: { ...init.headers, "x-emulator-fault": "drop-after=2" },
    });
    const { text, broken } = await readAll(response);
    expect(broken).toBe(true);
    await fetch.flush();
    const stream = (await cassetteOf(file))[1];
    expect(stream?.response.end).toMatchObject({ kind: "dropped", error: expect.stringMatching(/\w/) });
    expect(stream?.response.frames?.length).toBeGreaterThanOrEqual(2);
    expect(framesText(stream)).toBe(text);
    // Through the SDK's stream the same fault is an interrupted stream.
    const sdkStream = await gloo.chat.completions.create(
      { model: MODEL, messages: [{ role: "user", content: "Tell me a story" }], stream: true },
      { headers: { "x-emulator-fault": "drop-after=1" }, maxRetries: 0 },
    );
    await expect(
      (async () => {
        for await (const _chunk of sdkStream);
      })(),
    ).rejects.toBeInstanceOf(StreamInterruptedError);
    await fetch.flush();
    expect((await cassetteOf(file))[2]?.response.end.kind).toBe("dropped");
  });

  it("records a caller that stops reading, or aborts, mid-stream as dropped, keeping the frames before", async () => {
    const file = join(dir, "abort.json");
    const { server, gloo, fetch } = await client(file);
    const url = `${server.url}/ai/v1/chat/completions`;
    // Stops reading: the body is cancelled.
    const cancelled = await gloo.fetch(url, chat("Tell me a long story about the sea"));
    const reader = (cancelled.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel(new Error("the user left"));
    // Aborts: the request's signal fires while the body is being read.
    const controller = new AbortController();
    const aborted = await gloo.fetch(url, {
      ...chat("Tell me a long story about rivers"),
      signal: controller.signal,
    });
    const abortedReader = (aborted.body as ReadableStream<Uint8Array>).getReader();
    const part = new TextDecoder().decode((await abortedReader.read()).value);
    controller.abort(new Error("aborted by the test"));
    await expect(abortedReader.read()).rejects.toThrow();
    await fetch.flush();
    const [, stopped, cut] = await cassetteOf(file);
    expect(stopped?.response.end).toMatchObject({
      kind: "dropped",
      error: expect.stringContaining("the user left"),
    });
    expect(framesText(stopped)).toBe(new TextDecoder().decode(first.value));
    expect(cut?.response.end).toMatchObject({ kind: "dropped", error: expect.stringContaining("abort") });
    expect(framesText(cut).startsWith(part)).toBe(true);
  });

  it("hands the caller each frame as it arrives, before the stream has ended", async () => {
    // The platform holds its stream open after the first frame until the caller has read that
    // frame: a recorder that buffered the body would never let it through.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const emulator = createEmulator({ seed: 3 });
    const gated = async (request: Request) => {
      const response = await emulator.fetch(request);
      if (!(response.headers.get("content-type") ?? "").includes("event-stream")) return response;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent++ === 1) await released;
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const server = await platform(gated);
    const file = join(dir, "gated.json");
    const fetch = recordingFetch(file);
    const response = await fetch(`${server.url}/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    seen.add(token);
    const init = chat("Tell me a story");
    const stream = await fetch(`${server.url}/ai/v1/chat/completions`, {
      ...init,
      headers: { ...init.headers, authorization: `Bearer ${token}` },
    });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: /);
    // Not recorded yet: the stream is still open.
    expect(fetch.cassette.interactions).toHaveLength(1);
    release();
    while (!(await reader.read()).done);
    await fetch.flush();
    expect(fetch.cassette.interactions[1]?.response.end.kind).toBe("complete");
    expect(fetch.cassette.interactions[1]?.request.headers.authorization).toBe(
      "Bearer gloo-scrubbed-token-1",
    );
  });

  it("keeps the order requests started in, whatever order they end in", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await platform(async (request) => {
      if (new URL(request.url).pathname === "/slow") await released;
      return new Response(new URL(request.url).pathname);
    });
    // The proxy's upstream fetch: it sends a Keep-Alive field as given, as the built-in one will not.
    const fetch = recordingFetch(join(dir, "order.json"), { fetch: createHttpFetch() });
    const slow = fetch(`${server.url}/slow`);
    // The fast one is sent after the slow one started, and answered first.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const fast = await fetch(`${server.url}/fast?x=1`, {
      headers: { "keep-alive": "timeout=5", "x-kept": "1" },
    });
    expect(await fast.text()).toBe("/fast");
    // Only the finished exchange is recorded so far; the slow one keeps its place when it ends.
    expect(fetch.cassette.interactions.map((i) => i.request.path)).toEqual(["/fast?x=1"]);
    // Connection fields and the length are not the exchange's: left out, both ways.
    const { request, response } = fetch.cassette.interactions[0] ?? expect.unreachable();
    expect(request.headers).toEqual({ "x-kept": "1" });
    expect(Object.keys(response.headers)).toEqual(["content-type", "date"]);
    release();
    expect(await (await slow).text()).toBe("/slow");
    await fetch.flush();
    expect((await cassetteOf(join(dir, "order.json"))).map((i) => i.request.path)).toEqual([
      "/slow",
      "/fast?x=1",
    ]);
  });

  it("records nothing for a request that got no answer, and rethrows its error", async () => {
    const server = await platform();
    const url = server.url;
    await server.close();
    const file = join(dir, "refused.json");
    const fetch = recordingFetch(file);
    await expect(fetch(`${url}/ai/v1/chat/completions`, chat("Hi"))).rejects.toThrow(TypeError);
    await fetch.flush();
    expect(fetch.cassette.interactions).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("appends to an existing cassette, numbering new tokens after its own", async () => {
    const file = join(dir, "append.json");
    const first = await client(file);
    await first.gloo.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Reply with only: 1" }],
    });
    await first.fetch.flush();
    const second = await client(file, { append: true, recordedBy: "test append" });
    await second.gloo.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Reply with only: 2" }],
    });
    await second.fetch.flush();
    const cassette = parseCassette(await readFile(file, "utf8"));
    expect(cassette.recordedBy).toBe("test append");
    expect(formatCassette(cassette)).toBe(await readFile(file, "utf8"));
    expect(cassette.interactions.map((i) => i.request.headers.authorization)).toEqual([
      "Basic gloo-scrubbed-basic",
      "Bearer gloo-scrubbed-token-1",
      "Basic gloo-scrubbed-basic",
      "Bearer gloo-scrubbed-token-2",
    ]);
    // Without append, the next recording starts a fresh cassette.
    const third = await client(file);
    await third.fetch.flush();
    expect(await cassetteOf(file)).toHaveLength(1);
  });

  it("scrubs the values it is given wherever they appear", async () => {
    const file = join(dir, "known.json");
    seen.add("sk-team-api-key-000");
    const { gloo, fetch } = await client(file, { secrets: ["sk-team-api-key-000"] });
    await gloo.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "user", content: "Return EXACTLY this string and nothing else: sk-team-api-key-000" },
      ],
    });
    await fetch.flush();
    const answer = (await cassetteOf(file))[1];
    expect(JSON.stringify(answer)).toContain("gloo-scrubbed-secret-1");
  });
});

describe("recordingFetch's file", () => {
  it("refuses a file it could not write, at once and with the fix", async () => {
    expect(() => recordingFetch(join(dir, "missing", "c.json"))).toThrow(
      /does not exist\. Create it first \(mkdir -p /,
    );
    await writeFile(join(dir, "plain"), "");
    expect(() => recordingFetch(join(dir, "plain", "c.json"))).toThrow(/is not a directory/);
    expect(() => recordingFetch(dir)).toThrow(/it is a directory\. Give a file name/);
    await writeFile(join(dir, "bad.json"), "{}");
    expect(() => recordingFetch(join(dir, "bad.json"), { append: true })).toThrow(/not a gloo cassette/);
  });

  it("reports a write that failed when flushed, and leaves no temporary file", async () => {
    const sub = await mkdtemp(join(dir, "gone-"));
    const server = await platform();
    const fetch = recordingFetch(join(sub, "c.json"));
    await rm(sub, { recursive: true });
    await (await fetch(`${server.url}/platform/v2/models`)).text();
    await expect(fetch.flush()).rejects.toThrow(/could not write the cassette .*c\.json/);
  });

  it("rewrites the file after each exchange, a whole cassette every time", async () => {
    const file = join(dir, "steps.json");
    const { gloo, fetch } = await client(file);
    await fetch.flush();
    expect(await cassetteOf(file)).toHaveLength(1);
    for (const n of [2, 3]) {
      await gloo.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: `Reply with only: ${n}` }],
      });
      await fetch.flush();
      expect(await cassetteOf(file)).toHaveLength(n);
    }
    expect(await readdir(dir)).toEqual(["steps.json"]);
    // Byte for byte what formatCassette() writes.
    const text = await readFile(file, "utf8");
    expect(text).toBe(formatCassette(parseCassette(text)));
    // The in-memory cassette is read-only.
    expect(() => (fetch.cassette.interactions as Interaction[]).push({} as Interaction)).toThrow(TypeError);
    expect(Object.isFrozen(fetch.cassette.interactions[0]?.response)).toBe(true);
  });

  it("writes a large cassette whole, in more parts than one vectored write takes", async () => {
    const server = await platform(async (request) => Response.json({ path: new URL(request.url).pathname }));
    const file = join(dir, "large.json");
    const fetch = recordingFetch(file);
    for (let n = 0; n < 300; n++) await (await fetch(`${server.url}/item/${n}`)).json();
    await fetch.flush();
    const text = await readFile(file, "utf8");
    const cassette = parseCassette(text);
    expect(cassette.interactions).toHaveLength(300);
    expect(cassette.interactions.at(-1)?.response.body).toEqual({ json: { path: "/item/299" } });
    expect(text).toBe(formatCassette(cassette));
  });

  it("records a compressed answer as the decoded body the caller got, without its encoding", async () => {
    const json = JSON.stringify({ ok: true, text: "x".repeat(200) });
    const server = await platform(
      async () =>
        new Response(gzipSync(json), {
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        }),
    );
    const fetch = recordingFetch(join(dir, "gzip.json"));
    expect(await (await fetch(`${server.url}/compressed`)).text()).toBe(json);
    await fetch.flush();
    const { response } = fetch.cassette.interactions[0] ?? expect.unreachable();
    expect(response.body).toEqual({ json: JSON.parse(json) });
    expect(response.headers["content-encoding"]).toBeUndefined();
  });
});
