import { access, constants, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Command, CommandContext } from "../context.js";
import { interruptedExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import {
  type CheckResult,
  formatCheckLine,
  healthChecks,
  runHealthChecks,
} from "../internal/health-checks.js";
import { toJUnit } from "../internal/junit.js";
import { colorEnabled, createStyle, formatDuration, type Style } from "../internal/output.js";
import { formatTable } from "../internal/table.js";

const options = {
  model: { type: "string", short: "m" },
  models: { type: "string" },
  "all-models": { type: "boolean" },
  json: { type: "boolean" },
  junit: { type: "string" },
  retries: { type: "string" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo health [--model ID | --models a,b | --all-models] [--json] [--junit FILE] [--base URL]",
  description:
    "Runs the quickstart's health checks: token, exact echo (PING-9473e0), determinism (n: 3,\ntemperature 0, all SUN) and SSE (STREAM-OK). Exit 0 only when every check passes, else 1.",
  options,
  optionHelp: {
    model: "The model to check (default: $GLOO_MODEL)",
    models: "Comma-separated models: a model × check matrix",
    "all-models": "Every text model in the catalogue (GET /platform/v2/models)",
    json: "Print the results as JSON",
    junit: "Also write a JUnit XML report to FILE (for CI); its directory must exist",
    retries: "Retries per request after a retryable failure (default 2; 0 shows every transient fault)",
    ...connectionOptionHelp,
  },
  valueNames: { model: "ID", models: "IDS", junit: "FILE", retries: "N" },
  examples: [
    "gloo health",
    "gloo health --models us.meta.llama3-3-70b-instruct-v1:0,gloo-openai-gpt-5-mini",
    "gloo health --all-models --junit health.xml",
    "gloo health --json | jq '.results[] | select(.ok | not)'",
  ],
};

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

/** `gloo health`: the quickstart's checks as a monitor, one model or a matrix. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const values = args.values;
    const settings = requireCredentials(readSettings(ctx.env, { base: values.base, model: values.model }));
    const junit = values.junit === undefined ? undefined : await reportPath(ctx, values.junit);
    const client = createClient(ctx, settings, {
      maxRetries: numberFlag("retries", values.retries, { integer: true, min: 0, max: 10 }),
    });
    const models = await chooseModels(ctx, values, settings.model, client);
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    const live = values.json !== true && models.length === 1;
    const results = await runHealthChecks(client, models, {
      signal: ctx.signal,
      ...(live
        ? {
            onResult: (result: CheckResult) => ctx.stdout.write(`${formatCheckLine(result, style)}\n`),
          }
        : {}),
    });
    if (values.json === true) ctx.stdout.write(jsonReport(results, settings.baseURL));
    else if (!live) ctx.stdout.write(matrix(results, models, style));
    const code = summarise(ctx, results, style);
    if (junit !== undefined) await writeReport(junit, junitReport(results));
    return code;
  },
};

/** Where `--junit FILE` goes: the path as given (for messages) and resolved. */
interface ReportPath {
  given: string;
  path: string;
}

// Checked before the checks run, so a mistyped path does not cost a whole matrix run and then fail.
async function reportPath(ctx: CommandContext, given: string): Promise<ReportPath> {
  const path = resolve(ctx.cwd, given);
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (dir === undefined || !dir.isDirectory()) {
    throw new UsageError(
      `--junit ${given}: directory "${dirname(given)}" does not exist.`,
      `Create it first (mkdir -p ${dirname(given)}) or pick another path.`,
    );
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new UsageError(
      `--junit ${given} is a directory; it needs a file name.`,
      `For example: --junit ${join(given, "health.xml")}`,
    );
  }
  try {
    await access(existing === undefined ? dirname(path) : path, constants.W_OK);
  } catch {
    throw new UsageError(
      `--junit ${given}: no permission to write ${existing === undefined ? `in "${dirname(given)}"` : "that file"}.`,
      "Pick a path you can write to, e.g. --junit health.xml.",
    );
  }
  return { given, path };
}

// The path was checked up front; this is for what changes meanwhile (the directory removed, disk full).
async function writeReport(report: ReportPath, xml: string): Promise<void> {
  try {
    await writeFile(report.path, xml);
  } catch (error) {
    throw new UsageError(
      `could not write the JUnit report to ${report.given}: ${(error as Error).message}`,
      "The results above are complete; fix the path (or free space) and run again.",
    );
  }
}

async function chooseModels(
  ctx: CommandContext,
  values: Values,
  model: string,
  client: ReturnType<typeof createClient>,
): Promise<string[]> {
  if (values["all-models"] === true && values.models !== undefined)
    throw new UsageError("use --models or --all-models, not both.");
  // --model would be silently dropped: each of these flags names the models on its own.
  if (values.model !== undefined && values.models !== undefined)
    throw new UsageError(
      "use --model or --models, not both.",
      `To check several models, list them all: --models ${[values.model, values.models].join(",")}`,
    );
  if (values.model !== undefined && values["all-models"] === true)
    throw new UsageError(
      "use --model or --all-models, not both.",
      "Drop --model to check every model in the catalogue, or --all-models to check that one.",
    );
  if (values.models !== undefined) {
    const list = values.models
      .split(",")
      .map((id) => id.trim())
      .filter((id) => id !== "");
    if (list.length === 0) throw new UsageError("--models needs at least one model id, e.g. --models a,b.");
    return [...new Set(list)];
  }
  if (values["all-models"] !== true) return [model];
  const catalogue = await client.models.list({ signal: ctx.signal });
  // Image-only models are rejected by chat completions (GAI-6788), so they cannot pass a text check.
  return catalogue.data
    .filter((m) => m.output_modalities === undefined || m.output_modalities.includes("text"))
    .map((m) => m.id);
}

function matrix(results: CheckResult[], models: string[], style: Style): string {
  const checks = healthChecks.filter((check) => check.perModel);
  const token = results.find((result) => result.check === "token");
  const cell = (result: CheckResult | undefined) =>
    result === undefined ? "-" : `${result.ok ? "pass" : "FAIL"} ${formatDuration(result.latencyMs)}`;
  const rows = models.map((model) => [
    model,
    ...checks.map((check) => cell(results.find((r) => r.model === model && r.check === check.id))),
  ]);
  const failures = results
    .filter((result) => !result.ok)
    .map(
      (result) =>
        `  ${style.red("FAIL")} ${label(result)}: ${result.detail}${result.requestId === undefined ? "" : ` [${result.requestId}]`}`,
    );
  return [
    token === undefined ? "" : `token: ${cell(token)} — ${token.detail}\n`,
    formatTable(["model", ...checks.map((check) => check.title)], rows),
    failures.length === 0 ? "" : `${failures.join("\n")}\n`,
  ].join("");
}

const label = (result: CheckResult) =>
  result.model === undefined ? result.check : `${result.check} × ${result.model}`;

// Stable keys for scripts: `model` and `requestId` are null rather than absent.
function jsonReport(results: CheckResult[], baseURL: string): string {
  const rows = results.map((r) => ({
    ...r,
    model: r.model ?? null,
    requestId: r.requestId ?? null,
    latencyMs: Math.round(r.latencyMs),
  }));
  return `${JSON.stringify({ ok: results.every((r) => r.ok), baseURL, results: rows }, null, 2)}\n`;
}

function junitReport(results: CheckResult[]): string {
  return toJUnit(
    "gloo health",
    results.map((result) => ({
      name: result.check,
      classname: result.model ?? "auth",
      timeMs: result.latencyMs,
      failure: result.ok ? undefined : result.detail,
      output: `${result.detail}${result.requestId === undefined ? "" : `\nrequest id: ${result.requestId}`}`,
    })),
  );
}

function summarise(ctx: CommandContext, results: CheckResult[], style: Style): number {
  const failed = results.filter((result) => !result.ok);
  if (ctx.signal.aborted) return interruptedExitCode(ctx.signal);
  if (failed.length === 0) {
    if (ctx.quiet !== true) ctx.stderr.write(`${style.green(`All ${results.length} checks passed.`)}\n`);
    return 0;
  }
  ctx.stderr.write(
    `${style.red(`${failed.length} of ${results.length} checks failed`)}: ${failed.map(label).join(", ")}.\n`,
  );
  return 1;
}
