import type { Command } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, numberFlag, parseCommandArgs } from "../internal/args.js";
import { type Exchange, ExchangeLog } from "../internal/exchange-log.js";
import { colorEnabled, createStyle, formatDuration, type Style } from "../internal/output.js";
import { userDirs } from "../internal/user-dirs.js";

const options = {
  count: { type: "string", short: "n" },
  search: { type: "string", short: "s" },
  model: { type: "string", short: "m" },
  since: { type: "string" },
  cid: { type: "string" },
  json: { type: "boolean" },
  path: { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo logs [-n N] [--search TEXT] [--model ID] [--since 2h|2026-11-30] [--cid ID] [--json] [--path]",
  description:
    "The exchanges gloo chat and gloo repl recorded (request, reply or error, model and routing, usage,\n" +
    "request id, latency, estimated cost), newest last. Stored in $XDG_DATA_HOME/gloo/log.jsonl (default\n" +
    "~/.local/share/gloo/), one JSON object per line, never a secret or a token. Turn it off with --no-log\n" +
    "on a command or `gloo config set log false`.",
  options,
  optionHelp: {
    count: "How many exchanges (the latest; default 10, 0 for all)",
    search: "Only exchanges whose prompt (this turn's), system prompt or reply contains TEXT (any case)",
    model: "Only exchanges with this model (asked for or answering)",
    since: "Only exchanges since a time: 30m, 2h, 7d, or an ISO date",
    cid: "Only this conversation",
    json: "Print the exchanges as JSON Lines, as stored",
    path: "Print the log file's path",
    verbose: "Show whole prompts and replies",
  },
  valueNames: { count: "N", search: "TEXT", model: "ID", since: "WHEN", cid: "ID" },
  examples: [
    "gloo logs",
    'gloo logs --search "seven seals" -n 3',
    "gloo logs --since 1d --model gloo-openai-gpt-5-mini",
    "gloo logs --json -n 0 | jq -s 'map(.costUSD // 0) | add'",
  ],
};

/** `gloo logs`: what was asked and answered, from the local log. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const { values } = parseCommandArgs(spec, ctx.argv);
    const dir = userDirs(ctx.env).data;
    if (dir === undefined) throw new UsageError("there is no log: neither XDG_DATA_HOME nor HOME is set.");
    const log = new ExchangeLog(dir);
    if (values.path === true) {
      ctx.stdout.write(`${log.path}\n`);
      return 0;
    }
    const count = numberFlag("count", values.count, { integer: true, min: 0 }) ?? 10;
    const keep = filter(values);
    const found: Exchange[] = [];
    for await (const exchange of log.read()) {
      if (!keep(exchange)) continue;
      found.push(exchange);
      if (count > 0 && found.length > count) found.shift();
    }
    if (values.json === true) {
      for (const exchange of found) ctx.stdout.write(`${JSON.stringify(exchange)}\n`);
      return 0;
    }
    if (found.length === 0 && ctx.quiet !== true)
      ctx.stderr.write(`No exchanges${keep === all ? "" : " match"} in ${log.path}.\n`);
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    for (const exchange of found) ctx.stdout.write(render(exchange, style, values.verbose === true));
    return 0;
  },
};

const all = () => true;

function filter(values: {
  search?: string;
  model?: string;
  since?: string;
  cid?: string;
}): (e: Exchange) => boolean {
  const search = values.search?.toLowerCase();
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const { model, cid } = values;
  if (search === undefined && since === undefined && model === undefined && cid === undefined) return all;
  return (exchange) =>
    (cid === undefined || exchange.cid === cid) &&
    (model === undefined || exchange.model === model || exchange.routing.model === model) &&
    (since === undefined || Date.parse(exchange.time) >= since) &&
    (search === undefined || textOf(exchange).toLowerCase().includes(search));
}

// This exchange's own turn: a continued conversation resends the earlier turns, which must not
// make every later exchange match what was said at the start.
function textOf(exchange: Exchange): string {
  const last = exchange.messages.at(-1)?.content;
  return [exchange.system ?? "", typeof last === "string" ? last : "", exchange.reply ?? ""].join("\n");
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `2h`, `7d`, `1w` ago, or an ISO date/time, as epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)\s*([mhdw])$/.exec(text.trim());
  if (relative !== null) return now - Number(relative[1]) * (UNITS[relative[2] ?? "h"] ?? 0);
  const date = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(date)) return date;
  throw new UsageError(`--since must be a duration (30m, 2h, 7d, 1w) or an ISO date; got "${text}".`);
}

function render(exchange: Exchange, style: Style, whole: boolean): string {
  const last = exchange.messages.at(-1);
  const prompt = typeof last?.content === "string" ? last.content : "(non-text content)";
  const clip = (text: string) => (whole ? text : oneLine(text, 100));
  const facts = [
    exchange.time.replace("T", " ").slice(0, 19),
    exchange.cid,
    exchange.model ?? String(Object.values(exchange.routing)[0] ?? exchange.api),
    formatDuration(exchange.latencyMs),
    exchange.usage === undefined ? undefined : `${exchange.usage.prompt}+${exchange.usage.completion} tokens`,
    exchange.costUSD === undefined ? undefined : `~$${exchange.costUSD.toFixed(6)}`,
    exchange.requestId === undefined ? undefined : `request ${exchange.requestId}`,
  ].filter((fact) => fact !== undefined);
  const answer =
    exchange.error === undefined
      ? `  ${style.green("<")} ${clip(exchange.reply ?? "")}`
      : `  ${style.red("!")} ${clip(exchange.error.message)}`;
  return `${style.dim(facts.join("  "))}\n  ${style.cyan(">")} ${clip(prompt)}\n${answer}\n`;
}

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}
