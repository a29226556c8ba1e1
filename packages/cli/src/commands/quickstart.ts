import type { Gloo } from "@gloo-toolkit/sdk";
import type { Command, CommandContext, Output } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import type { Credentials } from "../internal/credentials.js";
import { credentialsOrEmulator, type EmbeddedEmulator } from "../internal/embedded-emulator.js";
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
    const { credentials, emulator } = await credentialsOrEmulator(
      ctx,
      { base: args.values.base, model: args.values.model },
      "the quickstart",
    );
    try {
      ctx.stdout.write(banner(credentials, emulator, style));
      const client = createClient(ctx, credentials);
      return await steps(ctx, client, credentials.model, style);
    } finally {
      await emulator?.close();
    }
  },
};

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
