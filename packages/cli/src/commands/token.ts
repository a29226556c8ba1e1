import { type AccessToken, maskToken } from "@gloo-toolkit/sdk";
import type { Command } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { tokenScope } from "../internal/jwt-claims.js";
import { colorEnabled, createStyle, formatDuration, type Style, startSpinner } from "../internal/output.js";

const options = {
  show: { type: "boolean" },
  json: { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo token [--show] [--json] [--base URL]",
  description:
    "Acquires an OAuth2 access token (client_credentials, scope api/access) with GLOO_CLIENT_ID and\nGLOO_CLIENT_SECRET. The token is masked unless you ask for it with --show.",
  options,
  optionHelp: {
    show: "Print the token itself (only the token, for piping)",
    json: "Print the token's metadata as JSON (the token itself only with --show)",
    ...connectionOptionHelp,
  },
  examples: ["gloo token", 'TOKEN="$(gloo token --show)"', "gloo token --json | jq .expiresIn"],
};

/** `gloo token`: the quickstart's step 1, without cURL and jq. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const credentials = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    const started = performance.now();
    const spinner = startSpinner(ctx.stderr, ctx.env, "waiting for the OAuth token…");
    const token = await createClient(ctx, credentials)
      .auth.getToken({ signal: ctx.signal })
      .finally(() => spinner.stop());
    const elapsed = performance.now() - started;
    const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
    ctx.stdout.write(render(token, args.values.json === true, args.values.show === true, style));
    if (args.values.verbose === true)
      ctx.stderr.write(`token endpoint: ${credentials.baseURL}/oauth2/token, ${formatDuration(elapsed)}\n`);
    return 0;
  },
};

// The quickstart prints `${#TOKEN} chars`: by default the length, expiry and scope, never the token.
function render(token: AccessToken, json: boolean, show: boolean, style: Style): string {
  const shown = show ? token.accessToken : maskToken(token.accessToken);
  const expiresAt = new Date(token.expiresAt).toISOString();
  const scope = tokenScope(token);
  if (json) {
    const data = {
      tokenType: token.tokenType,
      expiresIn: token.expiresIn,
      expiresAt,
      scope,
      length: token.accessToken.length,
      accessToken: shown,
    };
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  if (show) return `${token.accessToken}\n`;
  const facts = `${token.accessToken.length} chars, ${token.tokenType}, expires in ${token.expiresIn} s (${expiresAt})`;
  return `${style.green("Token acquired")}: ${facts}${scope === undefined ? "" : `, scope ${scope}`}\n${style.dim(shown)}\n`;
}
