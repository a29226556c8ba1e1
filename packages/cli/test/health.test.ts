import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulated, expectNoLeaks, runCli, tempDir } from "./helpers/cli.js";

interface HealthJSON {
  ok: boolean;
  results: {
    check: string;
    model: string | null;
    ok: boolean;
    latencyMs: number;
    requestId: string | null;
    detail: string;
  }[];
}

describe("gloo health", () => {
  it("passes the four quickstart checks, each with latency and request id", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["health"], { env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/PASS {2}token .*chars, expires in/);
    expect(run.stdout).toMatch(/PASS {2}exact echo .*PING-9473e0 {2}\[[\w-]+\]\n/);
    expect(run.stdout).toContain("3 × SUN");
    expect(run.stdout).toContain("STREAM-OK in");
    expect(run.stderr).toContain("All 4 checks passed.");
    const json = JSON.parse((await runCli(["health", "--json"], { env, fetch })).stdout) as HealthJSON;
    expect(json.ok).toBe(true);
    expect(json.results.map((r) => r.check)).toEqual(["token", "echo", "determinism", "stream"]);
    expect(json.results[0]).toMatchObject({ check: "token", model: null, requestId: null, ok: true });
    expect(json.results.slice(1).every((r) => typeof r.requestId === "string" && r.latencyMs >= 0)).toBe(
      true,
    );
    expectNoLeaks(run);
  });

  it("exits 1 and names the failing check when the platform faults", async () => {
    const { env, fetch, emulator } = emulated();
    emulator.queueFault("500");
    const dir = await tempDir();
    const run = await runCli(["health", "--json", "--retries", "0", "--junit", "health.xml"], {
      env,
      fetch,
      cwd: dir,
    });
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout) as HealthJSON;
    expect(json.ok).toBe(false);
    expect(json.results.filter((r) => !r.ok).map((r) => r.check)).toEqual(["echo"]);
    expect(json.results.find((r) => r.check === "echo")?.detail).toContain("500");
    expect(run.stderr).toContain("1 of 4 checks failed: echo × us.meta.llama3-3-70b-instruct-v1:0.");
    const xml = await readFile(join(dir, "health.xml"), "utf8");
    expect(xml).toContain('tests="4" failures="1"');
    expect(xml).toMatch(
      /<testcase name="echo" classname="us\.meta\.llama3-3-70b-instruct-v1:0"[^>]*>\s*<failure/,
    );
  });

  it("checks the --junit path before running any check (exit 2, says how to fix it)", async () => {
    const { env, fetch: inner } = emulated();
    let requests = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      requests += 1;
      return inner(input, init);
    };
    const cwd = await tempDir();
    const missing = await runCli(["health", "--junit", "reports/health.xml"], { env, fetch, cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'gloo: --junit reports/health.xml: directory "reports" does not exist.\n' +
        "Create it first (mkdir -p reports) or pick another path.\n",
    );
    const directory = await runCli(["health", "--junit", "."], { env, fetch, cwd });
    expect(directory.code).toBe(2);
    expect(directory.stderr).toContain("--junit . is a directory; it needs a file name.");
    expect(requests).toBe(0);
  });

  it("says clearly when the JUnit report cannot be written after the checks ran", async () => {
    const { env, fetch: inner } = emulated();
    const cwd = await tempDir();
    await mkdir(join(cwd, "reports"));
    // The directory disappears while the checks run.
    const fetch: typeof globalThis.fetch = async (input, init) => {
      await rm(join(cwd, "reports"), { recursive: true, force: true });
      return inner(input, init);
    };
    const run = await runCli(["health", "--junit", "reports/health.xml"], { env, fetch, cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("All 4 checks passed.");
    expect(run.stderr).toMatch(/gloo: could not write the JUnit report to reports\/health\.xml: ENOENT/);
    expect(run.stderr).toContain("The results above are complete; fix the path");
  });

  it("fails the SSE check when the stream breaks mid-way", async () => {
    const { env, fetch: inner } = emulated();
    const fetch: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      const streaming = init?.body !== undefined && String(init.body).includes('"stream":true');
      if (streaming) request.headers.set("x-emulator-fault", "error-after=1");
      return inner(request);
    };
    const run = await runCli(["health", "--json"], { env, fetch });
    const json = JSON.parse(run.stdout) as HealthJSON;
    expect(run.code).toBe(1);
    expect(json.results.filter((r) => !r.ok).map((r) => r.check)).toEqual(["stream"]);
  });

  it("builds a model × check matrix from --models and from the catalogue", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(
      ["health", "--models", "us.meta.llama3-3-70b-instruct-v1:0, gloo-openai-gpt-5-mini"],
      { env, fetch },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^token: pass/);
    expect(run.stdout).toMatch(/model\s+exact echo\s+determinism \(n=3\)\s+SSE stream/);
    expect(run.stdout).toMatch(/gloo-openai-gpt-5-mini\s+pass/);
    const all = JSON.parse(
      (await runCli(["health", "--all-models", "--json"], { env, fetch })).stdout,
    ) as HealthJSON;
    expect(new Set(all.results.map((r) => r.model)).size).toBeGreaterThan(5);
  });

  it("colours PASS only on a terminal without NO_COLOR", async () => {
    const { env, fetch } = emulated();
    expect((await runCli(["health"], { env, fetch, tty: true })).stdout).toContain(
      "\u001b[32mPASS\u001b[39m",
    );
    const plain = await runCli(["health"], { env: { ...env, NO_COLOR: "1" }, fetch, tty: true });
    expect(plain.stdout + plain.stderr).not.toContain("\u001b[");
    const piped = await runCli(["health"], { env, fetch });
    expect(piped.stdout + piped.stderr).not.toContain("\u001b[");
  });

  it("rejects conflicting model flags with exit 2", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["health", "--models", "a", "--all-models"], { env, fetch });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("use --models or --all-models, not both");
    const model = await runCli(["health", "--model", "x", "--models", "a,b"], { env, fetch });
    expect(model.code).toBe(2);
    expect(model.stderr).toBe(
      "gloo: use --model or --models, not both.\nTo check several models, list them all: --models x,a,b\n",
    );
    const all = await runCli(["health", "-m", "x", "--all-models"], { env, fetch });
    expect(all.code).toBe(2);
    expect(all.stderr).toContain("use --model or --all-models, not both.");
  });
});
