// A real redis-server (Debian's, /usr/bin/redis-server; `.ci/run` installs it) on a free loopback
// port in a temporary directory, stopped after. No persistence unless asked: each run starts empty.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reap } from "../../../../test/helpers/reaper.js";

export const REDIS_SERVER = process.env.REDIS_SERVER ?? "/usr/bin/redis-server";

/** A running redis-server. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL) and starts it again on the same port: empty unless `persistent`. */
  restart(): Promise<void>;
  /** Kills the server (SIGKILL) and leaves it down until {@link RedisServer.up}. */
  down(): Promise<void>;
  /** Starts a server that is down again, on the same port. */
  up(): Promise<void>;
}

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts redis-server; `policy` sets `maxmemory-policy` (the fleet refuses anything but noeviction).
 * `persistent` turns on the append-only file, synced on every write, so a restart keeps everything.
 */
export async function startRedis(policy = "noeviction", persistent = false): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), "gloo-redis-"));
  const port = await freePort();
  const launchIt = () => launch(port, dir, policy, persistent);
  let child = await launchIt();
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await kill("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
    async restart() {
      await kill("SIGKILL");
      child = await launchIt();
    },
    async down() {
      await kill("SIGKILL");
    },
    async up() {
      child = await launchIt();
    },
  };
}

async function launch(port: number, dir: string, policy: string, persistent: boolean): Promise<ChildProcess> {
  const aof = persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", ...aof];
  args.push("--maxmemory-policy", policy, "--daemonize", "no", "--loglevel", "warning");
  const child = reap(spawn(REDIS_SERVER, args, { stdio: ["ignore", "pipe", "pipe"] }));
  let output = "";
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  // Ready once the port accepts a PING; give up after 10 s with what the server printed.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}
