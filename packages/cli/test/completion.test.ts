import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { flagsFromHelp } from "../src/internal/completion-scripts.js";
import { runCli, tempDir } from "./helpers/cli.js";

const run = promisify(execFile);

/** What bash completes for `gloo WORDS…` (the last word being typed), with the script sourced. */
async function bashComplete(words: string[]): Promise<string[]> {
  const script = (await runCli(["completion", "bash"])).stdout;
  const dir = await tempDir();
  await writeFile(join(dir, "gloo.bash"), script);
  await mkdir(join(dir, "notes"));
  await writeFile(join(dir, "notes.md"), "x");
  const array = ["gloo", ...words].map((word) => `'${word}'`).join(" ");
  const { stdout } = await run(
    "bash",
    [
      "-c",
      `source gloo.bash; COMP_WORDS=(${array}); COMP_CWORD=${words.length}; _gloo; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { cwd: dir },
  );
  return stdout.split("\n").filter((line) => line !== "");
}

describe("gloo completion", () => {
  it("completes commands, a command's flags, its actions and files in bash", async () => {
    expect(await bashComplete(["ch"])).toEqual(["chat"]);
    expect(await bashComplete(["co"])).toEqual(["completion", "config"]);
    expect(await bashComplete(["chat", "--sy"])).toEqual(["--system"]);
    expect(await bashComplete(["chat", "--no-"])).toEqual(["--no-stream", "--no-log"]);
    expect(await bashComplete(["config", "s"])).toEqual(["set"]);
    expect((await bashComplete(["chat", "-a", "no"])).sort()).toEqual(["notes", "notes.md"]);
  });

  it("writes zsh and fish scripts that name every command and flag", async () => {
    const zsh = (await runCli(["completion", "zsh"])).stdout;
    expect(zsh).toMatch(/^#compdef gloo\n/);
    expect(zsh).toContain("'chat:One-shot chat completion");
    expect(zsh).toContain("'(-a --attach)'{-a,--attach}'[Add a text file");
    expect(zsh).toMatch(/--junit\[[^\]]*\]:file:_files'/);
    const fish = (await runCli(["completion", "fish"])).stdout;
    expect(fish).toContain("complete -c gloo -n __fish_use_subcommand -a logs -d ");
    expect(fish).toContain("complete -c gloo -n '__fish_seen_subcommand_from chat' -l attach -s a -F -d ");
    expect(fish).toContain("complete -c gloo -n '__fish_seen_subcommand_from logs' -l json -d ");
  });

  it("refuses an unknown shell with exit 2", async () => {
    const none = await runCli(["completion"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("say which shell");
    expect((await runCli(["completion", "tcsh"])).stderr).toContain('no completion for "tcsh"');
  });

  it("reads flags from the help layout", () => {
    const help =
      "Options:\n  -s, --system <TEXT>  System prompt\n      --json           Print JSON\n  -h, --help           Show this help\n";
    expect(flagsFromHelp(help)).toEqual([
      { name: "system", short: "s", value: "TEXT", help: "System prompt" },
      { name: "json", short: undefined, value: undefined, help: "Print JSON" },
    ]);
  });
});
