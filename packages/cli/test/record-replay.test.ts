// Record, then replay, end to end (issue 17's acceptance): the emulator stands in for the platform;
// traffic is recorded through the SDK's fetch hook (recordingFetch) and through a spawned
// `gloo proxy --record` — a JSON answer, a stream, a 429 and its retry, an error chunk
// (`x-emulator-fault: error-after=N`) and a dropped stream (`drop-after=N`). Then that emulator
// is stopped (and shown unreachable), and a spawned `gloo emulator --replay` gives the clients the
// same bodies and the same SSE bytes. Every cassette is scanned for secrets.
// `npm test` builds first; run `npx tsc -b` before running this file alone.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gloo } from "@gloo-toolkit/sdk";
import {
  createEmulator,
  type Emulator,
  findSecrets,
  parseCassette,
  type RunningServer,
  recordingFetch,
  serve,
} from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatInit, readAll } from "../../../test/helpers/exchange.js";
import { type SpawnedServer, spawnServer, until } from "./helpers/spawned-server.js";

const chat = (content: string, stream: boolean, fault?: string) =>
  chatInit(MODEL, content, { stream, ...(fault === undefined ? {} : { fault }) });

const CLIENT_ID = "roundtrip-client-3";
const CLIENT_SECRET = "roundtrip-secret-9d2e71b4";
const MODEL = "gloo-openai-gpt-5-mini";
const V2 = "/ai/v2/chat/completions";
const EMULATOR_BANNER = /^Gloo emulator listening on (http:\/\/\S+)$/;
const PROXY_BANNER = /^Gloo proxy listening on (http:\/\/\S+)$/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gloo-record-replay-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The emulator as the platform, remembering every token it issued (none may reach a cassette). */
async function platform(): Promise<{ server: RunningServer; emulator: Emulator; issued: string[] }> {
  const emulator = createEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenDelayMs: 3 });
  const issued: string[] = [];
  const server = await serve(
    async (request) => {
      const response = await emulator.fetch(request);
      if (new URL(request.url).pathname === "/oauth2/token" && response.ok)
        issued.push(((await response.clone().json()) as { access_token: string }).access_token);
      return response;
    },
    { port: 0 },
  );
  return { server, emulator, issued };
}

/** Stops the stand-in platform and shows that nothing answers at its address any more. */
async function stopAndProveGone(server: RunningServer): Promise<void> {
  await server.close();
  const refused = await fetch(`${server.url}/platform/v2/models`).catch((error: Error) => error);
  expect(refused).toBeInstanceOf(TypeError);
  expect(String((refused as TypeError).cause)).toContain("ECONNREFUSED");
}

type Send = (path: string, init: RequestInit) => Promise<Response>;

/** The same five exchanges, recorded or replayed: what the client saw of each. */
async function exchanges(send: Send, path: string, retry: () => Promise<unknown>) {
  return {
    json: await readAll(await send(path, chat("Reply with only: JSON-OK", false))),
    stream: await readAll(await send(path, chat("Tell me about rivers", true))),
    retried: await retry(),
    errorChunk: await readAll(await send(path, chat("Tell me about lakes", true, "error-after=2"))),
    dropped: await readAll(await send(path, chat("Tell me about seas", true, "drop-after=2"))),
  };
}

function expectSameAsRecorded(
  replayed: Awaited<ReturnType<typeof exchanges>>,
  recorded: Awaited<ReturnType<typeof exchanges>>,
): void {
  expect(recorded.json.status).toBe(200);
  expect(replayed.json).toEqual(recorded.json);
  expect(recorded.stream).toMatchObject({ status: 200, broken: false });
  expect(replayed.stream).toEqual(recorded.stream);
  expect(recorded.errorChunk.text).toContain('"finish_reason":"error"');
  expect(replayed.errorChunk).toEqual(recorded.errorChunk);
  expect(recorded.dropped.broken).toBe(true);
  expect(replayed.dropped).toEqual(recorded.dropped);
  expect(replayed.retried).toEqual(recorded.retried);
}

describe("recorded through the SDK's fetch hook, replayed by gloo emulator --replay", () => {
  it("gives the SDK the same bodies and SSE bytes with the platform gone", async () => {
    const file = join(dir, "sdk.cassette.json");
    const { server, emulator, issued } = await platform();
    const recorder = recordingFetch(file);
    const recording = new Gloo({
      baseURL: server.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      fetch: recorder,
    });
    const retryThrough = (gloo: Gloo) => async () => {
      // The SDK's own retry: a 429 first (queued on the platform while recording), then the answer.
      const completion = await gloo.v2.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Reply with only: AFTER-429" }],
      });
      return { ...completion };
    };
    const recorded = await exchanges(recording.fetch, V2, async () => {
      emulator.queueFault("429,retry-after=1");
      return retryThrough(recording)();
    });
    await recorder.flush();
    await stopAndProveGone(server);

    const text = await readFile(file, "utf8");
    const cassette = parseCassette(text);
    expect(cassette.interactions.map((i) => `${i.request.path} ${i.response.status}`)).toEqual([
      "/oauth2/token 200",
      `${V2} 200`,
      `${V2} 200`,
      `${V2} 429`,
      `${V2} 200`,
      `${V2} 200`,
      `${V2} 200`,
    ]);
    expect(findSecrets(text, [CLIENT_ID, CLIENT_SECRET, ...issued])).toEqual([]);

    const replay = await spawnServer(
      ["emulator", "--port", "0", "--replay", file, "--verbose"],
      {},
      EMULATOR_BANNER,
    );
    try {
      const replaying = new Gloo({ baseURL: replay.url, clientId: "ci-client", clientSecret: "ci-secret" });
      const replayed = await exchanges(replaying.fetch, V2, retryThrough(replaying));
      expectSameAsRecorded(replayed, recorded);
      // The cassette's frames are those bytes, frame by frame.
      const frames = (n: number) =>
        (cassette.interactions[n]?.response.frames ?? []).map((f) => f.text).join("");
      expect(frames(2)).toBe(replayed.stream.text);
      expect(frames(6)).toBe(replayed.dropped.text);
      // The SDK met the recorded 429 before the recorded answer.
      expect(await until(() => / 429 /.test(replay.stderr()))).toBe(true);
      expect(replay.stderr()).toMatch(
        /POST \/ai\/v2\/chat\/completions 429 [^\n]*\nPOST \/ai\/v2\/chat\/completions 200 /,
      );
    } finally {
      expect(await replay.stop()).toBe(0);
    }
    expect(replay.stderr()).toContain("0 misses");
  });
});

describe("recorded through gloo proxy --record, replayed through a proxy in front of gloo emulator --replay", () => {
  it("gives a proxy client the same bodies and SSE bytes with the platform gone", async () => {
    const file = join(dir, "proxy.cassette.json");
    const { server, issued } = await platform();
    const env = { GLOO_BASE: server.url, GLOO_CLIENT_ID: CLIENT_ID, GLOO_CLIENT_SECRET: CLIENT_SECRET };
    const viaProxy =
      (proxy: SpawnedServer): Send =>
      (path, init) =>
        fetch(`${proxy.url}${path}`, init);
    // Through the proxy, the 429 reaches the client (the header asks for it), and the next one passes.
    const retryThrough = (proxy: SpawnedServer) => async () => [
      await readAll(
        await viaProxy(proxy)("/v1/chat/completions", chat("Reply with only: AFTER-429", false, "429")),
      ),
      await readAll(await viaProxy(proxy)("/v1/chat/completions", chat("Reply with only: AFTER-429", false))),
    ];
    const recordingProxy = await spawnServer(["proxy", "--port", "0", "--record", file], env, PROXY_BANNER);
    let recorded: Awaited<ReturnType<typeof exchanges>>;
    try {
      recorded = await exchanges(
        viaProxy(recordingProxy),
        "/v1/chat/completions",
        retryThrough(recordingProxy),
      );
    } finally {
      expect(await recordingProxy.stop()).toBe(0);
    }
    await stopAndProveGone(server);
    expect((recorded.retried as { status: number }[]).map((r) => r.status)).toEqual([429, 200]);

    const text = await readFile(file, "utf8");
    expect(findSecrets(text, [CLIENT_ID, CLIENT_SECRET, ...issued])).toEqual([]);

    const replay = await spawnServer(["emulator", "--port", "0", "--replay", file], {}, EMULATOR_BANNER);
    const replayEnv = { GLOO_BASE: replay.url, GLOO_CLIENT_ID: "ci-client", GLOO_CLIENT_SECRET: "ci-secret" };
    const replayingProxy = await spawnServer(["proxy", "--port", "0"], replayEnv, PROXY_BANNER);
    try {
      const replayed = await exchanges(
        viaProxy(replayingProxy),
        "/v1/chat/completions",
        retryThrough(replayingProxy),
      );
      expectSameAsRecorded(replayed, recorded);
    } finally {
      expect(await replayingProxy.stop()).toBe(0);
      expect(await replay.stop()).toBe(0);
    }
    expect(replay.stderr()).toContain("0 misses");
  });
});
