import { maskToken } from "@gloo-toolkit/sdk";
import type { Command } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { tokenScope } from "../internal/jwt-claims.js";
import { colorEnabled, createStyle, formatDuration } from "../internal/output.js";

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
  summary: "Acquire an access token (masked unless --show)",
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    if (args.help) {
      ctx.stdout.write(helpText(spec));
      return 0;
    }
    const credentials = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    const started = performance.now();
    const token = await createClient(ctx, credentials).auth.getToken({ signal: ctx.signal });
    const elapsed = performance.now() - started;
    const shown = args.values.show === true ? token.accessToken : maskToken(token.accessToken);
    if (args.values.json === true) {
      const data = {
        tokenType: token.tokenType,
        expiresIn: token.expiresIn,
        expiresAt: new Date(token.expiresAt).toISOString(),
        scope: tokenScope(token),
        length: token.accessToken.length,
        accessToken: shown,
      };
      ctx.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    } else if (args.values.show === true) {
      ctx.stdout.write(`${token.accessToken}\n`);
    } else {
      const style = createStyle(colorEnabled(ctx.stdout, ctx.env));
      ctx.stdout.write(
        `${style.green("Token acquired")}: ${token.accessToken.length} chars, ${token.tokenType}, expires in ${token.expiresIn} s` +
          ` (${new Date(token.expiresAt).toISOString()})${scopeText(tokenScope(token))}\n${style.dim(shown)}\n`,
      );
    }
    if (args.values.verbose === true)
      ctx.stderr.write(`token endpoint: ${credentials.baseURL}/oauth2/token, ${formatDuration(elapsed)}\n`);
    return 0;
  },
};

const scopeText = (scope: string | undefined) => (scope === undefined ? "" : `, scope ${scope}`);
