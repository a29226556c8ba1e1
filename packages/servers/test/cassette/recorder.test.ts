// recordingFetch through the SDK's fetch hook against the emulator over loopback.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gloo } from "@gloo-toolkit/sdk";
import {
  createEmulator,
  findSecrets,
  parseCassette,
  type RunningServer,
  recordingFetch,
  serve,
} from "@gloo-toolkit/servers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CLIENT_ID = "emulator-client";
const CLIENT_SECRET = "emulator-secret";
const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

let dir: string;
const running: RunningServer[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "gloo-record-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  await rm(dir, { recursive: true, force: true });
});

async function platform() {
  const server = await serve(createEmulator({ seed: 3 }).fetch, { port: 0 });
  running.push(server);
  return server;
}

describe("recordingFetch through the SDK hook", () => {
  it("records the token exchange and a JSON completion, scrubbed, in the order they started", async () => {
    const server = await platform();
    const file = join(dir, "chat.json");
    const fetch = recordingFetch(file);
    const gloo = new Gloo({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseURL: server.url, fetch });
    const completion = await gloo.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "Reply with only: OK" }],
    });
    await fetch.flush();
    const token = (await gloo.auth.getToken()).accessToken;
    const text = await readFile(file, "utf8");
    const cassette = parseCassette(text);
    expect(
      cassette.interactions.map((i) => `${i.request.method} ${i.request.path} ${i.response.status}`),
    ).toEqual(["POST /oauth2/token 200", "POST /ai/v1/chat/completions 200"]);
    const [tokenExchange, chat] = cassette.interactions;
    expect(tokenExchange?.request.headers.authorization).toBe("Basic gloo-scrubbed-basic");
    expect(tokenExchange?.response.body).toMatchObject({ json: { access_token: "gloo-scrubbed-token-1" } });
    expect(chat?.request.headers.authorization).toBe("Bearer gloo-scrubbed-token-1");
    expect(chat?.response.body).toEqual({
      json: JSON.parse(JSON.stringify(completion.toJSON?.() ?? completion)),
    });
    expect(findSecrets(text, [CLIENT_ID, CLIENT_SECRET, token])).toEqual([]);
  });

  it("records a stream frame by frame, the frames adding up to exactly the bytes the caller read", async () => {
    const server = await platform();
    const file = join(dir, "stream.json");
    const fetch = recordingFetch(file);
    const gloo = new Gloo({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, baseURL: server.url, fetch });
    const token = (await gloo.auth.getToken()).accessToken;
    const response = await gloo.fetch(`${server.url}/ai/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ role: "user", content: "Tell me a story" }],
        stream: true,
      }),
    });
    const received = await response.text();
    await fetch.flush();
    const text = await readFile(file, "utf8");
    const stream = parseCassette(text).interactions[1];
    expect(stream?.response.headers["content-type"]).toContain("text/event-stream");
    expect(stream?.response.end.kind).toBe("complete");
    const frames = stream?.response.frames ?? [];
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.map((frame) => frame.text).join("")).toBe(received);
    for (const frame of frames) expect(frame.text).toMatch(/^data: .*\n\n$/s);
    expect(findSecrets(text, [CLIENT_ID, CLIENT_SECRET, token])).toEqual([]);
  });
});
