import { isPriced, type Model, ratesOf } from "@gloo-toolkit/sdk";
import type { Command } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { checkModelFamily, MODEL_FAMILIES } from "../internal/chat-request.js";
import { connectionOptionHelp, connectionOptions, createAnonymousClient } from "../internal/client.js";
import { readSettings } from "../internal/credentials.js";
import { formatDuration } from "../internal/output.js";
import { formatTable } from "../internal/table.js";

const options = {
  json: { type: "boolean" },
  family: { type: "string" },
  pricing: { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo models [--family NAME] [--pricing] [--json] [--base URL]",
  description: "Lists the platform's model catalogue (GET /platform/v2/models, no credentials needed).",
  options,
  optionHelp: {
    json: "Print the catalogue as JSON",
    family: `Only models of this family: ${MODEL_FAMILIES.join(", ")}`,
    pricing: "Show each model's input and output rate in USD per 1M tokens instead",
    ...connectionOptionHelp,
  },
  valueNames: { family: "NAME" },
  examples: [
    "gloo models",
    'gloo models --family "open source"',
    "gloo models --pricing",
    "gloo models --json | jq -r '.data[].id'",
  ],
};

const yesNo = (value: boolean | undefined) => (value === undefined ? "?" : value ? "yes" : "no");

/** The table's row for one model: id, family, context window, tools, reasoning. */
function modelRow(model: Model): string[] {
  return [
    model.id,
    model.family ?? "-",
    model.context_window === undefined ? "-" : model.context_window.toLocaleString("en-US"),
    yesNo(model.supports_tools),
    yesNo(model.supports_reasoning),
  ];
}

/** The `--pricing` row: id, family and the rates per 1M tokens (`-` where the catalogue has none). */
function pricingRow(model: Model): string[] {
  const rates = ratesOf(model);
  const priced = isPriced(rates);
  return [model.id, model.family ?? "-", priced ? rates.inputPer1M : "-", priced ? rates.outputPer1M : "-"];
}

/** `gloo models`: the catalogue as a table. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const given = args.values.family;
    const family = given === undefined ? undefined : checkModelFamily("--family", given).toLowerCase();
    const started = performance.now();
    const list = await createAnonymousClient(
      ctx,
      readSettings(ctx.env, { base: args.values.base }),
    ).models.list({ signal: ctx.signal });
    const models = list.data.filter(
      (model) => family === undefined || model.family?.toLowerCase() === family,
    );
    if (args.values.json === true) {
      ctx.stdout.write(`${JSON.stringify({ object: "list", data: models }, null, 2)}\n`);
    } else if (args.values.pricing === true) {
      const header = ["id", "family", "input $/1M", "output $/1M"];
      ctx.stdout.write(formatTable(header, models.map(pricingRow)));
      ctx.stdout.write(
        "Rates from the catalogue (GET /platform/v2/models); costs shown by gloo are estimates.\n",
      );
    } else {
      ctx.stdout.write(formatTable(["id", "family", "context", "tools", "reasoning"], models.map(modelRow)));
    }
    if (args.values.verbose === true) {
      ctx.stderr.write(
        `${models.length} models, request id ${list.requestId ?? "(none)"}, ${formatDuration(performance.now() - started)}\n`,
      );
    }
    return 0;
  },
};
