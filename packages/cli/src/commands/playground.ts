import { spawn } from "node:child_process";
import { createPlayground, isLoopbackHost, type RunningServer } from "@gloo-toolkit/servers";
import type { Command, CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { type CommandSpec, helpText, parseCommandArgs } from "../internal/args.js";
import { connectionOptionHelp, connectionOptions, createClient } from "../internal/client.js";
import { credentialsOrEmulator, type EmbeddedEmulator } from "../internal/embedded-emulator.js";
import { listen, listenTarget, untilAborted } from "../internal/listen.js";

/** The playground's port when `--port` is not given (the proxy has 8787, the emulator 8788). */
const DEFAULT_PORT = 8789;

const options = {
  port: { type: "string" },
  host: { type: "string" },
  open: { type: "boolean" },
  ...connectionOptions,
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo playground [--port N] [--host H] [--open] [--base URL]",
  description: [
    "Serves a local page to try Gloo requests: chat (v1 or v2, routing, tradition, parameters), compare up",
    "to four panes side by side, inspect each exchange (request JSON, raw SSE frames, request id, cURL and",
    "TypeScript), and run the health checks. With GLOO_CLIENT_ID and GLOO_CLIENT_SECRET it talks to the",
    "platform, without them to an embedded emulator. Credentials and tokens stay in this process; the page",
    "only talks to its own origin, on this machine.",
  ].join("\n"),
  options,
  optionHelp: {
    port: `Port to listen on; 0 picks a free one (default: ${DEFAULT_PORT})`,
    host: "Loopback interface to bind (default: 127.0.0.1); the page is for this machine only",
    open: "Open the page in the default browser",
    ...connectionOptionHelp,
  },
  examples: [
    "gloo playground --open",
    "gloo playground --port 0",
    "ssh -L 8789:127.0.0.1:8789 devbox  # from afar",
  ],
};

/** `gloo playground`: the local page, until SIGINT/SIGTERM. */
export const command: Command = {
  help: () => helpText(spec),
  async run(ctx) {
    const args = parseCommandArgs(spec, ctx.argv);
    const target = listenTarget(args.values, "gloo playground", DEFAULT_PORT);
    const { host } = target;
    // The page spends the credentials for whoever reaches it, and it has no key to check.
    if (!isLoopbackHost(host)) {
      throw new UsageError(
        `refusing to listen on ${host}: anyone who can reach the playground could spend your Gloo credentials.`,
        `Keep the default --host 127.0.0.1; to use it from another machine, tunnel: ssh -L ${DEFAULT_PORT}:127.0.0.1:${target.port || DEFAULT_PORT} THIS_HOST`,
      );
    }
    const { credentials, emulator } = await credentialsOrEmulator(
      ctx,
      { base: args.values.base },
      "the playground",
    );
    try {
      const playground = createPlayground({
        gloo: createClient(ctx, credentials),
        upstream: emulator === undefined ? "platform" : "emulator",
        model: credentials.model,
      });
      const server = await listen(playground.fetch, target);
      ctx.stdout.write(banner(server, credentials.baseURL, emulator));
      if (args.values.open === true) openBrowser(ctx, server.url);
      await untilAborted(ctx.signal);
      await server.close();
    } finally {
      await emulator?.close();
    }
    return 0;
  },
};

// The first line is a contract (the README says so): scripts wait for it and read the URL from it.
function banner(server: RunningServer, base: string, emulator: EmbeddedEmulator | undefined): string {
  return [
    `Gloo playground on ${server.url}`,
    emulator === undefined
      ? `Talking to ${base} with your credentials (they and the tokens stay in this process).`
      : `Talking to an embedded emulator at ${base}: GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.`,
    "Stop with Ctrl+C.",
    "",
  ].join("\n");
}

// Best effort: a machine without a browser (a server, CI) still has the URL in the banner.
function openBrowser(ctx: CommandContext, url: string): void {
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", '""', url]
        : ["xdg-open", url];
  const warn = (reason: string) =>
    ctx.stderr.write(`warning: could not open a browser (${reason}); open ${url} yourself.\n`);
  try {
    const child = spawn(command ?? "xdg-open", args, { stdio: "ignore", detached: true, env: ctx.env });
    child.on("error", (error) => warn(error.message));
    child.unref();
  } catch (error) {
    warn((error as Error).message);
  }
}
