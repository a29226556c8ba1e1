import type { ChatCompletion, ChatCompletionStream, Gloo, WithRequestId } from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { buildChatRequest, type ChatRequest, MODEL_FAMILIES, TRADITIONS } from "../internal/chat-request.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { readAll } from "../internal/line-reader.js";
import { formatDuration, startSpinner, writeStreamed } from "../internal/output.js";

const options = {
  system: { type: "string", short: "s" },
  model: { type: "string", short: "m" },
  "max-tokens": { type: "string" },
  temperature: { type: "string", short: "t" },
  n: { type: "string" },
  json: { type: "boolean" },
  stream: { type: "boolean" },
  "no-stream": { type: "boolean" },
  api: { type: "string" },
  "auto-routing": { type: "boolean" },
  "model-family": { type: "string" },
  tradition: { type: "string" },
  grounded: { type: "string" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: 'gloo chat "PROMPT" [options]   (or: … | gloo chat - [options])',
  description:
    "Sends one chat completion and prints the reply. Streams to a terminal by default; `-` reads the\nprompt from stdin. v1 (/ai/v1/chat/completions) unless --api v2 or a v2 routing flag is given.",
  options,
  optionHelp: {
    system: "System prompt",
    model: "Model id (default: $GLOO_MODEL, else us.meta.llama3-3-70b-instruct-v1:0)",
    "max-tokens": "Upper bound on the reply's tokens",
    temperature: "Sampling temperature (v1: 0–1, v2: 0–2)",
    n: "Number of choices (printed one after another; disables streaming)",
    json: "Print the whole response as JSON (no streaming)",
    stream: "Stream even when stdout is not a terminal",
    "no-stream": "Wait for the whole reply even on a terminal",
    api: "v1 or v2 (default v1; v2 routing flags imply v2)",
    "auto-routing": "v2: let Gloo pick the model (the default on v2 without --model or --model-family)",
    "model-family": `v2: route within a family: ${MODEL_FAMILIES.join(", ")}`,
    tradition: `v2: answer from a tradition: ${TRADITIONS.join(", ")}`,
    grounded: "v2: ground the answer in a publisher's content (/ai/v2/chat/completions/grounded)",
    ...connectionOptionHelp,
  },
  valueNames: {
    system: "TEXT",
    model: "ID",
    "max-tokens": "N",
    temperature: "T",
    n: "N",
    api: "v1|v2",
    "model-family": "FAMILY",
    tradition: "TRADITION",
    grounded: "PUBLISHER",
  },
  examples: [
    'gloo chat "Explain the seven seals in two concise sentences."',
    'gloo chat --system "Answer in French." --temperature 0 "Who wrote Romans?"',
    'git log -1 --format=%B | gloo chat - --system "Summarise this commit message."',
    'gloo chat --api v2 --model-family anthropic --tradition catholic "What is grace?"',
    'gloo chat --grounded WorldEnglishBible "What does Yahweh require of you?"',
    'gloo chat --json --n 3 --temperature 0 "Say ONE word that is exactly SUN." | jq ".choices[].message.content"',
  ],
  allowPositionals: true,
};

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

/** `gloo chat`: one completion, v1 or v2, streamed or whole. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const prompt = await readPrompt(ctx, args.positionals);
    const settings = requireCredentials(
      readSettings(ctx.env, { base: args.values.base, model: args.values.model }),
    );
    const request = buildChatRequest(args.values, prompt, settings.model);
    const client = createClient(ctx, settings);
    const streaming = wantsStream(ctx, args.values, request.body.n ?? undefined);
    const started = performance.now();
    const requestId = streaming
      ? await streamReply(ctx, client, request)
      : await wholeReply(ctx, client, request, args.values.json === true);
    if (args.values.verbose === true) {
      ctx.stderr.write(
        `request id: ${requestId ?? "(none)"}, ${formatDuration(performance.now() - started)}, ${request.api}\n`,
      );
    }
    return 0;
  },
};

async function readPrompt(ctx: CommandContext, positionals: string[]): Promise<string> {
  if (positionals.length > 1) {
    throw new UsageError(
      "give the prompt as one argument (quote it).",
      'Example: gloo chat "Explain the seven seals in two concise sentences."',
    );
  }
  const [given] = positionals;
  const prompt = (given === "-" ? await readAll(ctx.stdin) : (given ?? "")).trim();
  if (prompt === "") {
    throw new UsageError(
      given === "-" ? "stdin was empty: there is no prompt to send." : "no prompt given.",
      `Usage: ${spec.usage}`,
    );
  }
  return prompt;
}

function wantsStream(ctx: CommandContext, values: Values, n: number | undefined): boolean {
  if (values.json === true || (n ?? 1) > 1 || values["no-stream"] === true) return false;
  return values.stream === true || ctx.stdout.isTTY === true;
}

// The body was assembled from validated flags and is typed for its endpoint; the SDK's own guard
// checks it again before sending.
function createStream(
  client: Gloo,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<ChatCompletionStream> {
  if (request.api === "grounded") {
    return client.v2.chat.completions.grounded({ ...request.body, stream: true }, { signal });
  }
  return request.api === "v2"
    ? client.v2.chat.completions.create({ ...request.body, stream: true }, { signal })
    : client.chat.completions.create({ ...request.body, stream: true }, { signal });
}

function createWhole(
  client: Gloo,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<WithRequestId<ChatCompletion>> {
  if (request.api === "grounded") {
    return client.v2.chat.completions.grounded({ ...request.body, stream: false }, { signal });
  }
  return request.api === "v2"
    ? client.v2.chat.completions.create({ ...request.body, stream: false }, { signal })
    : client.chat.completions.create({ ...request.body, stream: false }, { signal });
}

// The spinner says what is awaited: first the OAuth token (fetched once, then cached for the
// call), then the first token of the reply or the whole reply.
async function awaitWithSpinner<T>(
  ctx: CommandContext,
  client: Gloo,
  replyWait: string,
  call: () => Promise<T>,
): Promise<T> {
  const spinner = startSpinner(ctx.stderr, ctx.env, "waiting for the OAuth token…");
  try {
    await client.auth.getToken({ signal: ctx.signal });
    spinner.update(replyWait);
    return await call();
  } finally {
    spinner.stop();
  }
}

async function streamReply(
  ctx: CommandContext,
  client: Gloo,
  request: ChatRequest,
): Promise<string | undefined> {
  const stream = await awaitWithSpinner(ctx, client, "waiting for the first reply token…", () =>
    createStream(client, request, ctx.signal),
  );
  await writeStreamed(stream.textStream(), ctx.stdout);
  return stream.requestId;
}

async function wholeReply(
  ctx: CommandContext,
  client: Gloo,
  request: ChatRequest,
  json: boolean,
): Promise<string | undefined> {
  const completion = await awaitWithSpinner(ctx, client, "waiting for the reply…", () =>
    createWhole(client, request, ctx.signal),
  );
  if (json) {
    ctx.stdout.write(`${JSON.stringify(completion, null, 2)}\n`);
    return completion.requestId;
  }
  const many = completion.choices.length > 1;
  for (const choice of completion.choices) {
    const text = choice.message.content ?? "";
    ctx.stdout.write(many ? `[${choice.index}] ${text}\n` : `${text}\n`);
  }
  return completion.requestId;
}
