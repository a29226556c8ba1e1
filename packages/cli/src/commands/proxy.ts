import { PriceBook, type PriceList } from "@gloo-toolkit/sdk";
import {
  bindRefusal,
  type CorsOrigins,
  createHttpFetch,
  createProxy,
  isLoopbackHost,
  type ProxyLogEntry,
  type RunningServer,
  withCors,
} from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { FailureError, UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { proxyPricing } from "../internal/catalogue-pricing.js";
import { checkCredentials } from "../internal/check-credentials.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { corsFlag, corsLine } from "../internal/cors-flag.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { listen, listenTarget, untilAborted } from "../internal/listen.js";
import { recordFlag } from "../internal/record-flag.js";
import {
  openSharedLimits,
  type SharedLimits,
  sharedLimitHelp,
  sharedLimitOptions,
} from "../internal/shared-limits.js";

/** The proxy's port when `--port` is not given. */
const DEFAULT_PORT = 8787;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  key: { type: "string" },
  cors: { type: "string" },
  record: { type: "string" },
  ...sharedLimitOptions,
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage:
    "gloo proxy [--port N] [--host H] [--key KEY] [--cors ORIGINS] [--record FILE] [--redis URL [--budget USD] [--budget-window 7d] [--budget-warning 80] [--rpm N]] [--base URL]",
  description: [
    "Serves an OpenAI-compatible endpoint that adds a Gloo access token to every request, so the openai SDK,",
    "the Vercel AI SDK, LangChain, curl or Postman need no OAuth code: POST /v1/chat/completions and",
    "/v2/chat/completions, GET /v1/models, /healthz and /metrics. Credentials come from GLOO_CLIENT_ID and",
    "GLOO_CLIENT_SECRET and never leave the proxy. It listens on 127.0.0.1 unless given a key.",
    "With --redis, every proxy on that Redis shares one request rate (--rpm) and one spend budget (--budget).",
    "With --record FILE, every exchange with the platform (token requests, completions, streams frame by",
    "frame with their timing) is written to the cassette FILE for `gloo emulator --replay`: credentials,",
    "tokens, cookies and JWTs are replaced by gloo-scrubbed-* placeholders before anything is written.",
    "The file is rewritten after each exchange and replaced when the first one is recorded (docs/record-replay.md).",
  ].join("\n"),
  options,
  valueNames: { record: "FILE" },
  optionHelp: {
    port: `Port to listen on; 0 picks a free one (default: ${DEFAULT_PORT})`,
    host: "Interface to bind (default: 127.0.0.1); any other needs a proxy key",
    key: "Proxy key clients must send as `Authorization: Bearer KEY` (default: $GLOO_PROXY_KEY)",
    cors: "Let pages on these origins call it from a browser, e.g. http://localhost:5173 (no *; others need --key)",
    record:
      "Record the exchanges with the platform, scrubbed, to this cassette file (its directory must exist)",
    ...sharedLimitHelp,
    ...connectionOptionHelp,
  },
  examples: [
    "gloo proxy",
    "gloo proxy --port 0",
    "gloo proxy --cors http://localhost:5173",
    "gloo proxy --record cassettes/chat.json",
    "GLOO_PROXY_KEY=$(openssl rand -hex 24) gloo proxy --host 0.0.0.0",
    "gloo proxy --redis redis://10.0.0.5:6379 --budget 100 --budget-window 7d --rpm 240",
    'curl localhost:8787/v1/chat/completions -H "content-type: application/json" \\',
    '  -d \'{"model":"us.meta.llama3-3-70b-instruct-v1:0","messages":[{"role":"user","content":"Hi"}]}\'',
  ],
};

/** `gloo proxy`: the token-injecting OpenAI-compatible proxy, until SIGINT/SIGTERM. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const target = listenTarget(args.values, "gloo proxy", DEFAULT_PORT);
    const key = proxyKey(args.values.key, ctx.env.GLOO_PROXY_KEY);
    const refusal = bindRefusal(target.host, key);
    if (refusal !== undefined) {
      throw new UsageError(
        refusal,
        "Pass --key KEY (or set GLOO_PROXY_KEY), or keep the default --host 127.0.0.1.",
      );
    }
    const cors = corsFlag(args.values.cors, { command: "gloo proxy", allowAny: false });
    checkCorsWithoutKey(cors, key);
    // The upstream hop goes over node:http: a third of the built-in fetch's CPU per request on
    // Node 20, which is most of what the proxy adds (bench/proxy.mjs).
    const httpFetch = createHttpFetch();
    const settings = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    // Recording wraps the platform side: the token exchange and the /ai/... calls, with their paths.
    const recording = recordFlag(ctx, args.values.record, {
      fetch: httpFetch,
      secrets: [settings.clientId, settings.clientSecret, ...(key === undefined ? [] : [key])],
      command: "gloo proxy",
    });
    const upstreamFetch = recording?.fetch ?? httpFetch;
    const shared = await openSharedLimits(args.values);
    let served = false;
    try {
      const gloo = createClient({ ...ctx, fetch: upstreamFetch }, settings);
      await checkCredentials(ctx, gloo);
      const limits = shared === undefined ? {} : await guardOptions(ctx, gloo, shared);
      const onResponse = args.values.verbose === true ? accessLog(ctx) : undefined;
      const proxy = createProxy({
        gloo,
        key,
        fetch: upstreamFetch,
        ...limits,
        ...(onResponse ? { onResponse } : {}),
      });
      const handler = cors === undefined ? proxy.fetch : withCors(proxy.fetch, cors);
      const server = await listen(handler, target);
      served = true;
      ctx.stdout.write(banner(server, gloo.baseURL, key !== undefined, cors, shared?.summary));
      await untilAborted(ctx.signal);
      await server.close();
    } finally {
      shared?.close();
      await recording?.finish(served);
    }
    return 0;
  },
};

// The budget prices requests from the model catalogue, read once at start.
async function guardOptions(
  ctx: CommandContext,
  gloo: ReturnType<typeof createClient>,
  shared: SharedLimits,
) {
  if (shared.budget === undefined) return { rateLimit: shared.rateLimit };
  let prices: PriceList;
  try {
    prices = await new PriceBook(gloo.models).get({ signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FailureError(
      `--budget needs the model catalogue's rates, and ${gloo.baseURL}/platform/v2/models did not answer: ${reason}`,
      "Check --base / GLOO_BASE, or start without --budget.",
    );
  }
  return { rateLimit: shared.rateLimit, budget: { ...shared.budget, pricing: proxyPricing(prices) } };
}

// No key is a choice made by leaving --key out; an empty one is a mistake (`--key "$KEY"` with KEY
// unset, `GLOO_PROXY_KEY=` in .env) that would quietly let any client in, so refuse it.
function proxyKey(flag: string | undefined, env: string | undefined): string | undefined {
  const noKey = "to run without a key (from this machine only, on the default --host 127.0.0.1)";
  if (flag !== undefined) {
    if (flag.trim() !== "") return flag;
    throw new UsageError(
      "--key is empty.",
      `Give a key, e.g. --key "$(openssl rand -hex 24)", or leave --key out ${noKey}.`,
    );
  }
  if (env === undefined || env.trim() !== "") return env;
  throw new UsageError(
    "GLOO_PROXY_KEY is set but empty.",
    `Set it to a key, e.g. export GLOO_PROXY_KEY="$(openssl rand -hex 24)", or unset it (in the environment or .env) ${noKey}.`,
  );
}

// Without a key the proxy refuses pages on non-loopback origins (a site could spend your quota):
// listing one in --cors would only move the refusal to the first request, so say it now.
function checkCorsWithoutKey(cors: CorsOrigins | undefined, key: string | undefined): void {
  if (cors === undefined || cors === "*" || key !== undefined) return;
  const remote = cors.filter((origin) => !isLoopbackHost(new URL(origin).hostname));
  if (remote.length === 0) return;
  throw new UsageError(
    `--cors ${remote.join(",")}: without a proxy key, only pages on this machine (localhost, 127.0.0.1) may call the proxy.`,
    "Give a key with --key (or GLOO_PROXY_KEY) that those pages send, or list only loopback origins.",
  );
}

// The first line is a contract (the README says so): scripts wait for it and read the URL from it.
function banner(
  server: RunningServer,
  base: string,
  keyed: boolean,
  cors: CorsOrigins | undefined,
  shared: string | undefined,
): string {
  return [
    `Gloo proxy listening on ${server.url}`,
    `Forwarding to ${base} with a Gloo access token.`,
    `OpenAI base URLs: ${server.url}/v1 (Completions V1), ${server.url}/v2 (Completions V2)`,
    keyed
      ? "Clients must send `Authorization: Bearer <proxy key>`."
      : "No proxy key: any API key is accepted, from this machine only.",
    ...(shared === undefined ? [] : [`Shared with every proxy on the same Redis: ${shared}.`]),
    `Metrics: ${server.url}/metrics  Health: ${server.url}/healthz`,
    `Browsers: ${corsLine(cors)}.`,
    "",
  ].join("\n");
}

// One line per answered request on stderr (--verbose): never a token or the proxy key.
function accessLog(ctx: CommandContext): (entry: ProxyLogEntry) => void {
  return (entry) =>
    ctx.stderr.write(
      `${entry.method} ${entry.path} ${entry.status} ${entry.durationMs.toFixed(1)} ms ${entry.requestId ?? "-"}\n`,
    );
}
