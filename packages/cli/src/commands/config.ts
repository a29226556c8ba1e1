import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { CONFIG_KEYS, ConfigFile, checkConfigKey } from "../internal/config.js";
import { userDirs } from "../internal/user-dirs.js";

const options = {
  json: { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

const width = Math.max(...Object.keys(CONFIG_KEYS).map((key) => key.length));

const spec: CommandSpec<typeof options> = {
  usage: "gloo config get KEY | set KEY VALUE | unset KEY | list [--json] | path",
  description: [
    "Defaults for every command, in $XDG_CONFIG_HOME/gloo/config.json (default ~/.config/gloo/).",
    "Precedence: flags > environment > .env > this file > built-in defaults. Never holds a secret:",
    "credentials stay in the environment or .env. model, model-family and auto-routing are one",
    "routing choice: setting one removes the others. The keys:",
    ...Object.entries(CONFIG_KEYS).map(([key, { help }]) => `  ${key.padEnd(width)}  ${help}`),
  ].join("\n"),
  options,
  optionHelp: { json: "list: print the settings as JSON", verbose: "Show details" },
  examples: [
    "gloo config set base http://127.0.0.1:8787",
    "gloo config set api v2 && gloo config set model-family anthropic",
    'gloo config set system "Answer in two sentences."',
    "gloo config get temperature",
    "gloo config list",
    '$EDITOR "$(gloo config path)"',
  ],
  allowPositionals: true,
};

/** `gloo config`: read and change the config file. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const [action, ...rest] = args.positionals;
    const dir = userDirs(ctx.env).config;
    if (dir === undefined)
      throw new UsageError("there is no config directory: neither XDG_CONFIG_HOME nor HOME is set.");
    const file = new ConfigFile(dir);
    switch (action) {
      case "path":
        return say(ctx, file.path, rest, 0);
      case "list":
        return list(ctx, file, rest, args.values.json === true);
      case "get":
        return get(ctx, file, rest);
      case "set":
        return set(ctx, file, rest);
      case "unset":
        return unset(ctx, file, rest);
      default:
        throw new UsageError(
          action === undefined
            ? "say what to do: get, set, unset, list or path."
            : `unknown action "${action}".`,
          `Usage: ${spec.usage}`,
        );
    }
  },
};

function say(ctx: CommandContext, text: string, extra: string[], wanted: number): number {
  if (extra.length > wanted)
    throw new UsageError(`unexpected argument "${extra[wanted]}".`, `Usage: ${spec.usage}`);
  ctx.stdout.write(`${text}\n`);
  return 0;
}

function operands(rest: string[], names: string[]): string[] {
  if (rest.length !== names.length)
    throw new UsageError(
      `expected ${names.join(" ")}, got ${rest.length === 0 ? "nothing" : `"${rest.join(" ")}"`}.`,
      `Usage: ${spec.usage}\n(Quote a value with spaces: gloo config set system "Be brief.")`,
    );
  return rest;
}

async function list(ctx: CommandContext, file: ConfigFile, rest: string[], json: boolean): Promise<number> {
  operands(rest, []);
  const config = await file.read();
  if (json) return say(ctx, JSON.stringify(config, null, 2), [], 0);
  const lines = Object.entries(config).map(([key, value]) => `${key} = ${String(value)}`);
  return say(ctx, lines.length === 0 ? `(nothing set in ${file.path})` : lines.join("\n"), [], 0);
}

async function get(ctx: CommandContext, file: ConfigFile, rest: string[]): Promise<number> {
  const [name = ""] = operands(rest, ["KEY"]);
  const value = (await file.read())[checkConfigKey(name)];
  // Like `git config`: an unset key prints nothing and exits 1, so scripts can test for it.
  if (value === undefined) return 1;
  return say(ctx, String(value), [], 0);
}

async function set(ctx: CommandContext, file: ConfigFile, rest: string[]): Promise<number> {
  const [name = "", value = ""] = operands(rest, ["KEY", "VALUE"]);
  const key = checkConfigKey(name);
  const displaced = await file.set(key, value);
  const note = displaced.length === 0 ? "" : ` (removed ${displaced.join(", ")}: one routing choice)`;
  return say(ctx, `${key} = ${String((await file.read())[key])}${note}`, [], 0);
}

async function unset(ctx: CommandContext, file: ConfigFile, rest: string[]): Promise<number> {
  const [name = ""] = operands(rest, ["KEY"]);
  const key = checkConfigKey(name);
  return say(ctx, (await file.unset(key)) ? `${key} unset.` : `${key} was not set.`, [], 0);
}
