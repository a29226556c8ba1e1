// End to end: the built `gloo` (packages/cli/bin.js → dist) spawned as a user would run it.
// `npm test` builds first; run `npx tsc -b` before running this file alone.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, stat } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, EMULATOR_SECRET, expectNoLeaks, tempDir } from "./helpers/cli.js";

const bin = fileURLToPath(new URL("../bin.js", import.meta.url));
const runs: CliRun[] = [];

/**
 * `gloo ARGV…` spawned in a fresh temporary directory, with only PATH, `env` and fresh XDG
 * directories set, so neither the user's home nor a developer's token cache changes a result.
 */
async function spawnGloo(argv: string[], env: Record<string, string>) {
  const cwd = await tempDir();
  const dirs = {
    XDG_CONFIG_HOME: await tempDir(),
    XDG_CACHE_HOME: await tempDir(),
    XDG_DATA_HOME: await tempDir(),
  };
  return spawn(process.execPath, [bin, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...dirs, ...env },
  });
}

async function gloo(argv: string[], env: Record<string, string>, stdin = ""): Promise<CliRun> {
  const child = await spawnGloo(argv, env);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const run = { code: code ?? -1, stdout, stderr };
      runs.push(run);
      resolve(run);
    });
    child.stdin.end(stdin);
  });
}

/**
 * Runs `gloo ARGV…` with a stdout reader that leaves early, like `gloo … | head -c N`: the pipe
 * is closed before the child starts (`afterBytes` 0, like `| true`) or once that much arrived.
 */
async function glooWithReaderLeaving(
  argv: string[],
  env: Record<string, string>,
  afterBytes = 0,
): Promise<CliRun & { msAfterLeaving: number }> {
  const child = await spawnGloo(argv, env);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    let leftAt = performance.now();
    const leave = () => {
      leftAt = performance.now();
      child.stdout.destroy();
    };
    if (afterBytes === 0) leave();
    else
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.length >= afterBytes) leave();
      });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr, msAfterLeaving: performance.now() - leftAt }),
    );
    child.stdin.end();
  });
}

/**
 * Runs `gloo ARGV…`, sends `signal` once `ready` resolves (the command is then waiting on the
 * network), and reports how it ended; a child still running 5 s after the signal is killed.
 */
async function glooInterrupted(
  argv: string[],
  env: Record<string, string>,
  ready: Promise<void>,
  signal: "SIGINT" | "SIGTERM",
): Promise<CliRun & { endedInTime: boolean }> {
  const child = await spawnGloo(argv, env);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end();
  const closed = once(child, "close") as Promise<[number | null]>;
  await ready;
  child.kill(signal);
  const bound = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), 5_000).unref());
  const ended = await Promise.race([closed, bound]);
  if (ended === "late") child.kill("SIGKILL");
  const [code] = await closed;
  const run = { code: code ?? -1, stdout, stderr };
  runs.push(run);
  return { ...run, endedInTime: ended !== "late" };
}

/** A platform whose token endpoint accepts requests and never answers; `asked` resolves on the first. */
async function silentTokenEndpoint() {
  let asked!: () => void;
  const askedOnce = new Promise<void>((resolve) => (asked = resolve));
  const server = createHttpServer((request) => {
    request.resume();
    asked();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    asked: askedOnce,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port with nothing listening: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let healthy: RunningServer;
let faulty: RunningServer;
let slow: RunningServer;
const credentials = { GLOO_CLIENT_ID: "emulator-client", GLOO_CLIENT_SECRET: EMULATOR_SECRET };

beforeAll(async () => {
  healthy = await serve(createEmulator({ seed: 1 }).fetch, { port: 0 });
  faulty = await serve(createEmulator({ seed: 1, faults: "500=1" }).fetch, { port: 0 });
  slow = await serve(createEmulator({ seed: 1, tokenDelayMs: 50 }).fetch, { port: 0 });
});

afterAll(async () => {
  await Promise.all([healthy.close(), faulty.close(), slow.close()]);
});

describe("gloo (spawned)", () => {
  it("sends piped stdin after the prompt argument (echo … | gloo chat PROMPT)", async () => {
    const emulator = createEmulator({ seed: 1 });
    const prompts: string[] = [];
    const server = await serve(
      async (request) => {
        if (request.url.endsWith("/chat/completions")) {
          const body = (await request.clone().json()) as { messages: { content: string }[] };
          prompts.push(body.messages.at(-1)?.content ?? "");
        }
        return emulator.fetch(request);
      },
      { port: 0 },
    );
    try {
      const run = await gloo(
        ["chat", "Summarise"],
        { ...credentials, GLOO_BASE: server.url },
        "file content\n",
      );
      expect(run.code).toBe(0);
      expect(prompts).toEqual(["Summarise\n\nfile content"]);
    } finally {
      await server.close();
    }
  });

  it("reuses one token across five gloo chat runs through the cache on disk (mode 0600, no secret)", async () => {
    const emulator = createEmulator({ seed: 1 });
    const server = await serve(emulator.fetch, { port: 0 });
    try {
      const cache = await tempDir();
      const env = { ...credentials, GLOO_BASE: server.url, XDG_CACHE_HOME: cache };
      for (const word of ["ONE", "TWO", "THREE", "FOUR", "FIVE"]) {
        const run = await gloo(["chat", `Reply with only: ${word}`], env);
        expect(run).toMatchObject({ code: 0, stdout: `${word}\n` });
      }
      expect(emulator.tokensIssued).toBe(1);
      const file = join(cache, "gloo", "tokens.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const text = await readFile(file, "utf8");
      expect(text).not.toContain(EMULATOR_SECRET);
      expect(text).toContain(`${server.url} emulator-client`);
      // Cleared, the next run asks the token endpoint again.
      expect((await gloo(["token", "--clear"], env)).stdout).toContain("Token cache cleared");
      await gloo(["chat", "Reply with only: SIX"], env);
      expect(emulator.tokensIssued).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("runs the quickstart on the embedded emulator with no credentials and exits 0", async () => {
    const run = await gloo(["quickstart"], { NO_COLOR: "1" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("embedded emulator");
    expect(run.stdout).toContain("Quickstart complete");
  });

  it("chats over piped stdin in the REPL, keeping the history", async () => {
    const run = await gloo(
      ["repl"],
      { ...credentials, GLOO_BASE: healthy.url },
      "Reply with only: ALPHA\nReply with only: BETA\n/usage\n/exit\n",
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ALPHA\nBETA\nlast reply: /);
    expect(run.stdout).toContain("history: 4 messages");
  });

  it("health --json exits 1 and names the failing checks when completions fault", async () => {
    const run = await gloo(["health", "--json", "--retries", "0"], { ...credentials, GLOO_BASE: faulty.url });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as {
      ok: boolean;
      results: { check: string; ok: boolean; detail: string }[];
    };
    expect(json.ok).toBe(false);
    expect(json.results.map((r) => [r.check, r.ok])).toEqual([
      ["token", true],
      ["echo", false],
      ["determinism", false],
      ["stream", false],
    ]);
    expect(run.stderr).toContain("3 of 4 checks failed: echo × ");
  });

  it("chat --grounded streams an answer grounded in the publisher's content, and refuses v1", async () => {
    const env = { ...credentials, GLOO_BASE: healthy.url };
    const run = await gloo(
      ["chat", "--stream", "--grounded", "AugustineConfessions", "Why is our heart restless?"],
      env,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("our heart is restless, until it repose in Thee");
    const v1 = await gloo(["chat", "--api", "v1", "--grounded", "X", "Hi"], env);
    expect(v1.code).toBe(2);
    expect(v1.stderr).toContain("--grounded need --api v2");
  });

  it("exits 2 with the variable names when credentials are missing", async () => {
    const run = await gloo(["chat", "hi"], { GLOO_BASE: healthy.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GLOO_CLIENT_ID and GLOO_CLIENT_SECRET are not set");
    expect(run.stderr).toContain("export GLOO_CLIENT_ID=");
  });

  it("exits 1 with advice when the credentials are wrong", async () => {
    const run = await gloo(["token"], {
      GLOO_BASE: healthy.url,
      GLOO_CLIENT_ID: "emulator-client",
      GLOO_CLIENT_SECRET: "not-the-secret",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid_client");
    expect(run.stderr).not.toContain("not-the-secret");
  });

  it("exits 1 with a clear message for an unreachable base URL", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const run = await gloo(["token"], { ...credentials, GLOO_BASE: base });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("could not reach the platform");
    expect(run.stderr).toContain(base);
    expect(run.stderr).toContain("Check GLOO_BASE");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("prints the token only when asked with --show", async () => {
    const masked = await gloo(["token"], { ...credentials, GLOO_BASE: healthy.url });
    expect(masked.code).toBe(0);
    const shown = await gloo(["token", "--show"], { ...credentials, GLOO_BASE: healthy.url });
    runs.pop(); // the one run whose output is meant to be the token
    expect(shown.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it.each([["--help"], ["models"], ["token"], ["doctor"]])(
    "exits 0 quietly when the reader of `gloo %s` has gone (| true)",
    async (...argv) => {
      const run = await glooWithReaderLeaving(argv, { ...credentials, GLOO_BASE: healthy.url });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    },
  );

  it("stops a streamed reply at once, quietly, when the reader leaves (| head -c 20)", async () => {
    // 78 chunks 50 ms apart: about 4 s if the whole reply were still read.
    const prompt = "Write a long story about seven seals please";
    const run = await glooWithReaderLeaving(
      ["chat", "--stream", prompt],
      { ...credentials, GLOO_BASE: slow.url },
      20,
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.msAfterLeaving).toBeLessThan(2000);
  });

  it("finishes with its own exit code when only the stderr reader has gone", async () => {
    const run = await gloo(["token", "--verbose"], { ...credentials, GLOO_BASE: healthy.url });
    expect(run.stderr).toContain("token endpoint:");
    const child = spawn(process.execPath, [bin, "token", "--verbose"], {
      cwd: await tempDir(),
      env: { PATH: process.env.PATH ?? "", ...credentials, GLOO_BASE: healthy.url },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr.destroy();
    const [code] = (await once(child, "close")) as [number | null];
    expect(code).toBe(0);
  });

  it.each([
    ["SIGINT", 130, "Interrupted."],
    ["SIGTERM", 143, "Terminated."],
  ] as const)(
    "`gloo chat` waiting on a token endpoint that never answers ends on %s with %i, no stack",
    async (signal, code, said) => {
      const platform = await silentTokenEndpoint();
      try {
        const run = await glooInterrupted(
          ["chat", "hi"],
          { ...credentials, GLOO_BASE: platform.url },
          platform.asked,
          signal,
        );
        expect(run.endedInTime).toBe(true);
        expect(run.code).toBe(code);
        expect(run.stderr).toBe(`${said}\n`);
      } finally {
        await platform.close();
      }
    },
  );

  it("`gloo chat` with its token, waiting on a reply that does not come, ends on SIGTERM with 143, no stack", async () => {
    let asked!: () => void;
    const replyAsked = new Promise<void>((resolve) => (asked = resolve));
    const emulator = createEmulator({ seed: 1 });
    // The emulator answers the token; the completion is held until the client goes away.
    const lagging = await serve(
      (request) => {
        if (!request.url.endsWith("/chat/completions")) return emulator.fetch(request);
        asked();
        return new Promise<Response>((resolve) =>
          request.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 }))),
        );
      },
      { port: 0 },
    );
    try {
      const run = await glooInterrupted(
        ["chat", "--stream", "hi"],
        { ...credentials, GLOO_BASE: lagging.url },
        replyAsked,
        "SIGTERM",
      );
      expect(run.endedInTime).toBe(true);
      expect(run.code).toBe(143);
      expect(run.stderr).toBe("Terminated.\n");
    } finally {
      await lagging.close();
    }
  });

  it("never printed the client secret or a token in any other run", () => {
    expect(runs.length).toBeGreaterThanOrEqual(7);
    for (const run of runs) expectNoLeaks(run);
  });
});
