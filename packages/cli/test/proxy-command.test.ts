import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "@gloo-toolkit/cli";
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECRET = "emulator-secret";

interface Started {
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<number>;
}

let emulator: RunningServer;
let cwd: string;

beforeAll(async () => {
  emulator = await serve(createEmulator().fetch, { port: 0 });
  cwd = await mkdtemp(join(tmpdir(), "gloo-proxy-"));
});

afterAll(async () => {
  await emulator.close();
  await rm(cwd, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  GLOO_BASE: emulator.url,
  GLOO_CLIENT_ID: "emulator-client",
  GLOO_CLIENT_SECRET: SECRET,
  ...extra,
});

async function run(argv: string[], environment: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const code = await main({
    argv: ["proxy", ...argv],
    env: environment,
    cwd,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { code, stdout, stderr };
}

/** Starts `gloo proxy` and resolves once its first line names the URL. */
async function start(argv: string[], environment = env()): Promise<Started> {
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  let announce!: (url: string) => void;
  const announced = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const exit = main({
    argv: ["proxy", "--port", "0", ...argv],
    env: environment,
    cwd,
    signal: controller.signal,
    stdout: {
      write: (chunk: string) => {
        stdout += chunk;
        const match = /^Gloo proxy listening on (http:\/\/\S+)\n/.exec(stdout);
        if (match?.[1] !== undefined) announce(match[1]);
      },
    },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  const url = await Promise.race([
    announced,
    exit.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr}`))),
  ]);
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      controller.abort();
      return exit;
    },
  };
}

const chatBody = JSON.stringify({
  model: "us.meta.llama3-3-70b-instruct-v1:0",
  messages: [{ role: "user", content: "Reply with only: pong" }],
});

describe("gloo proxy", () => {
  it("prints help with examples", async () => {
    const result = await run(["--help"], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Usage: gloo proxy [--port N] [--host H] [--key KEY] [--cors ORIGINS] [--record FILE] [--redis URL [--budget USD] [--budget-window 7d] [--budget-warning 80] [--rpm N]] [--base URL]",
    );
    expect(result.stdout).toContain("GLOO_PROXY_KEY");
    expect(result.stdout).toContain("gloo proxy --record cassettes/chat.json");
    expect(result.stdout).toContain("gloo-scrubbed-* placeholders");
  });

  it("announces its URL first, relays completions with the token it holds, and stops on abort", async () => {
    const proxy = await start([]);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chatBody,
    });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe("pong");
    expect(await proxy.stop()).toBe(0);
    await expect(fetch(`${proxy.url}/healthz`)).rejects.toThrow();
    expect(proxy.stdout() + proxy.stderr()).not.toContain(SECRET);
  });

  it("with --cors, answers a listed page's preflight and labels its answers; others get no CORS headers", async () => {
    const page = "http://localhost:5173";
    const proxy = await start(["--cors", page]);
    try {
      expect(proxy.stdout()).toContain(`Browsers: pages on ${page} may call it.`);
      const preflight = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "OPTIONS",
        headers: {
          origin: page,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(page);
      const post = (origin: string) =>
        fetch(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { origin, "content-type": "application/json" },
          body: chatBody,
        });
      const listed = await post(page);
      expect(listed.status).toBe(200);
      expect(listed.headers.get("access-control-allow-origin")).toBe(page);
      expect(listed.headers.get("access-control-expose-headers")).toContain("x-request-id");
      const unlisted = await post("http://localhost:3000");
      expect(unlisted.status).toBe(200);
      expect(unlisted.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await proxy.stop();
    }
  });

  it.each([
    [["--cors", "*"], /--cors: \* \(any origin\) is not allowed here/],
    [["--cors", "https://app.example"], /without a proxy key, only pages on this machine/],
    [["--cors", "localhost:5173"], /"localhost:5173" is not an origin/],
  ])("refuses --cors %j with exit 2", async (argv, message) => {
    const result = await run(argv, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("with --verbose, logs one line per request on stderr", async () => {
    const proxy = await start(["--verbose"]);
    try {
      const response = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: chatBody,
      });
      await response.text();
      const requestId = response.headers.get("x-request-id");
      expect(requestId).toMatch(/\S/);
      await expect
        .poll(() => proxy.stderr())
        .toMatch(new RegExp(`^POST /v1/chat/completions 200 [\\d.]+ ms ${requestId}$`, "m"));
    } finally {
      await proxy.stop();
    }
  });

  it("refuses to bind a non-loopback address without a key (exit 2)", async () => {
    const result = await run(["--host", "0.0.0.0", "--port", "0"], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("refusing to listen on 0.0.0.0 without a proxy key");
    expect(result.stderr).toContain("--key");
  });

  it.each([
    ['--key ""', ["--key", ""], {}, "gloo: --key is empty.\nGive a key, e.g. --key"],
    ['--key " "', ["--key", " "], {}, "gloo: --key is empty."],
    [
      'GLOO_PROXY_KEY=""',
      [],
      { GLOO_PROXY_KEY: "" },
      "gloo: GLOO_PROXY_KEY is set but empty.\nSet it to a key",
    ],
  ])("refuses an empty key, %s, even on loopback (exit 2)", async (_name, argv, extra, message) => {
    const result = await run(["--port", "0", ...argv], env(extra));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("to run without a key (from this machine only");
  });

  it("with GLOO_PROXY_KEY, binds any address and requires the key; the key is never printed", async () => {
    const key = "proxy-key-for-tests-0123456789";
    const proxy = await start(["--host", "0.0.0.0"], env({ GLOO_PROXY_KEY: key }));
    try {
      const local = proxy.url.replace("0.0.0.0", "127.0.0.1");
      const post = (headers: Record<string, string>) =>
        fetch(`${local}/v2/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({
            auto_routing: true,
            messages: [{ role: "user", content: "Reply with only: ok" }],
          }),
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: `Bearer ${key}` })).status).toBe(200);
      expect(proxy.stdout()).not.toContain(key);
    } finally {
      await proxy.stop();
    }
  });

  it("fails with exit 1 and no secret in the output when the platform refuses the credentials", async () => {
    const wrong = "not-the-secret-123";
    const result = await run(["--port", "0"], env({ GLOO_CLIENT_SECRET: wrong }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the platform refused the credentials");
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it("exits 2 when the port is in use, naming the flag that fixes it", async () => {
    const port = String(new URL(emulator.url).port);
    const result = await run(["--port", port], env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `gloo: port ${port} on 127.0.0.1 is already in use.\nPick another with --port N, or --port 0 for a free one.\n`,
    );
  });

  it("rejects a bad --port and missing credentials with exit 2", async () => {
    const badPort = await run(["--port", "70000"], env());
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("--port");
    const noCredentials = await run(["--port", "0"], { GLOO_BASE: emulator.url });
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toContain("GLOO_CLIENT_ID");
  });
});
