// Spawned programs for the root tests: run one to its end, or start a server and read its URL
// from the first line (`Gloo emulator listening on …`), then stop it with its whole process group.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { reap } from "./reaper.js";

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
}

/** Runs `command args…` to its end and collects its output. */
export function runProcess(command: string, args: string[], options: SpawnOptions): Promise<Finished> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: "pipe" });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export interface Started {
  url: string;
  child: ChildProcess;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM to the process group (npx runs the command in a child of its own), then waits for the exit. */
  stop(): Promise<void>;
}

/** Starts a server that announces `… listening on URL` as its first line; rejects if it exits first. */
export async function startServer(command: string, args: string[], options: SpawnOptions): Promise<Started> {
  const child = reap(
    spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    }),
    true,
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit");
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-(child.pid as number), "SIGTERM");
    await exited;
  };
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line as string),
    exited.then(() => {
      throw new Error(`${command} ${args.join(" ")} exited before announcing its URL: ${stderr}`);
    }),
  ]);
  const url = /listening on (http:\/\/\S+)$/.exec(first)?.[1];
  if (url === undefined) {
    await stop();
    throw new Error(`unexpected first line from ${command} ${args.join(" ")}: ${first}`);
  }
  return { url, child, stderr: () => stderr, stop };
}
