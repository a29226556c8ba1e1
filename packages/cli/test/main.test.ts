import { describe, expect, it } from "vitest";
import { emulated, runCli } from "./helpers/cli.js";

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
    expect(verbose.stderr).toMatch(/"name":"APIConnectionError"/);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
