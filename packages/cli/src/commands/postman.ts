import { stat, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command, CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { readSettings } from "../internal/credentials.js";
import { DEFAULT_POSTMAN_OPTIONS, renderPostmanFiles } from "../postman/files.js";
import type { PostmanOptions } from "../postman/types.js";

const options = {
  out: { type: "string" },
  base: { type: "string" },
  model: { type: "string" },
  verbose: { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo postman [--out DIR] [--base URL] [--model ID]",
  description:
    "Writes the Postman collection (Gloo_AI_Postman_Collection_v2.2_EN.json) and environment\n" +
    "(Gloo_AI_Environment_EN.postman_environment.json). Credentials are never written: fill them in\n" +
    "Postman. GLOO_BASE and GLOO_MODEL are ignored so the files are the same on every machine.",
  options,
  optionHelp: {
    out: "Existing directory to write into (default: the current directory)",
    base: `Value of the BASE variable (default: ${DEFAULT_POSTMAN_OPTIONS.base})`,
    model: `Value of the MODEL variable (default: ${DEFAULT_POSTMAN_OPTIONS.model})`,
    verbose: "Also print the BASE and MODEL written and each file's size, on stderr",
  },
  valueNames: { out: "DIR", model: "ID" },
  examples: [
    "gloo postman --out postman",
    "gloo postman --out /tmp --base http://127.0.0.1:8788   # BASE for a `gloo emulator` on its default port",
    "newman run Gloo_AI_Postman_Collection_v2.2_EN.json -e Gloo_AI_Environment_EN.postman_environment.json \\",
    '  --env-var "CLIENT_ID=$GLOO_CLIENT_ID" --env-var "CLIENT_SECRET=$GLOO_CLIENT_SECRET"',
  ],
};

async function requireDirectory(dir: string, given: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) {
    throw new UsageError(
      `--out directory "${given}" does not exist.`,
      `Create it first (mkdir -p ${given}) or pick another.`,
    );
  }
  if (!info.isDirectory()) throw new UsageError(`--out "${given}" is a file, not a directory.`);
}

async function run(ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(spec, ctx.argv);
  // An empty environment: GLOO_BASE / GLOO_MODEL must not leak into files meant for everyone.
  const settings = readSettings({}, { base: values.base, model: values.model });
  const variables: PostmanOptions = { base: settings.baseURL, model: settings.model };
  const dir = resolve(ctx.cwd, values.out ?? ".");
  await requireDirectory(dir, values.out ?? ".");
  if (values.verbose === true) ctx.stderr.write(`BASE ${variables.base}, MODEL ${variables.model}\n`);
  for (const file of renderPostmanFiles(variables)) {
    const path = resolve(dir, file.fileName);
    await writeFile(path, file.text).catch((error: Error) => {
      throw new UsageError(
        `could not write ${path}: ${error.message}`,
        "Check that the --out directory is writable and the path is not taken by a directory, or pick another --out.",
      );
    });
    ctx.stdout.write(`${path}\n`);
    if (values.verbose === true) ctx.stderr.write(`  ${Buffer.byteLength(file.text)} bytes\n`);
  }
  return ExitCode.ok;
}

/** `gloo postman`: writes the Postman collection and environment generated from code. */
export const command: Command = {
  help: () => helpText(spec),
  run,
};
