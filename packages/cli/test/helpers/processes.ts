// The built `gloo` (bin.js → dist) as separate processes, for the scale-out tests: emulators,
// proxies and workers that are really different processes, killed and restarted like on hosts.
// `npm test` builds first; run `npx tsc -b` before running such a file alone.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { reap } from "../../../../test/helpers/reaper.js";

export const BIN = fileURLToPath(new URL("../../bin.js", import.meta.url));

/** A spawned `gloo` process and everything it printed so far. */
export interface GlooProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number) once the process ended. */
  readonly exited: Promise<number>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number>;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Spawns `gloo ARGV…` with only PATH and `env` in its environment. */
export function spawnGloo(argv: string[], env: Record<string, string>, cwd?: string): GlooProcess {
  const child = reap(
    spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      ...(cwd === undefined ? {} : { cwd }),
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code, signal]) =>
    typeof code === "number" ? code : 128 + (SIGNALS[String(signal)] ?? 0),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal = "SIGTERM", graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Spawns a `gloo` server command and resolves with its URL once its banner's first line names it. */
export async function spawnGlooServer(
  argv: string[],
  env: Record<string, string>,
): Promise<GlooProcess & { url: string }> {
  const process_ = spawnGloo(argv, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gloo ${argv[0]} printed no URL in 15 s: ${process_.stderr()}`)),
      15_000,
    );
    const look = () => {
      const match = /listening on (http:\/\/\S+)/.exec(process_.stdout());
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    };
    process_.child.stdout?.on("data", look);
    process_.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gloo ${argv[0]} exited (${code}) before listening: ${process_.stderr()}`));
    });
  });
  return Object.assign(process_, { url });
}
