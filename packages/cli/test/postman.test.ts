import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/main.js";

const COLLECTION = "Gloo_AI_Postman_Collection_v2.2_EN.json";
const ENVIRONMENT = "Gloo_AI_Environment_EN.postman_environment.json";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function gloo(argv: string[], cwd: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main({
    argv: ["postman", ...argv],
    env: {},
    cwd,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  });
  return { code, stdout, stderr };
}

async function readJson(path: string): Promise<{ variable?: unknown[]; values?: unknown[] }> {
  return JSON.parse(await readFile(path, "utf8")) as { variable?: unknown[]; values?: unknown[] };
}

describe("gloo postman", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "gloo-postman-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes both files into the current directory by default and prints their paths", async () => {
    const run = await gloo([], dir);
    expect(run).toEqual({
      code: 0,
      stdout: `${join(dir, COLLECTION)}\n${join(dir, ENVIRONMENT)}\n`,
      stderr: "",
    });
    expect((await readJson(join(dir, COLLECTION))).variable).toContainEqual(
      expect.objectContaining({ key: "BASE", value: "https://platform.ai.gloo.com" }),
    );
  });

  it("writes into --out, relative to the working directory, with --base and --model", async () => {
    await writeFile(join(dir, "keep.txt"), "");
    const run = await gloo(["--out", ".", "--base", "http://127.0.0.1:8787/", "--model", "m-1"], dir);
    expect(run.code).toBe(0);
    const environment = await readJson(join(dir, ENVIRONMENT));
    expect(environment.values).toContainEqual(
      expect.objectContaining({ key: "BASE", value: "http://127.0.0.1:8787" }),
    );
    expect(environment.values).toContainEqual(expect.objectContaining({ key: "MODEL", value: "m-1" }));
  });

  it("ignores GLOO_BASE so the files are the same on every machine", async () => {
    let stdout = "";
    const code = await main({
      argv: ["postman"],
      env: { GLOO_BASE: "http://127.0.0.1:1" },
      cwd: dir,
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: () => true },
    });
    expect(code).toBe(0);
    expect(stdout).toContain(ENVIRONMENT);
    expect(await readFile(join(dir, ENVIRONMENT), "utf8")).not.toContain("127.0.0.1:1");
  });

  it("with --verbose, also prints the variables and the sizes on stderr", async () => {
    const run = await gloo(["--verbose", "--base", "http://127.0.0.1:8788"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${join(dir, COLLECTION)}\n${join(dir, ENVIRONMENT)}\n`);
    expect(run.stderr).toMatch(
      /^BASE http:\/\/127\.0\.0\.1:8788, MODEL us\.meta\.llama3-3-70b-instruct-v1:0\n {2}\d+ bytes\n {2}\d+ bytes\n$/,
    );
  });

  it("says which file it cannot write and how to fix it (exit 2)", async () => {
    await mkdir(join(dir, COLLECTION));
    const run = await gloo([], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `gloo: could not write ${join(dir, COLLECTION)}: EISDIR: illegal operation on a directory, open '${join(dir, COLLECTION)}'\n` +
        "Check that the --out directory is writable and the path is not taken by a directory, or pick another --out.\n",
    );
  });

  it("refuses to write into a missing directory (exit 2, says how to fix it)", async () => {
    const run = await gloo(["--out", "missing/dir"], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('--out directory "missing/dir" does not exist.');
    expect(run.stderr).toContain("mkdir -p missing/dir");
  });

  it("refuses a file as --out", async () => {
    await writeFile(join(dir, "file.txt"), "");
    const run = await gloo(["--out", "file.txt"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"file.txt" is a file, not a directory');
  });

  it.each([
    [["--base", "platform.ai.gloo.com"], "is not a URL"],
    [["--base", "ftp://example.test"], "--base must be an http(s) URL"],
    [["--bogus"], "unknown option --bogus."],
  ])("rejects %j with a usage error", async (argv, message) => {
    const run = await gloo(argv, dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("prints help with examples", async () => {
    const run = await gloo(["--help"], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: gloo postman [--out DIR] [--base URL] [--model ID]");
    expect(run.stdout).toContain("gloo postman --out postman");
    // The collection speaks the platform's API (OAuth, /ai/v1): the emulator's port (8788), not the proxy's.
    expect(run.stdout).toContain("--base http://127.0.0.1:8788   # BASE for a `gloo emulator`");
  });
});
