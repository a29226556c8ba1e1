import type { ChatCompletionMessageParam } from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { ExitCode, UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import {
  type ExchangeRecord,
  exchangeToContinue,
  historyOf,
  newConversationId,
  openExchangeLog,
  recordExchange,
} from "../internal/chat-log.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { type LineReader, pipedLineReader, terminalLineReader } from "../internal/line-reader.js";
import { colorEnabled, createStyle } from "../internal/output.js";
import { conversationFactory } from "../internal/repl-conversation.js";
import { openReplHistory } from "../internal/repl-history.js";
import { createReplSession, type ReplSession, type ReplTurn } from "../internal/repl-session.js";
import { userDirs } from "../internal/user-dirs.js";

const options = {
  system: { type: "string", short: "s" },
  model: { type: "string", short: "m" },
  api: { type: "string" },
  "warn-tokens": { type: "string" },
  continue: { type: "boolean", short: "c" },
  cid: { type: "string" },
  "no-log": { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo repl [-c | --cid ID] [--system TEXT] [--model ID] [--api v1|v2] [--no-log] [--base URL]",
  description:
    "Multi-turn chat. The API is stateless, so the history is kept here and sent whole each turn.\n" +
    "Replies stream; Ctrl-C stops a reply and keeps the session; Ctrl-C at an empty prompt, Ctrl-D or\n" +
    "/exit leaves. A paste is one message; end a line with \\ to continue the message on the next. The\n" +
    "up arrow recalls earlier lines, also from past sessions ($XDG_DATA_HOME/gloo/repl-history.json).\n" +
    "Type /help for /system, /model, /retry, /copy, /reset, /trim, /save, /load, /usage. Reads piped stdin too.\n" +
    "Exit status: 0 at a terminal, where you see each error and carry on. With stdin piped or redirected,\n" +
    "errors do not stop the input, but the status reports them: 2 if a line was a mistake (unknown\n" +
    "/command, bad argument, failed /save or /load), else 1 if a turn failed, else 0; 130 if interrupted.",
  options,
  optionHelp: {
    system: "System prompt",
    model: "Model id (default: $GLOO_MODEL; on v2 without it, auto-routing)",
    api: "v1 or v2 (default v1)",
    "warn-tokens": "Warn when usage.prompt_tokens exceeds this (default 8000)",
    continue: "Continue the latest conversation (its history comes from the log)",
    cid: "Continue the conversation with this id (see gloo logs)",
    "no-log": "Do not record the turns in the log",
    ...connectionOptionHelp,
  },
  valueNames: { system: "TEXT", model: "ID", api: "v1|v2", "warn-tokens": "N", cid: "ID" },
  examples: [
    "gloo repl",
    'gloo repl --system "Answer in one sentence."',
    "printf 'Who wrote Romans?\\nWhen?\\n/usage\\n' | gloo repl",
    "gloo repl --api v2 --model gloo-anthropic-claude-haiku-4.5",
    "gloo repl -c",
  ],
};

/** `gloo repl`: multi-turn chat with client-side history. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const config = ctx.config ?? {};
    const values = { ...args.values, system: args.values.system ?? config.system?.toString() };
    const api = values.api ?? config.api?.toString() ?? "v1";
    if (api !== "v1" && api !== "v2") throw new UsageError(`--api must be v1 or v2, got "${api}".`);
    const settings = requireCredentials(readSettings(ctx.env, { base: values.base, model: values.model }));
    const interactive = ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    // On v2 the documented default is auto-routing; a chosen model (--model, GLOO_MODEL) selects that model instead.
    const model = api === "v2" && !settings.modelChosen ? undefined : settings.model;
    const log = openExchangeLog(ctx, settings, values["no-log"] === true);
    const previous = await exchangeToContinue(ctx, values);
    const cid = previous?.cid ?? newConversationId();
    const session = createReplSession({
      initial:
        previous === undefined
          ? undefined
          : { version: 1, system: values.system ?? previous.system, messages: historyOf(previous) },
      onTurn: (turn) => recordExchange(ctx, settings, log, turnRecord(api, cid, turn)),
      create: conversationFactory(createClient(ctx, settings, { tokenCache: true }), api),
      model,
      system: values.system,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      style,
      cwd: ctx.cwd,
      home: ctx.env.HOME,
      signal: ctx.signal,
      warnTokens: numberFlag("warn-tokens", values["warn-tokens"], { integer: true, min: 1 }) ?? 8000,
      verbose: values.verbose,
      quiet: ctx.quiet,
    });
    if (interactive && ctx.quiet !== true)
      ctx.stdout.write(
        `${style.bold("gloo repl")} — ${model ?? "auto-routing"} at ${settings.baseURL}. /help lists commands; Ctrl-D leaves.\n`,
      );
    const history = interactive
      ? await openReplHistory(userDirs(ctx.env).data, (text) => ctx.stderr.write(`${text}\n`))
      : undefined;
    const reader =
      history !== undefined
        ? terminalLineReader(ctx.stdin, ctx.stdout, {
            prompt: style.cyan("you› "),
            continuationPrompt: style.cyan("  … "),
            onInterrupt: () => session.interrupt(),
            history: history.entries,
            onHistory: (entries) => history.save(entries),
          })
        : pipedLineReader(ctx.stdin);
    await loop(ctx, session, reader);
    await history?.flush();
    if (ctx.signal.aborted) return ExitCode.interrupted;
    // A person at a terminal saw each error and could recover; a script has only the exit status.
    return ctx.stdin.isTTY === true ? ExitCode.ok : session.exitCode();
  },
};

function turnRecord(api: "v1" | "v2", cid: string, turn: ReplTurn): ExchangeRecord {
  const system = turn.system === undefined ? [] : [{ role: "system", content: turn.system }];
  const routing = turn.asked === undefined ? { auto_routing: true } : { model: turn.asked };
  return {
    command: "repl",
    api,
    cid,
    body: { ...routing, messages: [...system, ...turn.messages] as ChatCompletionMessageParam[] },
    reply: turn.reply,
    model: turn.model,
    usage:
      turn.usage === undefined
        ? undefined
        : { prompt: turn.usage.promptTokens, completion: turn.usage.completionTokens },
    requestId: turn.requestId,
    latencyMs: turn.latencyMs,
    error: turn.error,
  };
}

async function loop(ctx: CommandContext, session: ReplSession, reader: LineReader): Promise<void> {
  const stop = () => reader.close();
  ctx.signal.addEventListener("abort", stop, { once: true });
  try {
    reader.prompt();
    for await (const line of reader) {
      if ((await session.handle(line)) === "exit") break;
      reader.prompt();
    }
  } finally {
    ctx.signal.removeEventListener("abort", stop);
    reader.close();
  }
}
