import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { cassetteToHAR, PLATFORM_BASE_URL, parseCassette } from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";

const options = {
  out: { type: "string", short: "o" },
  base: { type: "string" },
  verbose: { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo cassette har FILE [-o OUT] [--base URL]",
  description: [
    "Works with a recorded cassette (gloo proxy --record, recordingFetch). `har` exports it as HAR 1.2,",
    "which Playwright's routeFromHAR replays in a browser: one entry per recorded exchange, its URL the",
    "base plus the recorded path, an event stream's frames joined as the content. GLOO_BASE is ignored:",
    "the page calls the platform, so that is the default base.",
  ].join("\n"),
  options,
  optionHelp: {
    out: "Write the HAR to this file (default: stdout)",
    base: `Base URL of the entries (default: ${PLATFORM_BASE_URL})`,
    verbose: "Say how many entries were written, on stderr",
  },
  valueNames: { out: "FILE" },
  examples: [
    "gloo cassette har test/chat.cassette.json -o test/chat.har",
    "gloo cassette har chat.cassette.json --base http://127.0.0.1:8788 | jq '.log.entries | length'",
    '# Playwright: await page.routeFromHAR("test/chat.har", { url: "https://platform.ai.gloo.com/**", notFound: "abort" })',
  ],
  allowPositionals: true,
};

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(spec, ctx.argv);
  const [action, file, extra] = positionals;
  if (action !== "har")
    throw new UsageError(
      action === undefined ? "say what to do: har." : `unknown action "${action}": har.`,
      `Usage: ${spec.usage}`,
    );
  if (file === undefined || extra !== undefined)
    throw new UsageError("give one cassette file.", `Usage: ${spec.usage}`);
  const base = baseOf(values.base);
  const text = await readFile(resolve(ctx.cwd, file), "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      error.code === "ENOENT" ? `${file}: no such file.` : `cannot read ${file}: ${error.message}`,
      "Give the cassette `gloo proxy --record FILE` or recordingFetch() wrote.",
    );
  });
  let har: ReturnType<typeof cassetteToHAR>;
  try {
    har = cassetteToHAR(parseCassette(text, file), { baseURL: base });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const json = `${JSON.stringify(har, null, 2)}\n`;
  if (values.out === undefined) ctx.stdout.write(json);
  else {
    const path = resolve(ctx.cwd, values.out);
    await writeFile(path, json).catch((error: Error) => {
      throw new UsageError(`could not write ${values.out}: ${error.message}`, "Pick another -o path.");
    });
  }
  if (ctx.quiet !== true && (values.verbose === true || values.out !== undefined))
    ctx.stderr.write(
      `${har.log.entries.length} HAR entries for ${base}${values.out === undefined ? "" : ` written to ${values.out}`}\n`,
    );
  return ExitCode.ok;
}

function baseOf(base: string | undefined): string {
  if (base === undefined) return PLATFORM_BASE_URL;
  const url = URL.parse(base);
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new UsageError(`--base must be an http(s) URL, got "${base}".`, `e.g. --base ${PLATFORM_BASE_URL}`);
  return base.replace(/\/+$/, "");
}

/** `gloo cassette har FILE`: a recorded cassette as HAR 1.2 for browser tests. */
export const command: Command = {
  help: () => helpText(spec),
  run,
};
