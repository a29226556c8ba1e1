import { spawn } from "node:child_process";
import { once } from "node:events";
import { access } from "node:fs/promises";
import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { TEMPLATE_KEYS, type TemplateStore, templateStoreFor } from "../internal/templates.js";

const options = {
  json: { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo templates list [--json] | show NAME | edit NAME | path [NAME]",
  description:
    "Saved system prompts and parameters for gloo chat -t NAME, one JSON file each in\n" +
    "$XDG_CONFIG_HOME/gloo/templates/ (default ~/.config/gloo/templates/). `gloo chat … --save NAME`\n" +
    `writes one; edit opens it in $VISUAL or $EDITOR and checks it after. Keys: ${TEMPLATE_KEYS.join(", ")},\n` +
    "and options (an object of other request parameters, as -o gives).",
  options,
  optionHelp: { json: "list: names and contents as JSON", verbose: "Show details" },
  examples: [
    'gloo chat --system "Reply in French." --temperature 0 --save french',
    "gloo templates list",
    "gloo templates show french",
    "EDITOR=nano gloo templates edit french",
  ],
  allowPositionals: true,
};

/** `gloo templates`: list, show, edit the saved templates. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const { values, positionals } = parseCommandArgs(spec, ctx.argv);
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}".`, `Usage: ${spec.usage}`);
    const store = templateStoreFor(ctx.env);
    if (action === "list") return list(ctx, store, values.json === true, name);
    if (action === "path") return write(ctx, name === undefined ? store.dir : store.path(name));
    if (name === undefined || (action !== "show" && action !== "edit"))
      throw new UsageError(
        action === undefined || action === "show" || action === "edit"
          ? "say what to do: list, show NAME, edit NAME or path."
          : `unknown action "${action}".`,
        `Usage: ${spec.usage}`,
      );
    if (action === "show") return write(ctx, JSON.stringify(await store.read(name), null, 2));
    return edit(ctx, store, name);
  },
};

function write(ctx: CommandContext, text: string): number {
  ctx.stdout.write(`${text}\n`);
  return 0;
}

async function list(
  ctx: CommandContext,
  store: TemplateStore,
  json: boolean,
  stray: string | undefined,
): Promise<number> {
  if (stray !== undefined) throw new UsageError(`unexpected argument "${stray}".`, `Usage: ${spec.usage}`);
  const names = await store.list();
  const templates = await Promise.all(names.map(async (name) => ({ name, ...(await store.read(name)) })));
  if (json) return write(ctx, JSON.stringify(templates, null, 2));
  if (names.length === 0) {
    if (ctx.quiet !== true)
      ctx.stderr.write(`No templates in ${store.dir}. Save one: gloo chat --system "…" --save NAME\n`);
    return 0;
  }
  const width = Math.max(...names.map((name) => name.length));
  for (const { name, system, options, ...rest } of templates) {
    const params = Object.entries({ ...rest, ...options }).map(
      ([key, value]) => `${key}=${JSON.stringify(value)}`,
    );
    const summary = [system === undefined ? undefined : JSON.stringify(oneLine(String(system))), ...params];
    ctx.stdout.write(`${name.padEnd(width)}  ${summary.filter((part) => part !== undefined).join("  ")}\n`);
  }
  return 0;
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
};

// The editor runs on the user's terminal, as `git commit` runs it; a new template starts as `{}`.
async function edit(ctx: CommandContext, store: TemplateStore, name: string): Promise<number> {
  const editor = ctx.env.VISUAL ?? ctx.env.EDITOR;
  if (editor === undefined || editor.trim() === "")
    throw new UsageError(
      "set VISUAL or EDITOR to the editor to use.",
      `For example: EDITOR=nano gloo templates edit ${name}`,
    );
  const path = store.path(name);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) await store.write(name, {});
  const child = spawn("/bin/sh", ["-c", `${editor} "$1"`, "sh", path], {
    stdio: "inherit",
    env: { ...ctx.env },
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0)
    throw new UsageError(`the editor (${editor}) exited with ${code}; ${path} is as it left it.`);
  const template = await store.check(path);
  ctx.stdout.write(`Template ${name} saved: ${Object.keys(template).join(", ") || "empty"}.\n`);
  return 0;
}
