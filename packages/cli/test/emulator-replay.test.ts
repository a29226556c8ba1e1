// `gloo emulator --replay`: the spawned command over real loopback, read by the SDK and by raw
// fetch — recorded bodies and SSE bytes as recorded, the SDK's retry meeting the recorded 429,
// an error chunk, a dropped stream, strict misses naming the nearest recording, fallback answers,
// the miss summary at shutdown — and the flag errors, in-process.
// `npm test` builds first; run `npx tsc -b` before running this file alone.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Gloo, NotFoundError, StreamError, StreamInterruptedError } from "@gloo-toolkit/sdk";
import { type Cassette, formatCassette } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, completionJSON, MODEL, platformCassette, V2 } from "../../../test/helpers/cassettes.js";
import { runCli, tempDir } from "./helpers/cli.js";
import { type SpawnedServer, spawnServer, until } from "./helpers/spawned-server.js";

const BANNER = /^Gloo emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/;
const decoder = new TextDecoder();

async function cassetteFile(cassette: Cassette, name = "platform.cassette.json"): Promise<string> {
  const dir = await tempDir();
  const path = join(dir, name);
  await writeFile(path, formatCassette(cassette));
  return path;
}

const client = (baseURL: string) =>
  // Any credentials: the cassette's token exchange is scrubbed, so the replay takes every client.
  new Gloo({ baseURL, clientId: "ci-client", clientSecret: "ci-secret", maxRetries: 2 });

/** Raw bytes of a streamed request, and how the body ended. */
async function rawStream(url: string, content: string): Promise<{ text: string; error?: Error }> {
  const response = await fetch(`${url}${V2}`, {
    method: "POST",
    headers: { authorization: "Bearer gloo-scrubbed-token-1", "content-type": "application/json" },
    body: JSON.stringify(chatBody(content, { stream: true })),
  });
  expect(response.headers.get("content-type")).toBe("text/event-stream");
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error: error as Error };
  }
}

const framesOf = (cassette: Cassette, index: number) =>
  (cassette.interactions[index]?.response.frames ?? []).map((frame) => frame.text).join("");

describe("gloo emulator --replay (strict, spawned)", () => {
  const cassette = platformCassette();
  let server: SpawnedServer;

  beforeAll(async () => {
    const file = await cassetteFile(cassette);
    server = await spawnServer(["emulator", "--port", "0", "--replay", file, "--verbose"], {}, BANNER);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("says what it loaded on startup", () => {
    const lines = server.stdout().split("\n");
    expect(lines[1]).toMatch(
      /^Replaying 7 recorded interactions from \S+platform\.cassette\.json \(strict mode, speed 1\)\.$/,
    );
    expect(server.stdout()).toContain(
      "A request the cassette lacks gets a 404 naming the nearest recordings.",
    );
    expect(server.stdout()).not.toContain("Faults");
  });

  it("gives the SDK the recorded JSON body, and the same bytes to a raw fetch", async () => {
    const gloo = client(server.url);
    const { data, response } = await gloo.v2.chat.completions
      .create({ model: MODEL, messages: [{ role: "user", content: "Reply with only: JSON-OK" }] })
      .withResponse();
    expect(response.headers.get("x-request-id")).toBe("req-JSON-OK");
    expect({ ...data }).toEqual(completionJSON("chatcmpl-JSON-OK", "JSON-OK"));
    const raw = await fetch(`${server.url}${V2}`, {
      method: "POST",
      headers: { authorization: "Bearer x", "content-type": "application/json" },
      body: JSON.stringify(chatBody("Reply with only: JSON-OK")),
    });
    expect(await raw.text()).toBe(JSON.stringify(completionJSON("chatcmpl-JSON-OK", "JSON-OK")));
  });

  it("replays SSE frames byte for byte, and the SDK reads them", async () => {
    expect((await rawStream(server.url, "Say three words")).text).toBe(framesOf(cassette, 4));
    const stream = await client(server.url).v2.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Say three words" }],
      stream: true,
    });
    let text = "";
    for await (const piece of stream.textStream()) text += piece;
    expect(text).toBe("One two three");
  });

  it("lets the SDK's retry meet the recorded 429, then the recorded answer", async () => {
    const completion = await client(server.url).v2.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Reply with only: AFTER-429" }],
    });
    expect(completion.choices[0]?.message.content).toBe("AFTER-429");
    expect(await until(() => /POST \/ai\/v2\/chat\/completions 429 .*req-429/.test(server.stderr()))).toBe(
      true,
    );
    const log = server.stderr();
    expect(log.indexOf("req-429")).toBeLessThan(log.indexOf("req-AFTER-429"));
  });

  it("replays an error chunk: the SDK raises the platform's StreamError after the text before it", async () => {
    expect((await rawStream(server.url, "Fail half way")).text).toBe(framesOf(cassette, 5));
    const stream = await client(server.url).v2.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Fail half way" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const piece of stream.textStream()) text += piece;
    })().catch((e: unknown) => e);
    expect(text).toBe("Half");
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).message).toContain("The model provider failed mid-stream.");
  });

  it("drops a stream recorded as dropped: the partial frame arrives, then the connection breaks", async () => {
    const raw = await rawStream(server.url, "Drop half way");
    expect(raw.text).toBe(framesOf(cassette, 6));
    expect(raw.text.endsWith('data: {"id":"')).toBe(true);
    expect(raw.error).toBeInstanceOf(Error);
    const stream = await client(server.url).v2.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Drop half way" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const piece of stream.textStream()) text += piece;
    })().catch((e: unknown) => e);
    expect(text).toBe("Cut");
    expect(error).toBeInstanceOf(StreamInterruptedError);
  });

  it("refuses a request the cassette lacks with a 404 that names the nearest recording", async () => {
    const error = await client(server.url)
      .v2.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Reply with only: JSON-NO" }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    const message = (error as NotFoundError).message;
    expect(message).toContain(`No recording in `);
    expect(message).toContain(`#2 POST ${V2}: 1 difference in the body (recorded → sent)`);
    expect(message).toContain('messages[0].content: "Reply with only: JSON-OK" → "Reply with only: JSON-NO"');
    expect(
      await until(() =>
        server
          .stderr()
          .includes(
            `replay miss: POST ${V2} → 404 (strict); nearest #2 POST ${V2}, 1 body difference (messages[0].content)`,
          ),
      ),
    ).toBe(true);
  });

  it("shows gloo chat the miss with its own advice, not the base URL's", async () => {
    const home = await tempDir();
    const env = {
      GLOO_BASE: server.url,
      GLOO_CLIENT_ID: "any-id",
      GLOO_CLIENT_SECRET: "any-secret",
      XDG_CACHE_HOME: home,
      XDG_DATA_HOME: home,
      XDG_CONFIG_HOME: home,
    };
    const run = await runCli(["chat", "--no-log", "--api", "v2", "--model", MODEL, "Not in the cassette"], {
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no recording for this request: 404 NO_RECORDING: No recording in ");
    expect(run.stderr).toContain('messages[0].content: "Reply with only: JSON-OK" → "Not in the cassette"');
    expect(run.stderr).toContain("restart it with --mode fallback");
    expect(run.stderr).not.toContain("Check GLOO_BASE");
  });

  it("demands a Bearer token on API calls, with the platform's 401", async () => {
    const response = await fetch(`${server.url}${V2}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chatBody("Reply with only: JSON-OK")),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: "Missing Authorization",
      code: "unauthorized_missing_authorization",
    });
  });

  it("prints the replay summary when stopped, and exits 0", async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).toMatch(
      /Replay of \S+platform\.cassette\.json: \d+ answers from the cassette, 2 misses\./,
    );
    expect(server.stderr()).toContain(`  missed POST ${V2} × 2`);
  });
});

describe("gloo emulator --replay --mode fallback (spawned)", () => {
  it("answers what the cassette lacks with the model, reports each miss, and sums them up at the end", async () => {
    const file = await cassetteFile(platformCassette());
    const server = await spawnServer(
      ["emulator", "--port", "0", "--replay", file, "--mode", "fallback", "--speed", "0"],
      {},
      BANNER,
    );
    try {
      expect(server.stdout()).toContain("(fallback mode, speed 0: no pauses)");
      const gloo = client(server.url);
      const recorded = await gloo.v2.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Reply with only: JSON-OK" }],
      });
      expect(recorded.id).toBe("chatcmpl-JSON-OK");
      const modelled = await gloo.v2.chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Reply with only: NOT-RECORDED" }],
      });
      expect(modelled.choices[0]?.message.content).toBe("NOT-RECORDED");
      expect(
        await until(() =>
          server.stderr().includes(`replay miss: POST ${V2} → answered by the emulator; nearest #2`),
        ),
      ).toBe(true);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.stderr()).toMatch(
      /: 2 answers from the cassette, 1 miss\.\n {2}missed POST \/ai\/v2\/chat\/completions × 1\n/,
    );
    expect(server.stderr()).toContain("The emulator answered the misses");
  });
});

describe("gloo emulator --replay flag errors", () => {
  it.each([
    [["--replay", "missing.json"], "--replay missing.json: no such file."],
    [["--mode", "fallback"], "--mode applies to a replay: add --replay FILE"],
    [["--speed", "2"], "--speed applies to a replay"],
  ])("gloo emulator %j exits 2: %s", async (argv, message) => {
    const run = await runCli(["emulator", "--port", "0", ...argv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("says why a file is not a cassette, with parseCassette's words", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "broken.json"), "{ not json");
    await writeFile(join(dir, "other.json"), JSON.stringify({ log: {} }));
    const broken = await runCli(["emulator", "--port", "0", "--replay", "broken.json"], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("broken.json is not JSON");
    const other = await runCli(["emulator", "--port", "0", "--replay", "other.json"], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('other.json is not a gloo cassette (no "format": "gloo-cassette")');
  });

  it("refuses a bad --mode or --speed", async () => {
    const file = await cassetteFile(platformCassette());
    const mode = await runCli(["emulator", "--port", "0", "--replay", file, "--mode", "lenient"]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--mode must be strict or fallback, got "lenient".');
    const speed = await runCli(["emulator", "--port", "0", "--replay", file, "--speed=-1"]);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed must be a number ≥ 0, got "-1".');
  });
});
