// `gloo emulator`: flags, the banner contract, clean stops, and the quickstart's own cURL
// commands run verbatim (packages/servers/scripts/quickstart-curl.sh) against the spawned command.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { main } from "@gloo-toolkit/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers/cli.js";

const BIN = fileURLToPath(new URL("../bin.js", import.meta.url));
const SCRIPT = fileURLToPath(new URL("../../servers/scripts/quickstart-curl.sh", import.meta.url));
const BANNER = /^Gloo emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/;

/** Runs `gloo emulator ARGV` in-process until the test aborts it. */
async function startInProcess(argv: string[], cwd?: string) {
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  let announce!: () => void;
  const announced = new Promise<void>((resolve) => {
    announce = resolve;
  });
  const exit = main({
    argv: ["emulator", "--port", "0", ...argv],
    env: {},
    cwd: cwd ?? (await tempDir()),
    signal: controller.signal,
    stdout: {
      write(chunk: string) {
        stdout += chunk;
        if (stdout.includes("\n")) announce();
      },
    },
    stderr: {
      write(chunk: string) {
        stderr += chunk;
        announce();
      },
    },
  });
  await Promise.race([announced, exit]);
  const url = BANNER.exec(stdout.split("\n")[0] ?? "")?.[1];
  const stop = () => {
    controller.abort();
    return exit;
  };
  return { url, stdout: () => stdout, stderr: () => stderr, stop };
}

describe("gloo emulator (in-process)", () => {
  it("prints the listening line first, then the credentials and exports, and stops with exit 0", async () => {
    const run = await startInProcess([]);
    expect(run.url).toBeDefined();
    const lines = run.stdout().split("\n");
    expect(lines[0]).toMatch(BANNER);
    expect(run.stdout()).toContain(`export GLOO_BASE="${run.url}"`);
    expect(run.stdout()).toContain('export GLOO_CLIENT_ID="emulator-client"');
    expect(run.stdout()).toContain('export GLOO_CLIENT_SECRET="emulator-secret"');
    const models = await fetch(`${run.url}/platform/v2/models`);
    expect(models.status).toBe(200);
    expect(await run.stop()).toBe(0);
    await expect(fetch(`${run.url}/platform/v2/models`)).rejects.toThrow();
  });

  it("applies --client-id, --client-secret, --token-ttl and --faults", async () => {
    const run = await startInProcess([
      "--client-id",
      "my-app",
      "--client-secret",
      "s3cret",
      "--token-ttl",
      "60",
      "--faults",
      "503=1",
    ]);
    try {
      const basic = Buffer.from("my-app:s3cret").toString("base64");
      const response = await fetch(`${run.url}/oauth2/token`, {
        method: "POST",
        headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
      const token = (await response.json()) as { access_token: string; expires_in: number };
      expect(token.expires_in).toBe(60);
      const completion = await fetch(`${run.url}/ai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }] }),
      });
      expect(completion.status).toBe(503);
    } finally {
      await run.stop();
    }
  });

  it("serves scripted replies from --script", async () => {
    const cwd = await tempDir();
    await writeFile(join(cwd, "script.json"), JSON.stringify({ "capital of France": "Paris." }));
    const run = await startInProcess(["--script", "script.json"], cwd);
    try {
      const token = await fetchToken(run.url as string);
      const completion = await fetch(`${run.url}/ai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "What is the capital of France?" }] }),
      });
      expect(await completion.json()).toMatchObject({ choices: [{ message: { content: "Paris." } }] });
    } finally {
      await run.stop();
    }
  });

  it("with --cors, lets a listed page call it: preflight 204 (fault header allowed), labelled answers", async () => {
    const page = "http://127.0.0.1:5173";
    const run = await startInProcess(["--cors", `${page},https://app.example`]);
    try {
      expect(run.stdout()).toContain(`Browsers: pages on ${page}, https://app.example may call it.`);
      const preflight = await fetch(`${run.url}/oauth2/token`, {
        method: "OPTIONS",
        headers: { origin: page, "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toContain("x-emulator-fault");
      const limited = await fetch(`${run.url}/ai/v1/chat/completions`, {
        method: "POST",
        headers: {
          origin: page,
          authorization: `Bearer ${await fetchToken(run.url as string)}`,
          "x-emulator-fault": "429",
        },
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("access-control-allow-origin")).toBe(page);
      expect(limited.headers.get("access-control-expose-headers")).toContain("retry-after");
    } finally {
      await run.stop();
    }
  });

  it("without --cors, a preflight gets 405 and no CORS headers, as before", async () => {
    const run = await startInProcess([]);
    try {
      expect(run.stdout()).toContain("Browsers: no cross-origin pages");
      const preflight = await fetch(`${run.url}/oauth2/token`, {
        method: "OPTIONS",
        headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(405);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await run.stop();
    }
  });

  it("with --verbose, logs one line per request on stderr, dropped connections too", async () => {
    const run = await startInProcess(["--verbose"]);
    try {
      expect(run.stderr()).toBe("");
      await fetch(`${run.url}/platform/v2/models`);
      await fetch(`${run.url}/nowhere`, { method: "POST" });
      const dropped = fetch(`${run.url}/oauth2/token`, {
        method: "POST",
        headers: { "x-emulator-fault": "drop" },
      });
      await expect(dropped).rejects.toThrow();
      expect(run.stderr().split("\n")).toEqual([
        expect.stringMatching(/^GET \/platform\/v2\/models 200 [\d.]+ ms [\w-]{36}$/),
        expect.stringMatching(/^POST \/nowhere 404 [\d.]+ ms [\w-]{36}$/),
        expect.stringMatching(/^POST \/oauth2\/token dropped [\d.]+ ms -$/),
        "",
      ]);
    } finally {
      await run.stop();
    }
  });

  it("with --verbose, logs how each stream ended: completed, dropped, closed by the client", async () => {
    const run = await startInProcess(["--verbose", "--token-delay", "20"]);
    const token = await fetchToken(run.url ?? "");
    const stream = (prompt: string, fault?: string) =>
      fetch(`${run.url}/ai/v2/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(fault === undefined ? {} : { "x-emulator-fault": fault }),
        },
        body: JSON.stringify({
          auto_routing: true,
          stream: true,
          messages: [{ role: "user", content: prompt }],
        }),
      });
    const ended = async (count: number) => {
      for (let i = 0; i < 500 && run.stderr().split("stream ").length <= count; i++) await sleep(10);
    };
    try {
      await (await stream("Reply with only: A")).text();
      await ended(1);
      await expect((await stream("Reply with only: B", "drop-after=2")).text()).rejects.toThrow();
      await ended(2);
      const reader = (await stream("Tell me a long story about the seven churches.")).body?.getReader();
      await reader?.read();
      await reader?.cancel();
      await ended(3);
      const streamLines = run
        .stderr()
        .split("\n")
        .filter((line) => line.includes(" stream "));
      expect(streamLines).toEqual([
        expect.stringMatching(/^POST \/ai\/v2\/chat\/completions stream completed [\d.]+ ms [\w-]{36}$/),
        expect.stringMatching(/^POST \/ai\/v2\/chat\/completions stream dropped [\d.]+ ms [\w-]{36}$/),
        expect.stringMatching(/ stream closed by the client [\d.]+ ms [\w-]{36}$/),
      ]);
    } finally {
      await run.stop();
    }
  });

  it.each([
    [["--port", "70000"], /--port must be a whole number/],
    [["--faults", "429=2"], /rate of fault "429" must be a number from 0 to 1/],
    [["--faults", "boom=0.1"], /Bad fault "boom=0.1"/],
    [["--token-ttl", "0"], /--token-ttl must be a whole number ≥ 1/],
    [["--script", "missing.json"], /cannot read --script/],
    [["--cors", "http://localhost:5173/app"], /--cors: "http:\/\/localhost:5173\/app" is not an origin/],
    [["--cors", ""], /--cors: no origins given/],
    [["--unknown"], /Unknown option/i],
  ])("rejects %j with exit 2 and a message", async (argv, message) => {
    const run = await runCli(["emulator", ...argv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it("exits 2 when the port is in use, naming the flag that fixes it", async () => {
    const taken = await startInProcess([]);
    try {
      const port = BANNER.exec(taken.stdout().split("\n")[0] ?? "")?.[2] ?? "";
      const run = await runCli(["emulator", "--port", port]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toBe(
        `gloo: port ${port} on 127.0.0.1 is already in use.\nPick another with --port N, or --port 0 for a free one.\n`,
      );
    } finally {
      await taken.stop();
    }
  });

  it("prints help with examples", async () => {
    const run = await runCli(["emulator", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: gloo emulator");
    expect(run.stdout).toContain("--faults");
    expect(run.stdout).toContain("--cors ORIGINS");
    expect(run.stdout).toContain("Examples:");
    // The reference must resolve for someone who installed the package, not only in a checkout.
    expect(run.stdout).toContain("https://github.com/gloo-toolkit/gloo-toolkit/blob/main/docs/emulator.md");
  });
});

async function fetchToken(url: string): Promise<string> {
  const response = await fetch(`${url}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret",
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Spawns the built `gloo emulator` and resolves with its URL once the first line is out. */
async function spawnEmulator(): Promise<{ child: ChildProcess; url: string }> {
  // A temporary HOME and XDG directories: a spawned gloo never reads or writes the user's files.
  const home = await tempDir();
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    XDG_CONFIG_HOME: home,
    XDG_CACHE_HOME: home,
    XDG_DATA_HOME: home,
  };
  const child = spawn(process.execPath, [BIN, "emulator", "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [first] = (await once(lines, "line")) as [string];
  const url = BANNER.exec(first)?.[1];
  if (url === undefined) throw new Error(`unexpected first line: ${first}`);
  return { child, url };
}

describe("gloo emulator (spawned)", () => {
  let child: ChildProcess;
  let output: string;

  beforeAll(async () => {
    const spawned = await spawnEmulator();
    child = spawned.child;
    const env = {
      ...process.env,
      GLOO_BASE: spawned.url,
      GLOO_CLIENT_ID: "emulator-client",
      GLOO_CLIENT_SECRET: "emulator-secret",
      GLOO_MODEL: "us.meta.llama3-3-70b-instruct-v1:0",
    };
    const result = await promisify(execFile)("bash", [SCRIPT], { env });
    output = result.stdout;
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  const section = (name: string) => {
    const start = output.indexOf(`### ${name}\n`);
    const rest = output.slice(start + name.length + 5);
    const end = rest.indexOf("### ");
    return (end === -1 ? rest : rest.slice(0, end)).trim();
  };

  it("1) the token command acquires a JWT-shaped token", () => {
    const length = Number(/TOKEN acquired\? (\d+) chars/.exec(section("token"))?.[1]);
    expect(length).toBeGreaterThan(100);
  });

  it("2) the non-stream completion answers a chat.completion with text and usage", () => {
    const body = JSON.parse(section("completion"));
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("us.meta.llama3-3-70b-instruct-v1:0");
    expect(body.choices[0].message.content).toMatch(/seven seals/i);
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("3) the SSE command streams STREAM-OK and ends on a finish_reason, without [DONE]", () => {
    const events = section("sse")
      .split("\n\n")
      .map((event) => event.replace(/^data: /, ""));
    const chunks = events.map((data) => JSON.parse(data));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("STREAM-OK");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    expect(section("sse")).not.toContain("[DONE]");
  });

  it("health check A echoes PING-9473e0 exactly", () => {
    expect(JSON.parse(section("health-a")).choices[0].message.content).toBe("PING-9473e0");
  });

  it('health check B answers "SUN" for each of n: 3', () => {
    expect(section("health-b").split("\n")).toEqual(['"SUN"', '"SUN"', '"SUN"']);
  });

  it("the legacy pair gives a chat_id and then messages: []", () => {
    expect(section("legacy-post")).toMatch(/^chat_id: c[0-9a-f-]{36}$/);
    expect(section("legacy-get")).toBe("[]");
  });

  it("stops cleanly on SIGTERM with exit code 0", async () => {
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
