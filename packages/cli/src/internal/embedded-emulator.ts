import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import {
  type Credentials,
  hasCredentials,
  readSettings,
  requireCredentials,
  type SettingsFlags,
} from "./credentials.js";

/** A platform emulator running in this process on a loopback port, for `gloo quickstart` and `gloo playground` without credentials. */
export interface EmbeddedEmulator {
  /** e.g. `http://127.0.0.1:43117` */
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator on 127.0.0.1, port 0 (a free one). It is served over real HTTP rather than an
 * in-process fetch so the quickstart exercises exactly the path it would take to the platform.
 */
export async function startEmbeddedEmulator(): Promise<EmbeddedEmulator> {
  // Loaded lazily: only the credential-less quickstart needs the servers package.
  const { createEmulator, serve } = await import("@gloo-toolkit/servers");
  const clientId = "emulator-client";
  const clientSecret = "emulator-secret";
  const emulator = createEmulator({ clientId, clientSecret });
  const server = await serve(emulator.fetch, { port: 0, host: "127.0.0.1" });
  return { url: server.url, clientId, clientSecret, close: () => server.close() };
}

/**
 * The command's settings (`flags` over the environment and config) with credentials, else an
 * embedded emulator (its credentials filled in). A base URL without credentials is a
 * half-configured platform, not a wish for the emulator: a `UsageError` naming where the base URL
 * came from. `what` names what runs on the emulator, for the hint: "the quickstart".
 */
export async function credentialsOrEmulator(
  ctx: CommandContext,
  flags: SettingsFlags,
  what: string,
): Promise<{ credentials: Credentials; emulator: EmbeddedEmulator | undefined }> {
  const settings = readSettings(ctx.env, flags);
  if (hasCredentials(settings)) return { credentials: settings, emulator: undefined };
  // One of the pair set is a half-configured platform too (a typo in the other name, say): the
  // embedded emulator would hide the mistake behind a passing run.
  if (settings.clientId !== undefined || settings.clientSecret !== undefined) requireCredentials(settings);
  const setBoth =
    "Set both credentials for that platform (a `gloo emulator` accepts emulator-client / emulator-secret)";
  const onEmulator = `to run ${what} on the embedded emulator`;
  switch (baseSource(ctx, flags.base)) {
    case "--base":
      throw new UsageError(
        `--base ${settings.baseURL} was given but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.`,
        `${setBoth}, or drop --base ${onEmulator}.`,
      );
    case "GLOO_BASE":
      throw new UsageError(
        `GLOO_BASE is set to ${settings.baseURL} but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not.`,
        `${setBoth}, or unset GLOO_BASE (in the environment or .env) ${onEmulator}.`,
      );
    case "config":
      throw new UsageError(
        `the config file sets base ${settings.baseURL} but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.`,
        `${setBoth}, or \`gloo config unset base\` ${onEmulator}.`,
      );
  }
  const emulator = await startEmbeddedEmulator();
  const { url: baseURL, clientId, clientSecret } = emulator;
  return { credentials: { ...settings, baseURL, clientId, clientSecret }, emulator };
}

/** Where a base URL the user chose came from (the flag wins, as in readSettings); undefined for the default. */
// Where the base URL came from; main copies the config file's `base` into GLOO_BASE when nothing
// else set it, so an equal GLOO_BASE is the config's.
function baseSource(
  ctx: CommandContext,
  flag: string | undefined,
): "--base" | "GLOO_BASE" | "config" | undefined {
  if ((flag ?? "").trim() !== "") return "--base";
  const env = ctx.env.GLOO_BASE ?? "";
  if (env.trim() === "") return undefined;
  const configured = ctx.config?.base;
  return configured !== undefined && env === String(configured) ? "config" : "GLOO_BASE";
}
