import { UsageError } from "../errors.js";
import { type Credentials, hasCredentials, requireCredentials, type Settings } from "./credentials.js";

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

/** Where a command's base URL came from, to name it in the message when credentials are missing. */
export interface TargetSource {
  /** The `--base` flag as given. */
  base: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** The config file's `base`, if it has one (main copies it into GLOO_BASE when nothing else set it). */
  configuredBase?: unknown;
  /** What runs on the emulator, for the hint: "the quickstart". */
  what: string;
}

/**
 * The platform with credentials, else an embedded emulator (its credentials filled in). A base URL
 * without credentials is a half-configured platform, not a wish for the emulator: a `UsageError`
 * naming where the base URL came from.
 */
export async function credentialsOrEmulator(
  settings: Settings,
  source: TargetSource,
): Promise<{ credentials: Credentials; emulator: EmbeddedEmulator | undefined }> {
  if (hasCredentials(settings)) return { credentials: settings, emulator: undefined };
  // One of the pair set is a half-configured platform too (a typo in the other name, say): the
  // embedded emulator would hide the mistake behind a passing run.
  if (settings.clientId !== undefined || settings.clientSecret !== undefined) requireCredentials(settings);
  const setBoth =
    "Set both credentials for that platform (a `gloo emulator` accepts emulator-client / emulator-secret)";
  const onEmulator = `to run ${source.what} on the embedded emulator`;
  switch (baseSource(source)) {
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
function baseSource(source: TargetSource): "--base" | "GLOO_BASE" | "config" | undefined {
  if ((source.base ?? "").trim() !== "") return "--base";
  const env = source.env.GLOO_BASE ?? "";
  if (env.trim() === "") return undefined;
  return source.configuredBase !== undefined && env === String(source.configuredBase)
    ? "config"
    : "GLOO_BASE";
}
