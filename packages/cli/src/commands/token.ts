import { type AccessToken, maskToken } from "@gloo-toolkit/sdk";
import type { Command, CommandContext } from "../context.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { readSettings, requireCredentials } from "../internal/credentials.js";
import { tokenScope } from "../internal/jwt-claims.js";
import { colorEnabled, createStyle, formatDuration, type Style, startSpinner } from "../internal/output.js";
import { TokenStore } from "../internal/token-store.js";
import { userDirs } from "../internal/user-dirs.js";

const options = {
  show: { type: "boolean" },
  json: { type: "boolean" },
  clear: { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo token [--show] [--json] [--clear] [--base URL]",
  description:
    "Acquires an OAuth2 access token (client_credentials, scope api/access) with GLOO_CLIENT_ID and\nGLOO_CLIENT_SECRET. The token is masked unless you ask for it with --show. Tokens are cached in\n$XDG_CACHE_HOME/gloo/tokens.json (mode 0600, no secret) and reused by gloo chat and gloo repl until\nthey near expiry; --clear deletes that cache.",
  options,
  optionHelp: {
    show: "Print the token itself (only the token, for piping)",
    json: "Print the token's metadata as JSON (the token itself only with --show)",
    clear: "Delete the token cache (the next command requests a new token)",
    ...connectionOptionHelp,
  },
  examples: [
    "gloo token",
    'TOKEN="$(gloo token --show)"',
    "gloo token --json | jq .expiresIn",
    "gloo token --clear",
  ],
};

/** `gloo token`: the quickstart's step 1, without cURL and jq. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    if (args.values.clear === true) return clear(ctx);
    const credentials = requireCredentials(readSettings(ctx.env, { base: args.values.base }));
    const started = performance.now();
    const spinner = startSpinner(ctx.stderr, ctx.env, "waiting for the OAuth token…");
    const token = await createClient(ctx, credentials, { tokenCache: true })
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

async function clear(ctx: CommandContext): Promise<number> {
  const cacheDir = userDirs(ctx.env).cache;
  if (cacheDir === undefined) {
    ctx.stdout.write("No token cache: neither XDG_CACHE_HOME nor HOME is set.\n");
    return 0;
  }
  const store = new TokenStore(cacheDir);
  const existed = await store.clear();
  ctx.stdout.write(existed ? `Token cache cleared (${store.path}).\n` : `No token cache at ${store.path}.\n`);
  return 0;
}

// The quickstart prints `${#TOKEN} chars`: by default the length, expiry and scope, never the token.
function render(token: AccessToken, json: boolean, show: boolean, style: Style): string {
  const shown = show ? token.accessToken : maskToken(token.accessToken);
  const expiresAt = new Date(token.expiresAt).toISOString();
  const scope = tokenScope(token);
  if (json) {
    const data = {
      tokenType: token.tokenType,
      expiresIn: Math.round(token.expiresIn),
      expiresAt,
      scope,
      length: token.accessToken.length,
      accessToken: shown,
    };
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  if (show) return `${token.accessToken}\n`;
  const facts = `${token.accessToken.length} chars, ${token.tokenType}, expires in ${Math.round(token.expiresIn)} s (${expiresAt})`;
  return `${style.green("Token acquired")}: ${facts}${scope === undefined ? "" : `, scope ${scope}`}\n${style.dim(shown)}\n`;
}
