import type { Command } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import {
  bashScript,
  type CommandInfo,
  fishScript,
  flagsFromHelp,
  zshScript,
} from "../internal/completion-scripts.js";
import { commands } from "../main.js";

const options = { verbose: { type: "boolean" } } as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo completion bash|zsh|fish",
  description:
    "Prints a shell completion script for the commands and their flags (files where a flag takes one).",
  options,
  optionHelp: { verbose: "Show details" },
  examples: [
    "source <(gloo completion bash)        # or save it as ~/.local/share/bash-completion/completions/gloo",
    "source <(gloo completion zsh)         # or save it as _gloo in a directory of $fpath",
    "gloo completion fish | source         # or save it as ~/.config/fish/completions/gloo.fish",
  ],
  allowPositionals: true,
};

// First arguments some commands take, offered after the command name.
const ACTIONS: Record<string, string[]> = {
  config: ["get", "set", "unset", "list", "path"],
  templates: ["list", "show", "edit", "path"],
  completion: ["bash", "zsh", "fish"],
  cassette: ["har", "check"],
};

const scripts = { bash: bashScript, zsh: zshScript, fish: fishScript };

/** `gloo completion SHELL`: the script, built from every command's own `--help`. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const { positionals } = parseCommandArgs(spec, ctx.argv);
    const [shell, extra] = positionals;
    if (extra !== undefined || (shell !== "bash" && shell !== "zsh" && shell !== "fish"))
      throw new UsageError(
        shell === undefined
          ? "say which shell: bash, zsh or fish."
          : `no completion for "${positionals.join(" ")}": bash, zsh or fish.`,
        `Usage: ${spec.usage}`,
      );
    const infos: CommandInfo[] = [];
    for (const [name, entry] of Object.entries(commands)) {
      const { command } = await entry.load();
      infos.push({
        name,
        summary: entry.summary,
        flags: flagsFromHelp(command.help()),
        actions: ACTIONS[name],
      });
    }
    ctx.stdout.write(scripts[shell](infos));
    return 0;
  },
};
