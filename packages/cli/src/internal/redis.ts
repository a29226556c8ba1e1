// Redis for the commands that share work or limits: `--queue redis://…` (or GLOO_QUEUE_URL) of
// `gloo batch` and `gloo worker`, `--redis` of `gloo proxy`. @gloo-toolkit/fleet is loaded only here,
// on demand, so commands that do not use Redis never load it.
import type { ConnectOptions, Redis } from "@gloo-toolkit/fleet";
import { UsageError } from "../errors.js";

/** The flag's value, else the variable's; a usage error naming both when neither is set. */
export function queueUrl(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const url = flag ?? env.GLOO_QUEUE_URL;
  if (url === undefined || url.trim() === "")
    throw new UsageError("no queue given.", "Pass --queue redis://HOST:PORT[/DB] or set GLOO_QUEUE_URL.");
  return url;
}

/** Connects to Redis and checks it; a bad URL, an unreachable server or an evicting policy is exit 2. */
export async function openRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const { connectRedis, FleetConfigError } = await import("@gloo-toolkit/fleet");
  try {
    return await connectRedis(url, options);
  } catch (error) {
    if (error instanceof FleetConfigError) throw new UsageError(error.message);
    throw error;
  }
}
