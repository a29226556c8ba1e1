import type { Gloo } from "@gloo-toolkit/sdk";
import type { Command, CommandContext, Output } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import {
  type Credentials,
  hasCredentials,
  readSettings,
  requireCredentials,
  type Settings,
} from "../internal/credentials.js";
import { type EmbeddedEmulator, startEmbeddedEmulator } from "../internal/embedded-emulator.js";
import { type CheckResult, formatCheckLine, runHealthChecks } from "../internal/health-checks.js";
import { invocation } from "../internal/invocation.js";
import { colorEnabled, createStyle, formatDuration, type Style, writeStreamed } from "../internal/output.js";

const options = {
  model: { type: "string", short: "m" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo quickstart [--model ID] [--base URL]",
  description:
    "The platform quickstart end to end: token, a completion, an SSE stream, then the health checks.\n" +
    "With GLOO_CLIENT_ID and GLOO_CLIENT_SECRET set it talks to the platform; without them it starts\nan embedded emulator on 127.0.0.1 and says so.",
  options,
  optionHelp: {
    model: "Model id (default: $GLOO_MODEL, else us.meta.llama3-3-70b-instruct-v1:0)",
    ...connectionOptionHelp,
  },
  valueNames: { model: "ID" },
  examples: [
    "npm start",
    "gloo quickstart",
    "GLOO_CLIENT_ID=… GLOO_CLIENT_SECRET=… gloo quickstart --model gloo-openai-gpt-5-mini",
  ],
};

// The quickstart's question (platform quickstart, step 2).
const QUICKSTART_PROMPT = "Explain the seven seals in two concise sentences.";

// The quickstart's step 2 body (its cURL sends these values); step 3 sends it again with `stream`.
function quickstartBody(model: string) {
  return {
    model,
    messages: [{ role: "user" as const, content: QUICKSTART_PROMPT }],
    max_tokens: 256,
    temperature: 0.7,
  };
}

/** `gloo quickstart`: what `npm start` runs. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    const settings = readSettings(ctx.env, { base: args.values.base, model: args.values.model });
    const source = baseSource(args.values.base, ctx.env, ctx.config?.base);
    const { credentials, emulator } = await chooseTarget(settings, source);
    try {
      ctx.stdout.write(banner(credentials, emulator, style));
      const client = createClient(ctx, credentials);
      return await steps(ctx, client, credentials.model, style);
    } finally {
      await emulator?.close();
    }
  },
};

/** Where a base URL the user chose came from (the flag wins, as in readSettings); undefined for the default. */
function baseSource(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  configured: unknown,
): BaseSource {
  if ((flag ?? "").trim() !== "") return "--base";
  if ((env.GLOO_BASE ?? "").trim() === "") return undefined;
  // main put the config file's base into GLOO_BASE when nothing else set it.
  return configured !== undefined && env.GLOO_BASE === String(configured) ? "config" : "GLOO_BASE";
}

type BaseSource = "--base" | "GLOO_BASE" | "config" | undefined;

// As the README says: the platform with credentials, else an embedded emulator. A base URL without
// credentials is a half-configured platform, not a wish for the emulator: say so, naming its source.
async function chooseTarget(
  settings: Settings,
  source: BaseSource,
): Promise<{ credentials: Credentials; emulator: EmbeddedEmulator | undefined }> {
  if (hasCredentials(settings)) return { credentials: settings, emulator: undefined };
  // One of the pair set is a half-configured platform too (a typo in the other name, say): the
  // embedded emulator would hide the mistake behind a passing run.
  if (settings.clientId !== undefined || settings.clientSecret !== undefined) requireCredentials(settings);
  const setBoth =
    "Set both credentials for that platform (a `gloo emulator` accepts emulator-client / emulator-secret)";
  if (source === "--base") {
    throw new UsageError(
      `--base ${settings.baseURL} was given but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.`,
      `${setBoth}, or drop --base to run the quickstart on the embedded emulator.`,
    );
  }
  if (source === "GLOO_BASE") {
    throw new UsageError(
      `GLOO_BASE is set to ${settings.baseURL} but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not.`,
      `${setBoth}, or unset GLOO_BASE (in the environment or .env) to run the quickstart on the embedded emulator.`,
    );
  }
  if (source === "config") {
    throw new UsageError(
      `the config file sets base ${settings.baseURL} but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.`,
      `${setBoth}, or \`gloo config unset base\` to run the quickstart on the embedded emulator.`,
    );
  }
  const emulator = await startEmbeddedEmulator();
  const { url: baseURL, clientId, clientSecret } = emulator;
  return { credentials: { ...settings, baseURL, clientId, clientSecret }, emulator };
}

function banner(credentials: Credentials, emulator: EmbeddedEmulator | undefined, style: Style): string {
  if (emulator === undefined)
    return `${style.bold("Gloo AI quickstart")} against ${credentials.baseURL}, model ${credentials.model}\n\n`;
  return [
    `${style.bold("Gloo AI quickstart")} against the ${style.yellow("embedded emulator")} at ${emulator.url}, model ${credentials.model}`,
    "  GLOO_CLIENT_ID and GLOO_CLIENT_SECRET are not set, so this run uses a local emulator started just",
    "  now (a stand-in for the platform with a deterministic model): these are not Gloo AI's answers.",
    "  To run it against the platform, set them (in the environment or in .env) and run it again:",
    "    export GLOO_CLIENT_ID=your-client-id GLOO_CLIENT_SECRET=your-client-secret && npm start",
    "",
    "",
  ].join("\n");
}

async function steps(ctx: CommandContext, client: Gloo, model: string, style: Style): Promise<number> {
  const out = ctx.stdout;
  heading(out, style, "1) OAuth2 token", "POST /oauth2/token (client_credentials, scope api/access)");
  const token = await client.auth.getToken({ signal: ctx.signal });
  // Like the quickstart's `echo "${#TOKEN} chars"`: the length and the expiry, never the token.
  out.write(`   Token acquired: ${token.accessToken.length} chars, expires in ${token.expiresIn} s\n\n`);

  heading(out, style, "2) Chat completion", "POST /ai/v1/chat/completions");
  out.write(`   ${style.dim(`> ${QUICKSTART_PROMPT}`)}\n`);
  const started = performance.now();
  const completion = await client.chat.completions.create(
    { ...quickstartBody(model), stream: false },
    { signal: ctx.signal },
  );
  out.write(`${indent(completion.choices[0]?.message.content ?? "")}\n`);
  const usage =
    completion.usage === undefined || completion.usage === null
      ? ""
      : `, ${completion.usage.prompt_tokens} prompt + ${completion.usage.completion_tokens} completion tokens`;
  out.write(
    `   ${style.dim(`(${completion.model}${usage}, ${formatDuration(performance.now() - started)}, request id ${completion.requestId ?? "none"})`)}\n\n`,
  );

  await streamStep(ctx, client, model, style);

  heading(out, style, "4) Health checks", "exact echo, determinism (n: 3), SSE");
  const results = await runHealthChecks(client, [model], {
    signal: ctx.signal,
    onResult: (result) => out.write(`   ${formatCheckLine(result, style)}\n`),
  });
  return finish(out, results, style);
}

// Step 3 streams the same question with `stream: true`, so the text visibly arrives piece by piece;
// the quickstart's own SSE body ("Reply with only: STREAM-OK") runs as the SSE health check.
async function streamStep(ctx: CommandContext, client: Gloo, model: string, style: Style): Promise<void> {
  const out = ctx.stdout;
  heading(out, style, "3) Chat completion (SSE)", "stream: true, printed as it arrives");
  const started = performance.now();
  const stream = await client.chat.completions.create(
    { ...quickstartBody(model), stream: true },
    { signal: ctx.signal },
  );
  let firstAt: number | undefined;
  const chunks = await writeStreamed(stream.textStream(), out, (delta) => {
    const indent = firstAt === undefined ? "   " : "";
    firstAt ??= performance.now() - started;
    return indent + delta.replace(/\n/g, "\n   ");
  });
  out.write(
    `   ${style.dim(`(${chunks} chunks, first after ${formatDuration(firstAt ?? 0)}, request id ${stream.requestId ?? "none"})`)}\n\n`,
  );
}

function heading(out: Output, style: Style, title: string, detail: string): void {
  out.write(`${style.bold(title)}  ${style.dim(detail)}\n`);
}

const indent = (text: string) => text.replace(/^/gm, "   ");

function finish(out: Output, results: CheckResult[], style: Style): number {
  const failed = results.filter((result) => !result.ok);
  out.write("\n");
  if (failed.length > 0) {
    out.write(
      `${style.red(`${failed.length} of ${results.length} health checks failed.`)} Run \`gloo doctor\` for a diagnosis.\n`,
    );
    return 1;
  }
  out.write(`${style.green("Quickstart complete")}: all ${results.length} health checks passed.\n`);
  const gloo = invocation();
  out.write(
    `Next: ${gloo} chat "Who wrote Romans?" · ${gloo} repl · ${gloo} health --all-models · ${gloo} doctor · ${gloo} --help\n`,
  );
  return 0;
}
