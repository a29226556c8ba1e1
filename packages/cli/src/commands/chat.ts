import type { ChatCompletion, ChatCompletionStream, Gloo, WithRequestId } from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { FailureError, UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { parseRequestOptions, readAttachments } from "../internal/chat-inputs.js";
import {
  continued,
  type ExchangeRecord,
  exchangeToContinue,
  newConversationId,
  openExchangeLog,
  outcomeOf,
  recordExchange,
} from "../internal/chat-log.js";
import { buildChatRequest, type ChatRequest, MODEL_FAMILIES, TRADITIONS } from "../internal/chat-request.js";
import {
  connectionOptionHelp,
  connectionOptions,
  createAnonymousClient,
  createClient,
} from "../internal/client.js";
import { withConfigFlags } from "../internal/config.js";
import {
  type Credentials,
  readSettings,
  requireCredentials,
  type Settings,
} from "../internal/credentials.js";
import { closest } from "../internal/did-you-mean.js";
import { describeError, isUnknownModelError } from "../internal/error-message.js";
import type { ExchangeLog } from "../internal/exchange-log.js";
import { readAll } from "../internal/line-reader.js";
import { formatDuration, startSpinner, writeStreamed } from "../internal/output.js";
import { type TemplateStore, templateOf, templateStoreFor, withTemplate } from "../internal/templates.js";

const options = {
  system: { type: "string", short: "s" },
  model: { type: "string", short: "m" },
  "max-tokens": { type: "string" },
  temperature: { type: "string" },
  n: { type: "string" },
  json: { type: "boolean" },
  stream: { type: "boolean" },
  "no-stream": { type: "boolean" },
  api: { type: "string" },
  "auto-routing": { type: "boolean" },
  "model-family": { type: "string" },
  tradition: { type: "string" },
  grounded: { type: "string" },
  template: { type: "string", short: "t" },
  save: { type: "string" },
  option: { type: "string", short: "o", multiple: true },
  attach: { type: "string", short: "a", multiple: true },
  continue: { type: "boolean", short: "c" },
  cid: { type: "string" },
  "no-log": { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: 'gloo chat "PROMPT" [options]   (or: … | gloo chat ["PROMPT"] [options])',
  description:
    "Sends one chat completion and prints the reply. Streams to a terminal by default. Piped input is\n" +
    "sent after the prompt, or as the prompt when there is none (`-` says so explicitly); inside a\n" +
    "`while read` loop, give gloo chat `< /dev/null` so it leaves the loop's input alone.\n" +
    "v1 (/ai/v1/chat/completions) unless --api v2 or a v2 routing flag is given. Each exchange is\n" +
    "logged (gloo logs); -c continues the latest conversation.",
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
    template: "Use a saved template: its system prompt and parameters (flags given win)",
    save: "Save the system prompt and parameters given as template NAME, and send nothing",
    option: "Any request parameter, value as JSON when it is JSON: -o top_p=0.9 -o 'stop=[\"END\"]'",
    attach: "Add a text file's content (with its name) to the prompt; repeatable",
    continue: "Continue the latest conversation (its history comes from the log)",
    cid: "Continue the conversation with this id (see gloo logs)",
    "no-log": "Do not record this exchange in the log",
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
    cid: "ID",
    template: "NAME",
    save: "NAME",
    option: "KEY=VALUE",
    attach: "FILE",
  },
  examples: [
    'gloo chat "Explain the seven seals in two concise sentences."',
    'gloo chat --system "Answer in French." --temperature 0 "Who wrote Romans?"',
    'git log -1 --format=%B | gloo chat "Summarise this commit message."',
    'gloo chat --api v2 --model-family anthropic --tradition catholic "What is grace?"',
    'gloo chat --grounded WorldEnglishBible "What does Yahweh require of you?"',
    'gloo chat -c "And in one word?"',
    'gloo chat --system "Answer in French." --temperature 0 --save french && gloo chat -t french "Hello"',
    'gloo chat -a notes.md -a todo.txt "What is left to do?"',
    'gloo chat -o top_p=0.5 -o \'stop=["."]\' "Name a fruit"',
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
    const templates = () => templateStoreFor(ctx.env);
    const template =
      args.values.template === undefined ? undefined : await templates().read(args.values.template);
    const given = template === undefined ? args.values : withTemplate(args.values, template);
    // -o options given now win over the template's.
    const extra = { ...template?.options, ...parseRequestOptions(args.values.option ?? []) };
    if (args.values.save !== undefined)
      return save(ctx, templates(), args.values.save, given, extra, args.positionals);
    const plan = await planChat(ctx, args.positionals, given, extra);
    const started = performance.now();
    const completion = await send(ctx, plan, args.values.json === true).catch(async (error: unknown) => {
      await recordExchange(ctx, plan.settings, plan.log, {
        ...plan.record,
        latencyMs: performance.now() - started,
        error,
      });
      throw error;
    });
    const latencyMs = performance.now() - started;
    await recordExchange(ctx, plan.settings, plan.log, {
      ...plan.record,
      ...outcomeOf(completion),
      latencyMs,
    });
    if (ctx.quiet !== true && completion.choices.some((choice) => choice.finish_reason === "length"))
      ctx.stderr.write(cutShortNotice(plan.request.body.max_tokens));
    if (given.verbose === true) {
      ctx.stderr.write(
        `request id: ${completion.requestId ?? "(none)"}, ${formatDuration(latencyMs)}, ${plan.request.api}${routingNote(plan.request, completion)}, conversation ${plan.record.cid}\n`,
      );
    }
    return 0;
  },
};

/** One chat completion to send: the request, how to print it, and where and as what it is logged. */
interface ChatPlan {
  settings: Credentials;
  request: ChatRequest;
  streaming: boolean;
  log: ExchangeLog | undefined;
  record: Pick<ExchangeRecord, "command" | "api" | "cid" | "body">;
}

// The prompt (argument, stdin, attachments), the settings (flags > environment > .env > config),
// the request with its -o parameters, and the history when continuing a logged conversation.
async function planChat(
  ctx: CommandContext,
  positionals: string[],
  values: Values,
  extra: Record<string, unknown>,
): Promise<ChatPlan> {
  const attachments = await readAttachments(ctx.cwd, values.attach ?? []);
  const prompt = await readPrompt(ctx, positionals, attachments);
  const settings = requireCredentials(readSettings(ctx.env, { base: values.base, model: values.model }));
  const configured = withConfigFlags(values, ctx.config ?? {}, settings.modelChosen);
  const request = buildChatRequest(withChosenModel(configured, settings), prompt, settings.model);
  Object.assign(request.body, extra);
  const log = openExchangeLog(ctx, settings, values["no-log"] === true);
  const previous = await exchangeToContinue(ctx, values);
  if (previous !== undefined) request.body.messages = continued(previous, request.body.messages ?? []);
  const cid = previous?.cid ?? newConversationId();
  return {
    settings,
    request,
    streaming: wantsStream(ctx, values, request.body.n ?? undefined),
    log,
    record: {
      command: "chat",
      api: request.api,
      cid,
      body: { ...request.body, messages: request.body.messages ?? [] },
    },
  };
}

async function send(
  ctx: CommandContext,
  plan: ChatPlan,
  json: boolean,
): Promise<WithRequestId<ChatCompletion>> {
  const { settings, request } = plan;
  const client = createClient(ctx, settings, { tokenCache: true });
  try {
    return await (plan.streaming
      ? streamReply(ctx, client, request)
      : wholeReply(ctx, client, request, json));
  } catch (error) {
    throw isUnknownModelError(error) ? await withModelSuggestions(ctx, settings, error) : error;
  }
}

// `--save NAME` (as llm's): keep the system prompt and parameters given, send nothing.
async function save(
  ctx: CommandContext,
  templates: TemplateStore,
  name: string,
  values: Values,
  options: Record<string, unknown>,
  positionals: string[],
): Promise<number> {
  if (positionals.length > 0)
    throw new UsageError(
      "--save stores a template and sends nothing: drop the prompt.",
      `Then: gloo chat -t ${name} "PROMPT"`,
    );
  const template = templateOf(values, options);
  if (Object.keys(template).length === 0)
    throw new UsageError("--save needs something to keep: --system, --model, --temperature, -o key=value, …");
  const path = await templates.write(name, template);
  ctx.stdout.write(`Saved template ${name} (${path}). Use it: gloo chat -t ${name} "PROMPT"\n`);
  return 0;
}

// Like simonw's `llm`: piped input is part of the message. With a prompt argument the piped text
// follows it (`cat notes.md | gloo chat "Summarise"`); without one it is the prompt. A terminal's
// stdin is never read: that would wait for typing the user did not mean to give.
async function readPrompt(
  ctx: CommandContext,
  positionals: string[],
  attachments: string[],
): Promise<string> {
  if (positionals.length > 1) {
    throw new UsageError(
      "give the prompt as one argument (quote it).",
      'Example: gloo chat "Explain the seven seals in two concise sentences."',
    );
  }
  const [given] = positionals;
  const piped = given === "-" || ctx.stdin.isTTY !== true ? (await readAll(ctx.stdin)).trim() : "";
  const argument = given === "-" ? "" : (given ?? "").trim();
  const prompt = [argument, piped, ...attachments].filter((part) => part !== "").join("\n\n");
  if (prompt === "") {
    throw new UsageError(
      given === "-" ? "stdin was empty: there is no prompt to send." : "no prompt given.",
      `Usage: ${spec.usage}`,
    );
  }
  return prompt;
}

// An unknown model id: the catalogue (no token needed) names the ids a typo away.
async function withModelSuggestions(
  ctx: CommandContext,
  settings: Settings,
  error: unknown,
): Promise<unknown> {
  const wanted = settings.model;
  const ids = await createAnonymousClient(ctx, settings)
    .models.list({ signal: ctx.signal })
    .then((list) => list.data.map((model) => model.id))
    .catch(() => []);
  const near = closest(wanted, ids);
  if (near.length === 0) return error;
  const described = describeError(error);
  return new FailureError(
    described.message,
    `Did you mean ${near.join(", ")}? ${described.hint ?? ""}`.trim(),
    described.requestId,
  );
}

// On v2 a model the user chose (GLOO_MODEL, say) routes to that model; only with none chosen, or
// with another routing flag given, does v2 fall back to auto-routing.
function withChosenModel(values: Values, settings: Settings): Values {
  const routed =
    values.model !== undefined || values["auto-routing"] === true || values["model-family"] !== undefined;
  return routed || !settings.modelChosen ? values : { ...values, model: settings.model };
}

function wantsStream(ctx: CommandContext, values: Values, n: number | undefined): boolean {
  if (values.stream === true && (n ?? 1) > 1)
    throw new UsageError(
      `--stream prints one reply as it arrives; --n ${n} asks for ${n}.`,
      "Drop --stream to print every choice once complete, or drop --n.",
    );
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
    ? client.v2.chat.completions.create(
        { ...request.body, stream: true, stream_options: { include_usage: true } },
        { signal },
      )
    : client.chat.completions.create(
        { ...request.body, stream: true, stream_options: { include_usage: true } },
        { signal },
      );
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
): Promise<WithRequestId<ChatCompletion>> {
  const stream = await awaitWithSpinner(ctx, client, "waiting for the first reply token…", () =>
    createStream(client, request, ctx.signal),
  );
  await writeStreamed(stream.textStream(), ctx.stdout);
  return stream.finalCompletion();
}

async function wholeReply(
  ctx: CommandContext,
  client: Gloo,
  request: ChatRequest,
  json: boolean,
): Promise<WithRequestId<ChatCompletion>> {
  const completion = await awaitWithSpinner(ctx, client, "waiting for the reply…", () =>
    createWhole(client, request, ctx.signal),
  );
  if (json) {
    ctx.stdout.write(`${JSON.stringify(completion, null, 2)}\n`);
    return completion;
  }
  const many = completion.choices.length > 1;
  for (const choice of completion.choices) {
    const text = choice.message.content ?? "";
    ctx.stdout.write(many ? `[${choice.index}] ${text}\n` : `${text}\n`);
  }
  return completion;
}

// On v2, say how the model was chosen: auto-routing and family routing pick one the user did not name.
function routingNote(request: ChatRequest, completion: ChatCompletion): string {
  if (request.api === "v1") return "";
  const body = request.body as { auto_routing?: boolean; model_family?: string };
  if (body.auto_routing === true) return `, auto-routed to ${completion.model}`;
  if (body.model_family !== undefined) return `, ${body.model_family} family routed to ${completion.model}`;
  return "";
}

// finish_reason "length": the reply stopped at the token limit, not where the model meant to.
function cutShortNotice(maxTokens: unknown): string {
  const limit = typeof maxTokens === "number" ? `--max-tokens ${maxTokens}` : "the model's token limit";
  return `(the reply was cut short at ${limit}; raise it for the rest)\n`;
}
