// `gloo cassette har`: the HAR on stdout or in a file, valid HAR 1.2, the base URL, and the usage
// errors (no action, an unknown one, a missing or broken cassette, a bad --base), exit 2 each.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { formatCassette } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { platformCassette, V2 } from "../../../test/helpers/cassettes.js";
import { harValidator } from "../../../test/helpers/har.js";
import { runCli, tempDir } from "./helpers/cli.js";

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
    [["cassette"], "say what to do: har."],
    [["cassette", "play", "x.json"], 'unknown action "play": har.'],
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
