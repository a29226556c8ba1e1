import type { Command } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import {
  connectionOptionHelp,
  connectionOptions,
  createAnonymousClient,
  createClient,
} from "../internal/client.js";
import { readSettings } from "../internal/credentials.js";
import { diagnose, type Finding, type Verdict } from "../internal/diagnosis.js";
import { colorEnabled, createStyle, type Style } from "../internal/output.js";

const options = {
  model: { type: "string", short: "m" },
  json: { type: "boolean" },
  legacy: { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo doctor [--model ID] [--json] [--base URL]",
  description:
    "Diagnoses the platform's common pitfalls for this setup: base URL reachable, credentials accepted,\n" +
    "token scope api/access, the model entitled (403 vs 200), clock skew, and with --legacy the legacy\n" +
    "/ai/v1/chat endpoint's empty history — with what to do about each finding. Exit 1 when something fails.",
  options,
  optionHelp: {
    model: "The model whose entitlement to check (default: $GLOO_MODEL)",
    json: "Print the findings as JSON",
    legacy: "Also try the legacy /ai/v1/chat endpoint (creates a chat there on each run)",
    ...connectionOptionHelp,
  },
  valueNames: { model: "ID" },
  examples: [
    "gloo doctor",
    "gloo doctor --model gloo-anthropic-claude-sonnet-4.5",
    "gloo doctor --json | jq '.findings[] | select(.verdict == \"fail\")'",
  ],
};

/** `gloo doctor`: findings in order, each with its advice. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const settings = readSettings(ctx.env, { base: args.values.base, model: args.values.model });
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    const json = args.values.json === true;
    if (!json) ctx.stdout.write(`Checking ${settings.baseURL} with model ${settings.model}\n\n`);
    const findings = await diagnose(
      {
        settings,
        signal: ctx.signal,
        anonymousClient: () => createAnonymousClient(ctx, settings),
        client: (credentials) => createClient(ctx, credentials),
        legacy: args.values.legacy === true,
      },
      (finding) => {
        if (!json) ctx.stdout.write(findingText(finding, style, args.values.verbose === true));
      },
    );
    const failed = findings.filter((finding) => finding.verdict === "fail");
    if (json)
      ctx.stdout.write(
        `${JSON.stringify({ ok: failed.length === 0, baseURL: settings.baseURL, model: settings.model, findings }, null, 2)}\n`,
      );
    else
      ctx.stdout.write(
        failed.length === 0
          ? `\n${style.green("No problems found.")}\n`
          : `\n${style.red(`${failed.length} problem${failed.length === 1 ? "" : "s"} found`)}: see the advice above.\n`,
      );
    if (failed.some((finding) => finding.id === "credentials")) return 2;
    return failed.length === 0 ? 0 : 1;
  },
};

const marks: Record<Verdict, (style: Style) => string> = {
  ok: (style) => style.green("ok  "),
  warn: (style) => style.yellow("warn"),
  fail: (style) => style.red("FAIL"),
  info: (style) => style.cyan("info"),
};

function findingText(finding: Finding, style: Style, verbose: boolean): string {
  const lines = [`${marks[finding.verdict](style)}  ${style.bold(finding.title)}: ${finding.detail}`];
  if (finding.advice !== undefined && finding.verdict !== "ok") lines.push(`      → ${finding.advice}`);
  if (finding.requestId !== undefined && (verbose || finding.verdict === "fail"))
    lines.push(style.dim(`      request id: ${finding.requestId}`));
  return `${lines.join("\n")}\n`;
}
