import { type FetchHandler, type RunningServer, serve } from "@gloo-toolkit/servers";
import { UsageError } from "../errors.js";
import { numberFlag } from "./args.js";

/** Where a server command binds, and whether the port was the command's default. */
export interface ListenTarget {
  port: number;
  host: string;
  /** The command's name, for the hint when its default port is taken (`gloo emulator`). */
  command: string;
  /** True when the port came from `--port`, false when it is the command's default. */
  portGiven: boolean;
}

/**
 * Serves `handler` on the target; a port in use or an unknown host is a `UsageError` (exit 2):
 * the setup is wrong and a flag fixes it. The command's process is the server's own, so `serve`
 * may install its faster global Request, Response and fetch (`overrideGlobalObjects`).
 */
export async function listen(handler: FetchHandler, target: ListenTarget): Promise<RunningServer> {
  const { port, host } = target;
  try {
    return await serve(handler, { port, host, overrideGlobalObjects: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") {
      throw new UsageError(
        `port ${port} on ${host} is already in use${target.portGiven ? "" : ` (${target.command}'s default)`}.`,
        `Pick another with --port N, or --port 0 for a free one${target.portGiven ? "" : `; or stop the other ${target.command}`}.`,
      );
    }
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new UsageError(
        `cannot listen on --host ${host}: no such local address.`,
        "Use an address of this machine, e.g. the default --host 127.0.0.1.",
      );
    }
    throw error;
  }
}

/**
 * Where a server command binds from its `--host` and `--port` flags: 127.0.0.1 and the command's
 * default port unless given; `--port 0` picks a free one.
 */
export function listenTarget(
  flags: { host?: string | undefined; port?: string | undefined },
  command: string,
  defaultPort: number,
): ListenTarget {
  return {
    host: flags.host ?? "127.0.0.1",
    port: numberFlag("port", flags.port, { integer: true, min: 0, max: 65535 }) ?? defaultPort,
    command,
    portGiven: flags.port !== undefined,
  };
}

/** Resolves once the command is interrupted (SIGINT/SIGTERM): a server command serves until then. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
