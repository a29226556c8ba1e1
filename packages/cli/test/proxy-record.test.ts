// `gloo proxy --record FILE`, spawned as a user runs it, in front of the emulator standing in for
// the platform: what the cassette holds after a JSON answer, streams, a 429, an error chunk and a
// dropped stream, written by the time SIGTERM has stopped the proxy; and a FILE it cannot write.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, findSecrets, parseCassette, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatInit, readAll } from "../../../test/helpers/exchange.js";
import { spawnGloo } from "./helpers/processes.js";
import { spawnServer } from "./helpers/spawned-server.js";

const CLIENT_ID = "recording-client-7";
const CLIENT_SECRET = "recording-secret-7f3a9c";
const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

let platform: RunningServer;
let dir: string;
// Every access token the platform issued: none may reach a cassette.
const issued: string[] = [];

beforeAll(async () => {
  const emulator = createEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, seed: 5 });
  platform = await serve(
    async (request) => {
      const response = await emulator.fetch(request);
      if (new URL(request.url).pathname === "/oauth2/token" && response.ok) {
        const body = (await response.clone().json()) as { access_token: string };
        issued.push(body.access_token);
      }
      return response;
    },
    { port: 0 },
  );
  dir = await mkdtemp(join(tmpdir(), "gloo-proxy-record-"));
});

afterAll(async () => {
  await platform.close();
  await rm(dir, { recursive: true, force: true });
});

const chat = (content: string, stream: boolean, fault?: string) =>
  chatInit(MODEL, content, { stream, ...(fault === undefined ? {} : { fault }) });

const env = () => ({ GLOO_BASE: platform.url, GLOO_CLIENT_ID: CLIENT_ID, GLOO_CLIENT_SECRET: CLIENT_SECRET });

describe("gloo proxy --record", () => {
  it("records the platform side of every exchange, scrubbed, and has written it all once stopped", async () => {
    const file = join(dir, "proxy.json");
    const proxy = await spawnServer(
      ["proxy", "--port", "0", "--record", file],
      env(),
      /^Gloo proxy listening on (http:\/\/\S+)$/,
    );
    expect(proxy.stderr()).toContain(`Recording every exchange with the platform to ${file}`);
    const url = `${proxy.url}/v1/chat/completions`;

    const json = await fetch(url, chat("Reply with only: pong", false));
    const completion = (await json.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe("pong");

    const stream = await readAll(await fetch(url, chat("Tell me a story", true)));
    expect(stream.broken).toBe(false);

    const limited = await fetch(url, chat("Reply with only: later", false, "429"));
    expect(limited.status).toBe(429);
    await limited.text();

    const errorChunk = await readAll(await fetch(url, chat("Tell me a story", true, "error-after=2")));
    expect(errorChunk.text).toContain('"finish_reason":"error"');

    const dropped = await readAll(await fetch(url, chat("Tell me a story", true, "drop-after=2")));
    expect(dropped.broken).toBe(true);

    expect(await proxy.stop()).toBe(0);
    expect(proxy.stderr()).toMatch(new RegExp(`Recorded 6 exchanges to ${file}\\.`));

    const text = await readFile(file, "utf8");
    const cassette = parseCassette(text);
    expect(cassette.recordedBy).toMatch(/^gloo-toolkit \S+ \(gloo proxy --record\)$/);
    const [token, answer, streamed, tooMany, withError, cut] = cassette.interactions;
    // The platform's paths and the proxy's own token exchange, not the proxy's OpenAI-style paths.
    expect(cassette.interactions.map((i) => `${i.request.path} ${i.response.status}`)).toEqual([
      "/oauth2/token 200",
      "/ai/v1/chat/completions 200",
      "/ai/v1/chat/completions 200",
      "/ai/v1/chat/completions 429",
      "/ai/v1/chat/completions 200",
      "/ai/v1/chat/completions 200",
    ]);
    expect(token?.request.headers.authorization).toBe("Basic gloo-scrubbed-basic");
    expect(token?.response.body).toMatchObject({ json: { access_token: "gloo-scrubbed-token-1" } });
    expect(answer?.request.headers.authorization).toBe("Bearer gloo-scrubbed-token-1");
    expect(answer?.response.body).toMatchObject({ json: { choices: [{ message: { content: "pong" } }] } });
    // The frames are exactly what the client got through the proxy.
    const frames = (i: typeof streamed) => (i?.response.frames ?? []).map((frame) => frame.text).join("");
    expect(frames(streamed)).toBe(stream.text);
    expect(streamed?.response.end.kind).toBe("complete");
    expect(tooMany?.response.headers["retry-after"]).toMatch(/^\d+$/);
    expect(frames(withError)).toBe(errorChunk.text);
    expect(frames(cut)).toBe(dropped.text);
    expect(cut?.response.end.kind).toBe("dropped");

    expect(issued.length).toBeGreaterThan(0);
    expect(findSecrets(text, [CLIENT_ID, CLIENT_SECRET, ...issued])).toEqual([]);
    expect(findSecrets(proxy.stdout() + proxy.stderr(), [CLIENT_SECRET, ...issued])).toEqual([]);
  });

  it("refuses a FILE it cannot write before serving, saying how to fix it (exit 2)", async () => {
    const missing = spawnGloo(
      ["proxy", "--port", "0", "--record", join(dir, "no-such-dir", "c.json")],
      env(),
    );
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toMatch(/--record .*c\.json: .*does not exist\. Create it first \(mkdir -p /);
    expect(missing.stdout()).toBe("");

    const asDirectory = spawnGloo(["proxy", "--port", "0", "--record", dir], env());
    expect(await asDirectory.exited).toBe(2);
    expect(asDirectory.stderr()).toMatch(/it is a directory\. Give a file name/);
  });

  it("says so on shutdown when the cassette could not be written", async () => {
    const sub = await mkdtemp(join(dir, "removed-"));
    const file = join(sub, "c.json");
    const proxy = await spawnServer(
      ["proxy", "--port", "0", "--record", file],
      env(),
      /^Gloo proxy listening on (http:\/\/\S+)$/,
    );
    await rm(sub, { recursive: true });
    const answer = await fetch(`${proxy.url}/v1/chat/completions`, chat("Reply with only: lost", false));
    expect(answer.status).toBe(200);
    await answer.text();
    await proxy.stop();
    expect(proxy.stderr()).toMatch(/gloo: could not write the cassette .*c\.json: .*\nCheck the disk/);
  });

  it("leaves an earlier cassette as it was when the proxy does not start (refused credentials, exit 1)", async () => {
    const file = join(dir, "earlier.json");
    await writeFile(file, "an earlier recording\n");
    const refused = spawnGloo(["proxy", "--port", "0", "--record", file], {
      ...env(),
      GLOO_CLIENT_SECRET: "not-the-secret",
    });
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toContain("the platform refused the credentials");
    expect(refused.stderr()).toContain(`${file} is left as it was: gloo proxy did not start.`);
    expect(await readFile(file, "utf8")).toBe("an earlier recording\n");
    // With no earlier file, none is left behind.
    const fresh = join(dir, "fresh.json");
    const again = spawnGloo(["proxy", "--port", "0", "--record", fresh], {
      ...env(),
      GLOO_CLIENT_SECRET: "not-the-secret",
    });
    expect(await again.exited).toBe(1);
    await expect(readFile(fresh, "utf8")).rejects.toThrow(/ENOENT/);
    expect(findSecrets(refused.stderr() + again.stderr(), [CLIENT_SECRET, "not-the-secret"])).toEqual([]);
  });
});
