import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type FetchHandler,
  type RunningServer,
} from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { listen } from "../internal/listen.js";
import { untilAborted } from "../internal/until-aborted.js";

/** The emulator's port when `--port` is not given (the proxy's default is 8787). */
const DEFAULT_PORT = 8788;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "token-ttl": { type: "string" },
  latency: { type: "string" },
  "token-delay": { type: "string" },
  faults: { type: "string" },
  "retry-after": { type: "string" },
  "done-sentinel": { type: "boolean" },
  script: { type: "string" },
  seed: { type: "string" },
  verbose: { type: "boolean" },
  "request-log": { type: "string" },
  "queue-fault": { type: "string", multiple: true },
} as const;

const spec: CommandSpec<typeof options> = {
  usage:
    "gloo emulator [--port N] [--host H] [--client-id ID] [--client-secret S] [--token-ttl SECONDS] [--latency MS] [--faults SPEC]",
  description: [
    "Runs a local Gloo platform for offline development and CI: /oauth2/token, /ai/v1 and /ai/v2 chat",
    "completions (JSON and SSE), /platform/v2/models and the legacy /ai/v1/chat, with a deterministic model",
    "and faults on demand (the x-emulator-fault header, or --faults at random). See docs/emulator.md.",
  ].join("\n"),
  options,
  optionHelp: {
    port: `Port to listen on; 0 picks a free one (default: ${DEFAULT_PORT})`,
    host: "Interface to bind (default: 127.0.0.1)",
    "client-id": "Client id the token endpoint accepts (default: emulator-client)",
    "client-secret": "Client secret the token endpoint accepts (default: emulator-secret)",
    "token-ttl": "Lifetime of issued tokens in seconds (default: 3600)",
    latency: "Delay before every answer, in ms (default: 0)",
    "token-delay": "Delay between stream chunks, in ms (default: 0)",
    faults: 'Random faults on completions, e.g. "429=0.1,503=0.05,drop=0.01"',
    "retry-after": "Retry-After seconds of random 429 faults (default: 1)",
    "done-sentinel": "End streams with data: [DONE] (the real platform does not)",
    script: "JSON file of prompt pattern → reply, checked before the built-in model",
    seed: "Seed for temperature > 0 and fault rolls, for reproducible runs",
    verbose: "Log one line per request on stderr: method, path, status, time to the answer, request id",
    "request-log":
      "Append one JSON line per request to FILE: arrival time, method, path, status, ms, request id",
    "queue-fault":
      'Fault for the next completion request, in header syntax (e.g. "429,retry-after=3"); repeatable',
  },
  valueNames: { "request-log": "FILE", "queue-fault": "SPEC", "retry-after": "SECONDS" },
  examples: [
    "gloo emulator",
    "gloo emulator --port 0 --token-delay 20",
    'gloo emulator --faults "429=0.1,503=0.05,drop=0.01" --token-ttl 120',
    'curl -s localhost:8788/ai/v1/chat/completions -H "x-emulator-fault: 429" ...',
  ],
};

/** `gloo emulator`: the local Gloo platform, until SIGINT/SIGTERM. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const { values } = args;
    const host = values.host ?? "127.0.0.1";
    const port = numberFlag("port", values.port, { integer: true, min: 0, max: 65535 }) ?? DEFAULT_PORT;
    const emulator = build(await emulatorOptions(ctx, values));
    for (const fault of values["queue-fault"] ?? []) queueFault(emulator, fault);
    let handler = values.verbose === true ? accessLogged(emulator.fetch, ctx) : emulator.fetch;
    if (values["request-log"] !== undefined) {
      const { requestLogged } = await import("../internal/request-log.js");
      handler = requestLogged(handler, resolve(ctx.cwd, values["request-log"]));
    }
    const portGiven = values.port !== undefined;
    const server = await listen(handler, { port, host, command: "gloo emulator", portGiven });
    ctx.stdout.write(banner(server, emulator, values.faults));
    await untilAborted(ctx.signal);
    await server.close();
    return 0;
  },
};

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

async function emulatorOptions(ctx: CommandContext, values: Values): Promise<EmulatorOptions> {
  const out: EmulatorOptions = {};
  if (values["client-id"] !== undefined) out.clientId = nonEmpty("client-id", values["client-id"]);
  if (values["client-secret"] !== undefined)
    out.clientSecret = nonEmpty("client-secret", values["client-secret"]);
  const ttl = numberFlag("token-ttl", values["token-ttl"], { integer: true, min: 1 });
  if (ttl !== undefined) out.tokenTtlSeconds = ttl;
  const latency = numberFlag("latency", values.latency, { min: 0 });
  if (latency !== undefined) out.latencyMs = latency;
  const tokenDelay = numberFlag("token-delay", values["token-delay"], { min: 0 });
  if (tokenDelay !== undefined) out.tokenDelayMs = tokenDelay;
  const seed = numberFlag("seed", values.seed, { integer: true, min: 0 });
  if (seed !== undefined) out.seed = seed;
  if (values.faults !== undefined) out.faults = values.faults;
  const retryAfter = numberFlag("retry-after", values["retry-after"], { integer: true, min: 0 });
  if (retryAfter !== undefined) out.retryAfterSeconds = retryAfter;
  if (values["done-sentinel"] === true) out.doneSentinel = true;
  if (values.script !== undefined) out.script = await readScript(resolve(ctx.cwd, values.script));
  return out;
}

function nonEmpty(name: string, value: string): string {
  if (value === "") throw new UsageError(`--${name} must not be empty.`);
  return value;
}

async function readScript(path: string): Promise<NonNullable<EmulatorOptions["script"]>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --script ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as NonNullable<EmulatorOptions["script"]>;
  } catch (error) {
    throw new UsageError(`--script ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

// Option errors (a bad --faults spec, a bad script rule) come from createEmulator as TypeErrors.
function build(options: EmulatorOptions): Emulator {
  try {
    return createEmulator(options);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new UsageError(error.message, "Run `gloo emulator --help` for the options.");
    }
    throw error;
  }
}

function queueFault(emulator: Emulator, fault: string): void {
  try {
    emulator.queueFault(fault);
  } catch (error) {
    throw new UsageError(`--queue-fault: ${(error as Error).message}`);
  }
}

// `--verbose`: what a developer watches while pointing a client at the emulator. The time is to the
// response head (a stream goes on after it); a dropped connection (a `drop` fault) is logged too.
function accessLogged(handler: FetchHandler, ctx: CommandContext): FetchHandler {
  return async (request) => {
    const started = performance.now();
    const line = (outcome: string) =>
      `${request.method} ${new URL(request.url).pathname} ${outcome} ${(performance.now() - started).toFixed(1)} ms`;
    try {
      const response = await handler(request);
      ctx.stderr.write(`${line(String(response.status))} ${response.headers.get("x-request-id") ?? "-"}\n`);
      return response;
    } catch (error) {
      ctx.stderr.write(`${line("dropped")} -\n`);
      throw error;
    }
  };
}

// The first line is a contract (the README says so): scripts wait for it and read the URL from it.
// The credentials are the emulator's own fake ones, printed so users can copy them.
function banner(server: RunningServer, emulator: Emulator, faults: string | undefined): string {
  return [
    `Gloo emulator listening on ${server.url}`,
    `Accepts client id "${emulator.clientId}" with secret "${emulator.clientSecret}" (scope api/access).`,
    "Point the quickstart, the SDK or the CLI at it:",
    `  export GLOO_BASE="${server.url}"`,
    `  export GLOO_CLIENT_ID="${emulator.clientId}"`,
    `  export GLOO_CLIENT_SECRET="${emulator.clientSecret}"`,
    '  export GLOO_MODEL="us.meta.llama3-3-70b-instruct-v1:0"',
    `Faults: ${faults === undefined || faults === "" ? "none at random; per request with the x-emulator-fault header" : faults}.`,
    "Stop with Ctrl+C.",
    "",
  ].join("\n");
}
