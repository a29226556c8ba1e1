import { DEFAULT_BASE_URL, V1_DEFAULT_MODEL } from "@gloo-toolkit/sdk";
import { UsageError } from "../errors.js";

/** Where the CLI talks to and as whom, resolved from flags, the environment and `.env`. */
export interface Settings {
  baseURL: string;
  model: string;
  /** Whether the model was chosen (`--model`, `GLOO_MODEL`, the config file) or is the built-in default. */
  modelChosen: boolean;
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** Settings with both credentials present. */
export interface Credentials extends Settings {
  clientId: string;
  clientSecret: string;
}

/** Flags that override the environment. */
export interface SettingsFlags {
  base?: string | undefined;
  model?: string | undefined;
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value.trim();

/**
 * Reads the environment variables the README lists; `GLOO_AI_CLIENT_ID` / `GLOO_AI_CLIENT_SECRET` (the platform's own
 * example repositories use them) stand in when the `GLOO_` names are unset.
 */
export function readSettings(
  env: Readonly<Record<string, string | undefined>>,
  flags: SettingsFlags = {},
): Settings {
  const baseURL = nonEmpty(flags.base) ?? nonEmpty(env.GLOO_BASE) ?? DEFAULT_BASE_URL;
  const model = nonEmpty(flags.model) ?? nonEmpty(env.GLOO_MODEL);
  return {
    baseURL: checkBaseURL(baseURL, nonEmpty(flags.base) === undefined ? "GLOO_BASE" : "--base"),
    // The quickstart's model, which is also the v1 endpoint's default.
    model: model ?? V1_DEFAULT_MODEL,
    modelChosen: model !== undefined,
    clientId: nonEmpty(env.GLOO_CLIENT_ID) ?? nonEmpty(env.GLOO_AI_CLIENT_ID),
    clientSecret: nonEmpty(env.GLOO_CLIENT_SECRET) ?? nonEmpty(env.GLOO_AI_CLIENT_SECRET),
  };
}

/** True when both the client id and secret are set. */
export function hasCredentials(settings: Settings): settings is Credentials {
  return settings.clientId !== undefined && settings.clientSecret !== undefined;
}

/** Returns the settings when both credentials are set; otherwise a `UsageError` naming what is missing. */
export function requireCredentials(settings: Settings): Credentials {
  if (hasCredentials(settings)) return settings;
  const missing = [
    settings.clientId === undefined ? "GLOO_CLIENT_ID" : undefined,
    settings.clientSecret === undefined ? "GLOO_CLIENT_SECRET" : undefined,
  ].filter((name) => name !== undefined);
  throw new UsageError(
    `missing credentials: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set.`,
    missingHint,
  );
}

const missingHint = [
  "Set them in the environment or in a .env file in this directory, for example:",
  "  export GLOO_CLIENT_ID=your-client-id",
  "  export GLOO_CLIENT_SECRET=your-client-secret",
  "(GLOO_AI_CLIENT_ID / GLOO_AI_CLIENT_SECRET are accepted too; create credentials in Gloo AI Studio.)",
  "To try gloo offline: `gloo quickstart` starts an embedded emulator, or run `gloo emulator` and",
  "point GLOO_BASE at it with the credentials it prints.",
].join("\n");

/** Checks a base URL (`source` names where it came from in the message) and drops trailing slashes. */
export function checkBaseURL(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `${source} is not a URL: "${value}".`,
      `Example: ${source === "--base" ? "--base " : "export GLOO_BASE="}${DEFAULT_BASE_URL}`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} must be an http(s) URL, got "${value}".`, `Example: ${DEFAULT_BASE_URL}`);
  }
  return value.replace(/\/+$/, "");
}
