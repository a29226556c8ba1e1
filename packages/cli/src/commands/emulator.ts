import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type CorsOrigins,
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  type FetchHandler,
  type RunningServer,
  withCors,
} from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { corsFlag, corsLine } from "../internal/cors-flag.js";
import { listen, listenTarget, untilAborted } from "../internal/listen.js";
import { type LoadedReplay, loadReplay, replayWanted } from "../internal/replay.js";

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
  cors: { type: "string" },
  verbose: { type: "boolean" },
  "request-log": { type: "string" },
  "queue-fault": { type: "string", multiple: true },
  replay: { type: "string" },
  mode: { type: "string" },
  speed: { type: "string" },
  ignore: { type: "string" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage:
    "gloo emulator [--port N] [--host H] [--client-id ID] [--client-secret S] [--token-ttl SECONDS] [--latency MS] [--faults SPEC] [--cors ORIGINS] [--replay FILE [--mode strict|fallback] [--speed N] [--ignore FIELDS]]",
  description: [
    "Runs a local Gloo platform for offline development and CI: /oauth2/token, /ai/v1 and /ai/v2 chat",
    "completions (JSON and SSE), /platform/v2/models and the legacy /ai/v1/chat, with a deterministic model",
    "and faults on demand (the x-emulator-fault header, or --faults at random). With --replay it answers",
    "from a recorded cassette instead (gloo proxy --record): the platform's own answers, offline.",
    "Reference: https://github.com/gloo-toolkit/gloo-toolkit/blob/main/docs/emulator.md and docs/record-replay.md",
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
    cors: 'Let pages on these origins call it from a browser: "http://localhost:5173,https://app.example" or "*"',
    verbose:
      "Log one line per request on stderr (method, path, status, time to the answer, request id), and one when a stream ends",
    "request-log":
      "Append one JSON line per request to FILE: arrival time, method, path, status, ms, request id",
    "queue-fault":
      'Fault for the next completion request, in header syntax (e.g. "429,retry-after=3"); repeatable',
    replay:
      "Answer from this cassette (written by gloo proxy --record or recordingFetch) instead of the model",
    mode: "With --replay: strict (a request the cassette lacks gets a 404 naming the nearest recording) or fallback (the model answers it); default strict",
    speed:
      "With --replay: the recorded pauses divided by N (2 is twice as fast); 0 sends at once (default: 1)",
    ignore:
      'With --replay: top-level JSON fields left out of matching, comma-separated (default: "user,metadata"; "" for none)',
  },
  valueNames: {
    "request-log": "FILE",
    "queue-fault": "SPEC",
    "retry-after": "SECONDS",
    replay: "FILE",
    mode: "MODE",
    speed: "N",
    ignore: "FIELDS",
  },
  examples: [
    "gloo emulator",
    "gloo emulator --port 0 --token-delay 20",
    "gloo emulator --cors http://localhost:5173",
    'gloo emulator --faults "429=0.1,503=0.05,drop=0.01" --token-ttl 120',
    'curl -s localhost:8788/ai/v1/chat/completions -H "x-emulator-fault: 429" ...',
    "gloo emulator --replay test/chat.cassette.json --port 0",
    "gloo emulator --replay chat.cassette.json --mode fallback --speed 0 --ignore user,metadata,seed",
  ],
};

/** `gloo emulator`: the local Gloo platform, until SIGINT/SIGTERM. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const { values } = args;
    const target = listenTarget(values, "gloo emulator", DEFAULT_PORT);
    const cors = corsFlag(values.cors, { command: "gloo emulator", allowAny: true });
    const cassette = replayWanted(values);
    const emulator = build(await emulatorOptions(ctx, values));
    for (const fault of values["queue-fault"] ?? []) queueFault(emulator, fault);
    const replay =
      cassette === undefined ? undefined : await loadReplay(ctx, cassette, values, () => emulator);
    const answer = replay?.replayer.fetch ?? emulator.fetch;
    const served = cors === undefined ? answer : withCors(answer, cors);
    let handler = values.verbose === true ? accessLogged(served, ctx) : served;
    if (values["request-log"] !== undefined) {
      const { requestLogged } = await import("../internal/request-log.js");
      handler = requestLogged(handler, resolve(ctx.cwd, values["request-log"]));
    }
    const server = await listen(handler, target);
    ctx.stdout.write(banner(server, emulator, values.faults, cors, replay));
    await untilAborted(ctx.signal);
    await server.close();
    if (replay !== undefined && ctx.quiet !== true) ctx.stderr.write(replay.summary());
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
// response head; a stream gets a second line when it ends: completed, dropped by a fault, or closed
// by the client (a Stop button, a `break`). A dropped connection (a `drop` fault) is logged too.
function accessLogged(handler: FetchHandler, ctx: CommandContext): FetchHandler {
  return async (request) => {
    const started = performance.now();
    const line = (outcome: string) =>
      `${request.method} ${new URL(request.url).pathname} ${outcome} ${(performance.now() - started).toFixed(1)} ms`;
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      ctx.stderr.write(`${line("dropped")} -\n`);
      throw error;
    }
    const id = response.headers.get("x-request-id") ?? "-";
    ctx.stderr.write(`${line(String(response.status))} ${id}\n`);
    if (response.body === null || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
      return response;
    }
    const body = watchEnd(response.body, (end) => ctx.stderr.write(`${line(`stream ${end}`)} ${id}\n`));
    return new Response(body, response);
  };
}

// The same bytes, pulled one read at a time, reporting how the body ended.
function watchEnd(
  body: ReadableStream<Uint8Array>,
  onEnd: (end: "completed" | "dropped" | "closed by the client") => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  // A read pending at a cancel resolves as done: the first ending is the one to report.
  const end = (how: "completed" | "dropped" | "closed by the client") => {
    if (!ended) onEnd(how);
    ended = true;
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          end("dropped");
          throw error;
        }
        if (next.done) {
          end("completed");
          controller.close();
        } else controller.enqueue(next.value);
      },
      cancel(reason) {
        end("closed by the client");
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

// The first line is a contract (the README says so): scripts wait for it and read the URL from it.
// The credentials are the emulator's own fake ones, printed so users can copy them.
function banner(
  server: RunningServer,
  emulator: Emulator,
  faults: string | undefined,
  cors: CorsOrigins | undefined,
  replay: LoadedReplay | undefined,
): string {
  const faultLine = `Faults${replay === undefined ? "" : " (on the model's answers)"}: ${faults === undefined || faults === "" ? "none at random; per request with the x-emulator-fault header" : faults}.`;
  return [
    `Gloo emulator listening on ${server.url}`,
    ...(replay?.describe() ?? [
      `Accepts client id "${emulator.clientId}" with secret "${emulator.clientSecret}" (scope api/access).`,
    ]),
    "Point the quickstart, the SDK or the CLI at it:",
    `  export GLOO_BASE="${server.url}"`,
    `  export GLOO_CLIENT_ID="${emulator.clientId}"`,
    `  export GLOO_CLIENT_SECRET="${emulator.clientSecret}"`,
    '  export GLOO_MODEL="us.meta.llama3-3-70b-instruct-v1:0"',
    ...(replay?.replayer.mode === "strict" ? [] : [faultLine]),
    `Browsers: ${corsLine(cors)}.`,
    "Stop with Ctrl+C.",
    "",
  ].join("\n");
}
