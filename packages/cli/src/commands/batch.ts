import { basename, dirname, join, resolve } from "node:path";
import {
  type BatchOutputLine,
  type BatchRequestInput,
  type BatchRun,
  type Gloo,
  type ModelRates,
  PriceBook,
  type PriceList,
  parseRates,
  runBatch,
  SpendBudget,
} from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { ExitCode, FailureError, interruptedExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { type InputLine, readBatchInput } from "../internal/batch-input.js";
import { type BatchOutput, openBatchOutput } from "../internal/batch-output.js";
import { quoteAll, spentBefore, unpricedLines } from "../internal/batch-pricing.js";
import { startProgress } from "../internal/batch-progress.js";
import { type BatchSummary, dryRunText, summaryText } from "../internal/batch-summary.js";
import { worstCaseNano } from "../internal/catalogue-pricing.js";
import {
  connectionOptionHelp,
  connectionOptions,
  createAnonymousClient,
  createClient,
} from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { type QueuedBatchOptions, runQueuedBatch } from "../internal/queued-batch.js";
import { usdToNano } from "../internal/shared-limits.js";

/** How long Ctrl-C waits for requests in flight before abandoning them (they are resent on resume). */
const GRACE_MS = 10_000;

const options = {
  output: { type: "string", short: "o" },
  errors: { type: "string" },
  api: { type: "string" },
  concurrency: { type: "string", short: "c" },
  rpm: { type: "string" },
  tpm: { type: "string" },
  budget: { type: "string" },
  price: { type: "string" },
  "max-retries": { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
  queue: { type: "string" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage:
    "gloo batch FILE [-o RESULTS] [--errors FILE] [--api v1|v2] [--concurrency N] [--rpm N] [--tpm N] [--budget USD] [--dry-run] [--json] [--queue redis://…]",
  description: [
    "Runs every request of an OpenAI Batch-format JSONL file ({custom_id, method, url, body} per line) against",
    "Gloo: paced, retried, costed from the model catalogue. Results go to NAME.results.jsonl and failures to",
    "NAME.errors.jsonl beside FILE; re-running the same command resumes (lines in either file are not sent",
    "again). The whole file is checked before anything is sent. See docs/batch.md.",
    "With --queue, the lines go to a Redis queue that `gloo worker`s on any number of hosts send, under one",
    "--rpm and one --budget for all; this command follows the run and writes the same files. See docs/scale-out.md.",
  ].join("\n"),
  options,
  optionHelp: {
    output: "Results file (default: NAME.results.jsonl beside FILE)",
    errors: "Errors file (default: NAME.errors.jsonl beside FILE)",
    api: "API of lines without a url: v1 or v2 (default: every line needs a url)",
    concurrency: "Most requests in flight; halves on a 429, grows back on success (default: 8)",
    rpm: "Most requests per minute (any 60 s window; retries count)",
    tpm: "Most tokens per minute (estimated before sending, corrected from usage)",
    budget:
      "Spend limit in USD for the whole file, earlier runs included; lines that would pass it are not sent",
    price: "IN:OUT USD per 1M tokens for models the catalogue gives no price (e.g. 0.5:1.5)",
    "max-retries": "Retries of a failed request, with the SDK's policy (default: 5)",
    "dry-run": "Check the file and estimate requests, tokens and cost; send nothing",
    json: "Print the summary as one JSON object on stdout",
    queue: "Run on the fleet: the queue's Redis, redis://HOST:PORT[/DB] (default: $GLOO_QUEUE_URL)",
    ...connectionOptionHelp,
  },
  valueNames: {
    output: "FILE",
    errors: "FILE",
    api: "v1|v2",
    concurrency: "N",
    rpm: "N",
    tpm: "N",
    budget: "USD",
    price: "IN:OUT",
    "max-retries": "N",
    queue: "URL",
  },
  allowPositionals: true,
  examples: [
    "gloo batch prompts.jsonl --concurrency 16 --rpm 600",
    "gloo batch prompts.jsonl --dry-run",
    "gloo batch prompts.jsonl --budget 5 --json > summary.json",
    "gloo batch prompts.jsonl --api v2 --price 0.5:1.5 --budget 2",
    "gloo batch prompts.jsonl --queue redis://10.0.0.5:6379 --rpm 240 --budget 20",
  ],
};

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

/** The flags, checked. */
interface BatchFlags {
  file: string;
  paths: { results: string; errors: string };
  api: "v1" | "v2" | undefined;
  concurrency: number;
  rpm: number | undefined;
  tpm: number | undefined;
  budget: string | undefined;
  price: Omit<ModelRates, "model"> | undefined;
  maxRetries: number | undefined;
}

/** `gloo batch`: a JSONL file of requests, run paced and resumable. */
export const command: Command = {
  help: () => helpText(spec),
  // The grace period for the requests in flight, and a little to write them and the summary.
  windDownMs: GRACE_MS + 1_000,
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const flags = checkFlags(ctx, args.values, args.positionals);
    const lines = await readBatchInput(flags.file, flags.api);
    if (args.values["dry-run"] === true) return dryRun(ctx, args.values, flags, lines);
    const queue = args.values.queue ?? nonEmpty(ctx.env.GLOO_QUEUE_URL);
    if (queue !== undefined) return runOnQueue(ctx, args.values, flags, lines, queue);
    const settings = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    const gloo = createClient(ctx, settings);
    const output = await openBatchOutput(flags.paths);
    try {
      return await runFile(ctx, args.values, flags, lines, gloo, output);
    } finally {
      await output.close();
    }
  },
};

function checkFlags(ctx: CommandContext, values: Values, positionals: string[]): BatchFlags {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "no input file given."
        : `one input file at a time, got ${positionals.length}.`,
      `Usage: ${spec.usage}`,
    );
  }
  const file = resolve(ctx.cwd, positionals[0] as string);
  const name = basename(file).replace(/\.jsonl$/i, "");
  const api = values.api;
  if (api !== undefined && api !== "v1" && api !== "v2")
    throw new UsageError(`--api must be v1 or v2, got "${api}".`);
  const budget = values.budget?.trim();
  if (budget !== undefined) checkBudget(budget);
  const paths = {
    results: resolve(ctx.cwd, values.output ?? join(dirname(file), `${name}.results.jsonl`)),
    errors: resolve(ctx.cwd, values.errors ?? join(dirname(file), `${name}.errors.jsonl`)),
  };
  // Output files are appended to and read back as "done": the input must not be one of them.
  if (paths.results === file || paths.errors === file || paths.results === paths.errors) {
    throw new UsageError(
      "the input, results and errors files must be three different files.",
      "Choose other paths with -o / --errors.",
    );
  }
  return {
    file,
    paths,
    api,
    concurrency: numberFlag("concurrency", values.concurrency, { integer: true, min: 1, max: 1000 }) ?? 8,
    rpm: numberFlag("rpm", values.rpm, { integer: true, min: 1 }),
    tpm: numberFlag("tpm", values.tpm, { integer: true, min: 1 }),
    budget,
    price: values.price === undefined ? undefined : parsePrice(values.price),
    maxRetries: numberFlag("max-retries", values["max-retries"], { integer: true, min: 0, max: 20 }),
  };
}

// The SDK's budget parses amounts exactly; a value it refuses is a usage mistake here.
function checkBudget(value: string): void {
  try {
    new SpendBudget(value);
  } catch {
    throw new UsageError(`--budget must be an amount of USD like 5 or 0.25, got "${value}".`);
  }
}

function parsePrice(value: string): Omit<ModelRates, "model"> {
  const [input, output, extra] = value.split(":");
  const rates =
    input !== undefined && output !== undefined && extra === undefined
      ? parseRates("", input, output)
      : undefined;
  if (rates === undefined) {
    throw new UsageError(`--price must be IN:OUT in USD per million tokens, like 0.5:1.5, got "${value}".`);
  }
  return { inputPer1M: rates.inputPer1M, outputPer1M: rates.outputPer1M };
}

async function dryRun(
  ctx: CommandContext,
  values: Values,
  flags: BatchFlags,
  lines: InputLine[],
): Promise<number> {
  const gloo = createAnonymousClient(ctx, readSettings(ctx.env, { base: values.base }));
  const prices = await loadPrices(ctx, gloo, flags, { offline: true });
  const estimate = quoteAll(lines, prices);
  if (values.json === true)
    ctx.stdout.write(`${JSON.stringify({ dryRun: true, file: flags.file, ...estimate })}\n`);
  else ctx.stderr.write(dryRunText(flags.file, estimate));
  return ExitCode.ok;
}

// The live catalogue, cached once per run. Without it a run can still go (costs unknown), a
// budget cannot; a dry run falls back to the emulator's copy and says its prices are placeholders.
async function loadPrices(
  ctx: CommandContext,
  gloo: Gloo,
  flags: BatchFlags,
  mode: { offline: boolean },
): Promise<PriceList | undefined> {
  const fallback = mode.offline ? await emulatorCatalogue() : undefined;
  const book = new PriceBook(gloo.models, {
    ...(flags.price === undefined ? {} : { fallbackRates: flags.price }),
    ...(fallback === undefined ? {} : { fallback }),
  });
  try {
    const list = await book.get({ signal: ctx.signal });
    if (list.source === "offline") {
      ctx.stderr.write(
        "gloo: the model catalogue could not be fetched; using the emulator's placeholder prices.\n",
      );
    }
    return list;
  } catch (error) {
    if (ctx.signal.aborted) throw error; // Ctrl-C while fetching: main reports the interruption
    if (flags.budget !== undefined) {
      throw new FailureError(
        `cannot fetch the model catalogue for --budget: ${(error as Error).message}`,
        "The budget needs the platform's prices; check --base / GLOO_BASE and the network, or drop --budget.",
      );
    }
    ctx.stderr.write(
      `gloo: the model catalogue could not be fetched (${(error as Error).message}); costs will be unknown.\n`,
    );
    return undefined;
  }
}

async function emulatorCatalogue() {
  const { catalogueListing } = await import("@gloo-toolkit/servers");
  return catalogueListing();
}

async function runFile(
  ctx: CommandContext,
  values: Values,
  flags: BatchFlags,
  lines: InputLine[],
  gloo: Gloo,
  output: BatchOutput,
): Promise<number> {
  const pending = lines.filter((line) => !output.done.has(line.request.customId));
  const prices = await loadPrices(ctx, gloo, flags, { offline: false });
  if (flags.budget !== undefined && prices !== undefined) {
    const unpriced = unpricedLines(pending, prices);
    if (unpriced.length > 0) throw unpricedError(unpriced);
  }
  const spent = prices === undefined ? undefined : spentBefore(output.previousResults, lines, prices);
  const started = performance.now();
  const run = runBatch(gloo, inputsOf(pending), {
    concurrency: flags.concurrency,
    ...(flags.rpm === undefined ? {} : { rpm: flags.rpm }),
    ...(flags.tpm === undefined ? {} : { tpm: flags.tpm }),
    ...(flags.budget === undefined ? {} : { budget: flags.budget, spent: spent?.total ?? "0" }),
    ...(prices === undefined ? {} : { prices }),
    ...(flags.maxRetries === undefined ? {} : { maxRetries: flags.maxRetries }),
    signal: graceSignal(ctx, () => run),
  });
  const progress = startProgress(ctx.stderr, ctx.env, { total: pending.length, stats: () => run.stats });
  try {
    for await (const outcome of run) {
      await output.append(outcome.ok, outcome.line);
      if (!outcome.ok && values.verbose === true) ctx.stderr.write(failureLine(outcome.line));
    }
  } finally {
    progress.stop();
  }
  const summary = buildSummary(flags, lines, output, pending.length, run, performance.now() - started, spent);
  ctx.stderr.write(summaryText(summary, resumeCommand(ctx)));
  if (values.json === true) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  if (ctx.signal.aborted) return interruptedExitCode(ctx.signal);
  return summary.notRun > 0 || summary.failedTotal > 0 ? ExitCode.failure : ExitCode.ok;
}

// --queue: the fleet sends the lines; pacing per process (--concurrency, --tpm) belongs to the
// workers, the rate (--rpm) and the budget to the whole fleet.
async function runOnQueue(
  ctx: CommandContext,
  values: Values,
  flags: BatchFlags,
  lines: InputLine[],
  queue: string,
): Promise<number> {
  for (const [flag, given] of [
    ["--concurrency", values.concurrency],
    ["--tpm", values.tpm],
    ["--max-retries", values["max-retries"]],
  ] as const) {
    if (given !== undefined)
      throw new UsageError(
        `${flag} does not apply with --queue.`,
        "Set concurrency per worker (gloo worker --concurrency N); the fleet shares --rpm and --budget.",
      );
  }
  const output = await openBatchOutput(flags.paths);
  try {
    const pending = lines.filter((line) => !output.done.has(line.request.customId));
    if (pending.length === 0) {
      const failed = output.done.size - output.previousResults.length;
      ctx.stderr.write(
        `All ${lines.length} lines are already in the results and errors files (${failed} failed); nothing to send.\n`,
      );
      return failed > 0 ? ExitCode.failure : ExitCode.ok;
    }
    let budget: QueuedBatchOptions["budget"];
    if (flags.budget !== undefined) {
      const gloo = createAnonymousClient(ctx, readSettings(ctx.env, { base: values.base }));
      const prices = (await loadPrices(ctx, gloo, flags, { offline: false })) as PriceList;
      const unpriced = unpricedLines(pending, prices);
      if (unpriced.length > 0) throw unpricedError(unpriced);
      budget = {
        limit: usdToNano(flags.budget),
        worstCase: (line) => worstCaseNano(line.request.api, line.request.body, prices) as number,
      };
    }
    return await runQueuedBatch(ctx, {
      file: flags.file,
      queue,
      pending,
      output,
      rpm: flags.rpm,
      budget,
      json: values.json === true,
    });
  } finally {
    await output.close();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

// Ctrl-C (or SIGTERM) stops sending at once and gives the requests in flight GRACE_MS to answer
// and be written; then the signal returned here abandons them (a resume sends them again).
function graceSignal(ctx: CommandContext, run: () => BatchRun): AbortSignal {
  const abandon = new AbortController();
  if (ctx.signal.aborted) {
    abandon.abort();
    return abandon.signal;
  }
  ctx.signal.addEventListener(
    "abort",
    () => {
      const batch = run();
      batch.stop();
      const inFlight = batch.stats.inFlight;
      if (inFlight > 0) {
        ctx.stderr.write(
          `\nStopping: waiting up to ${GRACE_MS / 1000} s for ${inFlight} request${inFlight === 1 ? "" : "s"} in flight (Ctrl-C again to quit now).\n`,
        );
      }
      setTimeout(() => abandon.abort(), GRACE_MS).unref();
    },
    { once: true },
  );
  return abandon.signal;
}

function buildSummary(
  flags: BatchFlags,
  lines: InputLine[],
  output: BatchOutput,
  pending: number,
  run: BatchRun,
  wallMs: number,
  spent: ReturnType<typeof spentBefore> | undefined,
): BatchSummary {
  const stats = run.stats;
  const finished = stats.succeeded + stats.failed;
  const previousFailed = output.done.size - output.previousResults.length;
  return {
    file: flags.file,
    results: flags.paths.results,
    errors: flags.paths.errors,
    lines: lines.length,
    alreadyDone: lines.length - pending,
    succeeded: stats.succeeded,
    failed: stats.failed,
    failedTotal: previousFailed + stats.failed,
    notRun: pending - finished,
    stopReason: run.stopReason ?? null,
    rateLimitWaitSeconds:
      stats.rateLimitWaitMs === undefined ? null : Math.ceil(stats.rateLimitWaitMs / 1000),
    retries: stats.retries,
    rateLimited: stats.rateLimited,
    promptTokens: stats.promptTokens,
    completionTokens: stats.completionTokens,
    cost: stats.cost,
    costUnknownLines: stats.unpriced,
    spentBefore: spent?.total ?? null,
    budget: stats.budget ?? null,
    wallSeconds: Number((wallMs / 1000).toFixed(3)),
    requestsPerSecond: Number((finished / Math.max(wallMs / 1000, 0.001)).toFixed(2)),
    repairedPartialLines: output.repaired,
  };
}

// `--verbose`: each failed line as it lands in the errors file, with the request id to quote.
function failureLine(line: BatchOutputLine): string {
  const requestId = line.response?.request_id ?? "none";
  return `\nfailed ${line.custom_id}: ${line.error?.code} ${line.error?.message} (request id ${requestId})\n`;
}

// The runner pulls lines as it has room, so each input object is made only when it is needed.
function* inputsOf(lines: readonly InputLine[]): Generator<BatchRequestInput> {
  for (const { request } of lines) {
    yield { custom_id: request.customId, url: `/${request.api}/chat/completions`, body: request.body };
  }
}

function unpricedError(unpriced: { line: number; reason: string }[]): UsageError {
  const shown = unpriced.slice(0, 20).map((entry) => `line ${entry.line}: ${entry.reason}`);
  const more = unpriced.length > shown.length ? `\n… and ${unpriced.length - shown.length} more.` : "";
  return new UsageError(
    `--budget needs a worst-case cost for every line, and ${unpriced.length} line${unpriced.length === 1 ? " has" : "s have"} none; nothing was sent:\n${shown.join("\n")}${more}`,
    "Give a rate for models without one with --price IN:OUT (USD per 1M tokens), name a priced model (gloo models --pricing), or drop --budget.",
  );
}

function resumeCommand(ctx: CommandContext): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  return `gloo batch ${ctx.argv.map(quote).join(" ")}`;
}
