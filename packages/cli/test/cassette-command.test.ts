// `gloo cassette har`: the HAR on stdout or in a file, valid HAR 1.2, the base URL, and the usage
// errors (no action, an unknown one, a missing or broken cassette, a bad --base), exit 2 each.
// `gloo cassette check`, spawned: a clean cassette passes, planted secrets are found where they
// are and shown masked, exit 1.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatCassette } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { platformCassette, V2 } from "../../../test/helpers/cassettes.js";
import { harValidator } from "../../../test/helpers/har.js";
import { runCli, tempDir } from "./helpers/cli.js";
import { spawnGloo } from "./helpers/processes.js";

async function withCassette(): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, "chat.cassette.json"), formatCassette(platformCassette()));
  return dir;
}

describe("gloo cassette har", () => {
  it("prints valid HAR 1.2 on the platform's URLs", async () => {
    const cwd = await withCassette();
    const run = await runCli(["cassette", "har", "chat.cassette.json"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const har = JSON.parse(run.stdout);
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
    expect(har.log.entries).toHaveLength(7);
    expect(har.log.entries[1].request.url).toBe(`https://platform.ai.gloo.com${V2}`);
  });

  it("writes to -o, on --base, and says so", async () => {
    const cwd = await withCassette();
    const run = await runCli(
      ["cassette", "har", "chat.cassette.json", "-o", "chat.har", "--base", "http://127.0.0.1:8788/"],
      { cwd },
    );
    expect(run).toMatchObject({ code: 0, stdout: "" });
    expect(run.stderr).toBe("7 HAR entries for http://127.0.0.1:8788 written to chat.har\n");
    const har = JSON.parse(await readFile(join(cwd, "chat.har"), "utf8"));
    expect(har.log.entries[0].request.url).toBe("http://127.0.0.1:8788/oauth2/token");
  });

  it.each([
    [["cassette"], "say what to do: har or check."],
    [["cassette", "play", "x.json"], 'unknown action "play": har or check.'],
    [["cassette", "check"], "give the cassette files to check."],
    [["cassette", "check", "missing.json"], "missing.json: no such file."],
    [["cassette", "har"], "give one cassette file."],
    [["cassette", "har", "missing.json"], "missing.json: no such file."],
    [
      ["cassette", "har", "chat.cassette.json", "--base", "ftp://x"],
      '--base must be an http(s) URL, got "ftp://x".',
    ],
  ])("gloo %j exits 2: %s", async (argv, message) => {
    const run = await runCli(argv, { cwd: await withCassette() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("says why a file is not a cassette", async () => {
    const cwd = await tempDir();
    await writeFile(
      join(cwd, "old.json"),
      JSON.stringify({ format: "gloo-cassette", version: 9, interactions: [] }),
    );
    const run = await runCli(["cassette", "har", "old.json"], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("old.json is cassette version 9; this gloo-toolkit reads version 1.");
  });
});

describe("gloo cassette check", () => {
  // Values a careless recording could leave behind; none of them is a real credential.
  const SECRET = "my-client-secret-4f1c9a";
  const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LWNsaWVudCJ9.c2lnbmF0dXJlLW9mLXRoZS10ZXN0";

  it("passes a scrubbed cassette, with the credentials from the environment as known values", async () => {
    const cwd = await withCassette();
    const run = spawnGloo(["cassette", "check", "chat.cassette.json"], { GLOO_CLIENT_SECRET: SECRET }, cwd);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe("");
    expect(run.stderr()).toBe("No secrets found in 1 cassette (and 1 known value).\n");
  });

  it("finds a planted token and a known secret, says where, masks them, and exits 1", async () => {
    const cwd = await withCassette();
    const cassette = platformCassette();
    const first = cassette.interactions[0];
    if (first === undefined) throw new Error("the fixture cassette has no interactions");
    first.request.headers.authorization = `Bearer ${JWT}`;
    first.response.headers["x-debug"] = `echo ${SECRET}`;
    await writeFile(join(cwd, "leaky.json"), formatCassette(cassette));
    const run = spawnGloo(
      ["cassette", "check", "chat.cassette.json", "leaky.json", "--secret", SECRET],
      {},
      cwd,
    );
    expect(await run.exited).toBe(1);
    const lines = run.stdout().trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^leaky\.json:\d+:\d+ {2}\S+ {2}\S/);
    const text = formatCassette(cassette).split("\n");
    // Each reported position points at the value it names.
    for (const line of lines) {
      const [, row, column] = /^leaky\.json:(\d+):(\d+)/.exec(line) ?? [];
      const at = text[Number(row) - 1]?.slice(Number(column) - 1) ?? "";
      expect(at.startsWith(JWT.slice(0, 3)) || at.startsWith(SECRET.slice(0, 3))).toBe(true);
    }
    expect(run.stdout()).toContain("known");
    expect(run.stderr()).toContain("possible secrets in 1 of 2 cassettes");
    for (const output of [run.stdout(), run.stderr()]) {
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(JWT);
    }
  });
});
