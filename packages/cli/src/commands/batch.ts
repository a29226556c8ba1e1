import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions } from "../internal/client.js";
import { readSettings } from "../internal/credentials.js";
import { runQueuedBatch } from "../internal/queued-batch.js";
import { queueUrl } from "../internal/redis.js";
import { usdToNano } from "../internal/shared-limits.js";

const options = {
  output: { type: "string", short: "o" },
  errors: { type: "string" },
  api: { type: "string" },
  rpm: { type: "string" },
  budget: { type: "string" },
  json: { type: "boolean" },
  queue: { type: "string" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage:
    "gloo batch FILE --queue redis://HOST:PORT[/DB] [-o RESULTS] [--errors FILE] [--api v1|v2] [--rpm N] [--budget USD] [--json]",
  description: [
    "Sends every line of an OpenAI-Batch-format JSONL file through a Redis queue that `gloo worker`s on any",
    "number of hosts process, with one rate limit (--rpm) and one budget (--budget) for all of them; follows",
    "the run and writes the results and errors files. Run it again with the same file to re-attach.",
  ].join("\n"),
  options,
  allowPositionals: true,
  optionHelp: {
    output: "Results file (default: NAME.results.jsonl beside the input)",
    errors: "Errors file (default: NAME.errors.jsonl beside the input)",
    api: "API for lines without a url: v1 or v2 (default: v1)",
    rpm: "Requests per minute for the whole fleet",
    budget: "Spend budget in USD for the run; lines that would exceed it are not sent",
    json: "Print the summary as JSON on stdout",
    queue: "The queue's Redis (default: $GLOO_QUEUE_URL)",
    ...connectionOptionHelp,
  },
  examples: [
    "gloo batch prompts.jsonl --queue redis://10.0.0.5:6379 --rpm 240 --budget 20",
    "GLOO_QUEUE_URL=redis://10.0.0.5:6379 gloo batch prompts.jsonl -o out.jsonl",
  ],
};

/** `gloo batch FILE --queue …`: a batch run on the fleet's queue. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const [file, extra] = args.positionals;
    if (file === undefined || extra !== undefined)
      throw new UsageError("give exactly one input file.", `Usage: ${spec.usage}`);
    const queue = queueUrl(args.values.queue, ctx.env);
    const api = args.values.api ?? "v1";
    if (api !== "v1" && api !== "v2") throw new UsageError(`--api must be v1 or v2, got "${api}".`);
    const input = resolve(ctx.cwd, file);
    const name = join(dirname(input), basename(input).replace(/\.jsonl?$/, ""));
    return runQueuedBatch(ctx, {
      file: input,
      queue,
      api,
      results: resolve(ctx.cwd, args.values.output ?? `${name}.results.jsonl`),
      errors: resolve(ctx.cwd, args.values.errors ?? `${name}.errors.jsonl`),
      rpm: numberFlag("rpm", args.values.rpm, { integer: true, min: 1 }),
      budget: args.values.budget === undefined ? undefined : usdToNano(args.values.budget),
      json: args.values.json === true,
      settings: readSettings(ctx.env, { base: args.values.base }),
    });
  },
};
