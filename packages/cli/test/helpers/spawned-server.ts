// A long-running `gloo` command (emulator, proxy, playground) spawned from the build, as a user
// runs it: resolves once the banner's first line names the URL; output is kept as it arrives.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { reap } from "../../../../test/helpers/reaper.js";

const BIN = fileURLToPath(new URL("../../bin.js", import.meta.url));

/** A spawned server command. */
export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `gloo ARGV…` with only PATH and `env` set; `banner` must match the first stdout line and
 * capture the URL. Rejects with the output if the command exits first.
 */
export async function spawnServer(
  argv: string[],
  env: Record<string, string>,
  banner: RegExp,
): Promise<SpawnedServer> {
  const child = reap(
    spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const first = stdout.split("\n", 2);
      if (first.length < 2) return;
      const match = banner.exec(first[0] ?? "");
      if (match?.[1] !== undefined) resolve(match[1]);
      else reject(new Error(`unexpected first line: ${first[0]}`));
    });
    child.on("exit", (code) => reject(new Error(`gloo ${argv[0]} exited ${code}: ${stderr}`)));
  });
  return {
    url,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Polls `condition` every 10 ms until it holds or `ms` pass; returns whether it held. */
export async function until(condition: () => boolean, ms = 10_000): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
