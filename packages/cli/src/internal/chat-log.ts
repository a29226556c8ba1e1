import type { ChatCompletion, ChatCompletionMessageParam, WithRequestId } from "@gloo-toolkit/sdk";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import type { Settings } from "./credentials.js";
import { describeError } from "./error-message.js";
import { type Exchange, ExchangeLog, newId } from "./exchange-log.js";
import { modelPrices } from "./model-prices.js";
import { userDirs } from "./user-dirs.js";

/** What a command knows about one exchange when it records it. */
export interface ExchangeRecord {
  command: Exchange["command"];
  api: Exchange["api"];
  cid: string;
  /** The request body as sent. */
  body: { messages: ChatCompletionMessageParam[] };
  reply?: string | undefined;
  model?: string | undefined;
  routed?: unknown;
  finishReason?: string | null | undefined;
  usage?: { prompt: number; completion: number } | undefined;
  requestId?: string | undefined;
  latencyMs: number;
  error?: unknown;
}

/** The log, unless `--no-log`, the config's `log false`, or no data directory turns it off. */
export function openExchangeLog(
  ctx: CommandContext,
  settings: Settings,
  noLog: boolean,
): ExchangeLog | undefined {
  const dir = userDirs(ctx.env).data;
  if (noLog || ctx.config?.log === false || dir === undefined) return undefined;
  const { clientId, clientSecret } = settings;
  return new ExchangeLog(
    dir,
    clientId === undefined || clientSecret === undefined ? undefined : { clientId, clientSecret },
  );
}

/**
 * The exchange `-c` (the latest conversation) or `--cid ID` continues; the API is stateless, so
 * the history comes from the log (read even under `--no-log`, which only stops this turn being
 * written). A `UsageError` when there is none, or no data directory to hold a log.
 */
export async function exchangeToContinue(
  ctx: CommandContext,
  flags: { continue?: boolean | undefined; cid?: string | undefined },
): Promise<Exchange | undefined> {
  if (flags.continue !== true && flags.cid === undefined) return undefined;
  const dir = userDirs(ctx.env).data;
  if (dir === undefined)
    throw new UsageError("there is no log to continue from: neither XDG_DATA_HOME nor HOME is set.");
  const found = await new ExchangeLog(dir).last(flags.cid);
  if (found !== undefined) return found;
  throw new UsageError(
    flags.cid === undefined
      ? "there is no earlier conversation to continue."
      : `no conversation ${flags.cid} in the log.`,
    "`gloo logs` lists the recorded exchanges and their conversation ids.",
  );
}

/** The messages of a logged conversation so far (system prompt excluded), its reply included. */
export function historyOf(exchange: Exchange): ChatCompletionMessageParam[] {
  const reply = exchange.reply === undefined ? [] : [{ role: "assistant" as const, content: exchange.reply }];
  return [...(exchange.messages as ChatCompletionMessageParam[]), ...reply];
}

/** A new conversation id. */
export const newConversationId = (): string => newId("c");

/** Appends the exchange to the log with a cost estimate; a log that cannot be written is a warning, not a failure. */
export async function recordExchange(
  ctx: CommandContext,
  settings: Settings,
  log: ExchangeLog | undefined,
  record: ExchangeRecord,
): Promise<void> {
  if (log === undefined) return;
  try {
    await log.append(await exchangeOf(ctx, settings, record));
  } catch (error) {
    ctx.stderr.write(`(not logged: ${(error as Error).message})\n`);
  }
}

const ROUTING_FIELDS = ["model", "model_family", "auto_routing", "tradition"];
const NOT_PARAMS = new Set([...ROUTING_FIELDS, "messages", "stream", "stream_options"]);

async function exchangeOf(
  ctx: CommandContext,
  settings: Settings,
  record: ExchangeRecord,
): Promise<Exchange> {
  const body = record.body as { messages: ChatCompletionMessageParam[] } & Record<string, unknown>;
  const system = body.messages.find((message) => message.role === "system");
  const usage = record.usage;
  const priced =
    record.model === undefined || usage === undefined
      ? undefined
      : (await modelPrices(ctx, settings))?.cost(record.model, {
          prompt_tokens: usage.prompt,
          completion_tokens: usage.completion,
        });
  const failure = record.error === undefined ? undefined : describeError(record.error);
  const status = (record.error as { status?: unknown } | undefined)?.status;
  return {
    v: 1,
    id: newId("x"),
    time: new Date().toISOString(),
    cid: record.cid,
    command: record.command,
    api: record.api,
    baseURL: settings.baseURL,
    routing: Object.fromEntries(ROUTING_FIELDS.filter((key) => key in body).map((key) => [key, body[key]])),
    model: record.model,
    routed: record.routed,
    system: typeof system?.content === "string" ? system.content : undefined,
    messages: body.messages.filter((message) => message.role !== "system"),
    params: Object.fromEntries(Object.entries(body).filter(([key]) => !NOT_PARAMS.has(key))),
    reply: record.reply,
    finishReason: record.finishReason,
    usage: record.usage,
    requestId: record.requestId ?? failure?.requestId,
    latencyMs: Math.round(record.latencyMs),
    // The SDK's exact total as a JSON number, so `jq` can add the log up.
    costUSD: priced === undefined || priced.cost === null ? undefined : Number(priced.cost.total),
    error:
      failure === undefined
        ? undefined
        : { message: failure.message, ...(typeof status === "number" ? { status } : {}) },
  };
}

/** The history so far, then this turn's messages; a system prompt given now replaces the conversation's. */
export function continued(
  previous: Exchange,
  messages: ChatCompletionMessageParam[],
): ChatCompletionMessageParam[] {
  const given = messages.filter((message) => message.role === "system");
  const system: ChatCompletionMessageParam[] =
    given.length > 0 || previous.system === undefined
      ? given
      : [{ role: "system", content: previous.system }];
  return [...system, ...historyOf(previous), ...messages.filter((message) => message.role !== "system")];
}

/** What a completion tells the log: the reply of choice 0, model, routing, usage, request id. */
export function outcomeOf(completion: WithRequestId<ChatCompletion>) {
  const first = completion.choices.find((choice) => choice.index === 0) ?? completion.choices[0];
  const usage = completion.usage ?? undefined;
  return {
    reply: first?.message.content ?? undefined,
    finishReason: first?.finish_reason,
    model: completion.model,
    routed: (completion as { routing?: unknown }).routing,
    usage:
      usage === undefined ? undefined : { prompt: usage.prompt_tokens, completion: usage.completion_tokens },
    requestId: completion.requestId,
  };
}
