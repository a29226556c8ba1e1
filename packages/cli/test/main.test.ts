import { main } from "@gloo-toolkit/cli";
import { describe, expect, it } from "vitest";
import { capture, emulated, runCli, tempDir } from "./helpers/cli.js";

const mine = ["quickstart", "token", "chat", "repl", "health", "models", "doctor"];

describe("main", () => {
  it("lists every command on --help and exits 2 without a command", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const name of [...mine, "emulator", "proxy", "postman"])
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect((await runCli([])).code).toBe(2);
  });

  it("prints the package version", async () => {
    const run = await runCli(["--version"]);
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });

  it("rejects an unknown command with exit 2", async () => {
    const run = await runCli(["chatt"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "chatt"');
  });

  it.each(mine)("gloo %s --help shows usage, options and examples without credentials", async (name) => {
    const run = await runCli([name, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: gloo ${name}`));
    expect(run.stdout).toContain("--base <URL>");
    expect(run.stdout).toMatch(/Examples:\n {2}\S/);
  });

  // README: every command takes --verbose and --help; all but the emulator (which is the platform) --base.
  it.each([...mine, "emulator", "proxy", "postman"])("gloo %s takes --verbose", async (name) => {
    const help = (await runCli([name, "--help"])).stdout;
    expect(help).toMatch(/^ {6}--verbose {2,}\S/m);
    expect(help.includes("--base <URL>")).toBe(name !== "emulator");
  });

  it("exits 130 when interrupted mid-request", async () => {
    const { env } = emulated();
    const controller = new AbortController();
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        controller.abort();
      });
    const run = await runCli(["token"], { env, fetch: hang, signal: controller.signal });
    expect(run.code).toBe(130);
    expect(run.stderr).toBe("Interrupted.\n");
  });

  it("shows error details with --verbose, and never a stack otherwise", async () => {
    const { env } = emulated();
    const refused: typeof fetch = () =>
      Promise.reject(
        new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
      );
    const plain = await runCli(["token"], { env, fetch: refused });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("could not reach the platform");
    expect(plain.stderr).toContain("Check GLOO_BASE");
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const verbose = await runCli(["token", "--verbose"], { env, fetch: refused });
    expect(verbose.stderr).toMatch(/^details: \{"name":"APIConnectionError",/m);
    expect(verbose.stderr).toMatch(
      /^caused by: TypeError: fetch failed\ncaused by: Error \[ECONNREFUSED\]: x$/m,
    );
    expect(verbose.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [
      "a wrong secret",
      ["token"],
      { GLOO_CLIENT_SECRET: "wrong" },
      /^details: \{"name":"OAuthError",.*"error":"invalid_client"/m,
    ],
    [
      "an unknown model",
      ["chat", "--model", "nope", "hi"],
      {},
      /^details: \{"name":"BadRequestError",(?=.*"status":400)(?=.*"requestId":"[\w-]+")/m,
    ],
  ])(
    "shows the HTTP details of %s with --verbose, without a stack",
    async (_name, argv, override, details) => {
      const { env, fetch } = emulated();
      const run = await runCli([...argv, "--verbose"], { env: { ...env, ...override }, fetch });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(details);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).not.toContain("bug");
    },
  );

  it("shows no stack for an operating-system error with --verbose", async () => {
    const { env, fetch } = emulated();
    const stderr = capture();
    const stdout = {
      write: () => {
        throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO", syscall: "write" });
      },
    };
    const options = { env, fetch, stdout, stderr, cwd: await tempDir() };
    expect(await main({ argv: ["models", "--verbose"], ...options })).toBe(1);
    expect(stderr.text()).toBe("gloo: EIO: i/o error, write\n");
  });

  it("shows the stack of an unexpected exception with --verbose, as a bug to report", async () => {
    const { env, fetch } = emulated();
    const stderr = capture();
    const broken = {
      write: () => {
        throw new RangeError("the output broke");
      },
    };
    const options = { env, fetch, stdout: broken, stderr, cwd: await tempDir() };
    expect(await main({ argv: ["models", "--verbose"], ...options })).toBe(1);
    expect(stderr.text()).toMatch(/^gloo: the output broke\n/);
    expect(stderr.text()).toContain(
      "This looks like a bug in gloo; please report it with this trace:\nRangeError: the output broke\n",
    );
    expect(stderr.text()).toMatch(/\n\s+at /);
  });

  it("answers gloo help COMMAND with that command's help", async () => {
    const run = await runCli(["help", "chat"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: gloo chat/);
    expect((await runCli(["help", "nope"])).code).toBe(2);
  });

  it("takes --verbose and --quiet before the command name", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["--verbose", "chat", "Reply with only: V"], { env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("V\n");
    expect(run.stderr).toMatch(/request id: \S+/);
  });

  it("prints the usage to stderr when no command is given", async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("Usage: gloo <command>");
  });

  it("names an unknown flag in its own words and suggests the closest one", async () => {
    const run = await runCli(["chat", "--temprature", "0", "hi"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("gloo: unknown option --temprature. Did you mean --temperature?");
    expect(run.stderr).not.toContain("To specify a positional argument");
  });

  it("--quiet (anywhere before --, or -q before the command) leaves results and errors only: no notices, no spinner", async () => {
    const { env, fetch } = emulated();
    const prompt = "Explain the seven seals in two concise sentences.";
    const loud = await runCli(["chat", "--max-tokens", "3", prompt], { env, fetch, tty: true });
    expect(loud.stderr).toContain("cut short at --max-tokens 3");
    expect(loud.stderr).toContain("waiting for");
    for (const argv of [
      ["--quiet", "chat"],
      ["-q", "chat"],
      ["chat", "--quiet"],
    ]) {
      const quiet = await runCli([...argv, "--max-tokens", "3", prompt], { env, fetch, tty: true });
      expect(quiet.code, `${argv.join(" ")}: ${quiet.stderr}`).toBe(0);
      expect(quiet.stdout).not.toBe("");
      expect(quiet.stderr).toBe("");
    }
    const failing = await runCli(["chat", "--quiet", "--model", "nope", "hi"], { env, fetch });
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("gloo: unknown model");
  });

  it.each(["logs", "config", "templates", "completion"])(
    "gloo %s --help shows usage, options and examples; it reads local files only (no --base)",
    async (name) => {
      const run = await runCli([name, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: gloo ${name}`));
      expect(run.stdout).toMatch(/Examples:\n {2}\S/);
      expect(run.stdout).not.toContain("--base");
    },
  );
});
