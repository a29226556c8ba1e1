import { type ChatCompletion, PriceBook, type PriceList } from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { interruptedExitCode } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { actualNano } from "../internal/catalogue-pricing.js";
import { checkCredentials } from "../internal/check-credentials.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { untilAborted } from "../internal/listen.js";
import { openRedis, queueUrl } from "../internal/redis.js";
import { sendLineWith } from "../internal/send-line.js";

const options = {
  queue: { type: "string" },
  concurrency: { type: "string" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo worker --queue redis://HOST:PORT[/DB] [--concurrency N] [--base URL]",
  description: [
    "Sends the lines of `gloo batch --queue` runs to the platform, on any number of hosts at once: each",
    "worker uses its own credentials (GLOO_CLIENT_ID, GLOO_CLIENT_SECRET), all of them share the run's rate",
    "limit and budget through Redis, and a 429 pauses every worker. SIGTERM or Ctrl-C stops taking lines",
    "and finishes the ones in flight (up to 30 s; a second signal quits at once); the lines of a worker",
    "killed outright are sent again by another. Exit 130 after SIGINT, 143 after SIGTERM.",
  ].join("\n"),
  options,
  optionHelp: {
    queue: "The queue's Redis (default: $GLOO_QUEUE_URL)",
    concurrency: "Lines in flight at once in this worker (default: 8)",
    ...connectionOptionHelp,
  },
  valueNames: { queue: "URL", concurrency: "N" },
  examples: [
    "gloo worker --queue redis://10.0.0.5:6379",
    "GLOO_QUEUE_URL=redis://10.0.0.5:6379 gloo worker --concurrency 32",
  ],
};

/** `gloo worker`: processes queued batch lines until SIGINT/SIGTERM. */
export const command: Command = {
  help: () => helpText(spec),
  // Time to finish the lines in flight after SIGINT/SIGTERM; past it (or at a second signal) the
  // process ends, and BullMQ gives the unfinished lines to another worker once their lock lapses.
  windDownMs: 30_000,
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const url = queueUrl(args.values.queue, ctx.env);
    const concurrency =
      numberFlag("concurrency", args.values.concurrency, { integer: true, min: 1, max: 1000 }) ?? 8;
    const settings = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    const gloo = createClient(ctx, settings);
    const redis = await openRedis(url);
    try {
      // A token now: bad credentials stop the worker here, and the first line does not wait for one.
      await checkCredentials(ctx, gloo);
      const { redacted, startBatchWorker } = await import("@gloo-toolkit/fleet");
      const prices = catalogue(ctx, gloo);
      const cost = (completion: ChatCompletion) =>
        completion.usage === undefined || prices.current === undefined
          ? undefined
          : actualNano(prices.current, completion.model, {
              promptTokens: completion.usage.prompt_tokens,
              completionTokens: completion.usage.completion_tokens,
            });
      const worker = await startBatchWorker(redis, {
        send: sendLineWith(gloo, cost),
        concurrency,
        ...(args.values.verbose === true
          ? { onLine: (event) => ctx.stderr.write(`${event.kind} ${event.customId}\n`) }
          : {}),
      });
      ctx.stdout.write(
        `Gloo worker on ${redacted(new URL(url))}, ${concurrency} at a time, sending to ${gloo.baseURL}.\n`,
      );
      await untilAborted(ctx.signal);
      ctx.stderr.write("Stopping: finishing the lines in flight…\n");
      await worker.close();
      return interruptedExitCode(ctx.signal);
    } finally {
      redis.disconnect();
    }
  },
};

// The catalogue's prices, fetched once in the background: budgeted runs settle each line to its
// usage at these rates (until they arrive, or if they never do, a line settles at its worst case).
function catalogue(ctx: CommandContext, gloo: ReturnType<typeof createClient>) {
  const holder: { current: PriceList | undefined } = { current: undefined };
  new PriceBook(gloo.models)
    .get({ signal: ctx.signal })
    .then((list) => {
      holder.current = list;
    })
    .catch(() => {});
  return holder;
}
