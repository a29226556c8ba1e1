import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { cassetteToHAR, findSecrets, PLATFORM_BASE_URL } from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { readCassette, readCassetteText } from "../internal/cassette-input.js";
import { readSettings } from "../internal/credentials.js";

const options = {
  out: { type: "string", short: "o" },
  base: { type: "string" },
  secret: { type: "string", multiple: true },
  verbose: { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo cassette har FILE [-o OUT] [--base URL] | gloo cassette check FILE... [--secret VALUE]...",
  description: [
    "Works with recorded cassettes (gloo proxy --record, recordingFetch).",
    "`har` exports one as HAR 1.2, which Playwright's routeFromHAR replays in a browser: one entry per",
    "recorded exchange, its URL the base plus the recorded path, an event stream's frames joined as the",
    "content. GLOO_BASE is ignored: the page calls the platform, so that is the default base.",
    "`check` scans cassettes for secrets before you commit them: JWT-shaped strings, Bearer and Basic",
    "credentials, client_secret/client_id values and access tokens that are not placeholders, and every",
    "known value (GLOO_CLIENT_ID and GLOO_CLIENT_SECRET when set, and each --secret). It prints where each",
    "finding is, masked, and exits 1 when there is one.",
  ].join("\n"),
  options,
  optionHelp: {
    out: "har: write the HAR to this file (default: stdout)",
    base: `har: base URL of the entries (default: ${PLATFORM_BASE_URL})`,
    secret: "check: one more value that must not appear (repeat for several)",
    verbose: "har: say how many entries were written, on stderr",
  },
  valueNames: { out: "FILE", secret: "VALUE" },
  examples: [
    "gloo cassette har test/chat.cassette.json -o test/chat.har",
    "gloo cassette har chat.cassette.json --base http://127.0.0.1:8788 | jq '.log.entries | length'",
    '# Playwright: await page.routeFromHAR("test/chat.har", { url: "https://platform.ai.gloo.com/**", notFound: "abort" })',
    "gloo cassette check test/cassettes/*.json",
  ],
  allowPositionals: true,
};

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

async function run(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(spec, ctx.argv);
  const [action, ...files] = positionals;
  if (action === "har") return har(ctx, values, files);
  if (action === "check") return check(ctx, values, files);
  throw new UsageError(
    action === undefined ? "say what to do: har or check." : `unknown action "${action}": har or check.`,
    `Usage: ${spec.usage}`,
  );
}

async function check(ctx: CommandContext, values: Values, files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError("give the cassette files to check.", `Usage: ${spec.usage}`);
  const settings = readSettings(ctx.env);
  const known = [settings.clientId, settings.clientSecret, ...(values.secret ?? [])].filter(
    (value): value is string => value !== undefined && value !== "",
  );
  let findings = 0;
  let dirty = 0;
  for (const file of files) {
    const text = await readCassetteText(ctx, file);
    const found = findSecrets(text, known);
    findings += found.length;
    if (found.length > 0) dirty += 1;
    for (const { rule, masked, index } of found) {
      const { line, column } = lineAndColumn(text, index);
      ctx.stdout.write(`${file}:${line}:${column}  ${rule}  ${masked}\n`);
    }
  }
  const cassettes = `${files.length} cassette${files.length === 1 ? "" : "s"}`;
  const against =
    known.length === 0 ? "" : ` (and ${known.length} known value${known.length === 1 ? "" : "s"})`;
  if (findings === 0) {
    if (ctx.quiet !== true) ctx.stderr.write(`No secrets found in ${cassettes}${against}.\n`);
    return ExitCode.ok;
  }
  ctx.stderr.write(
    `${findings} possible secret${findings === 1 ? "" : "s"} in ${dirty} of ${cassettes}. ` +
      "Re-record with the secret passed to recordingFetch's `secrets`, or replace it by hand, before committing.\n",
  );
  return ExitCode.failure;
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: index - lineStart + 1 };
}

async function har(ctx: CommandContext, values: Values, files: string[]): Promise<number> {
  const [file, extra] = files;
  if (file === undefined || extra !== undefined)
    throw new UsageError("give one cassette file.", "Usage: gloo cassette har FILE [-o OUT] [--base URL]");
  const base = baseOf(values.base);
  const har = cassetteToHAR(await readCassette(ctx, file), { baseURL: base });
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

/** `gloo cassette har FILE` (HAR 1.2 for browser tests) and `gloo cassette check FILE...` (a secret scan). */
export const command: Command = {
  help: () => helpText(spec),
  run,
};
