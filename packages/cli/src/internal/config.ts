import { rm } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { type NumberFlagRule, numberFlag } from "./args.js";
import { type ChatFlags, checkModelFamily, TRADITIONS } from "./chat-request.js";
import { checkBaseURL } from "./credentials.js";
import { readIfExists, writePrivateFile } from "./private-file.js";
import { userDirs } from "./user-dirs.js";

/** A value in the config file. */
export type ConfigValue = string | number | boolean;

/** The config file's settings: defaults below flags, the environment and `.env`. */
export type GlooConfig = Partial<Record<ConfigKey, ConfigValue>>;

interface KeySpec {
  help: string;
  /** Checks and converts what `gloo config set` was given; throws a `UsageError` saying what fits. */
  parse(text: string): ConfigValue;
}

const oneOf =
  (key: string, values: readonly string[]) =>
  (text: string): string => {
    if (values.includes(text)) return text;
    throw new UsageError(`${key} must be one of ${values.join(", ")}; got "${text}".`);
  };

const flag =
  (key: string) =>
  (text: string): boolean => {
    if (text === "true" || text === "on") return true;
    if (text === "false" || text === "off") return false;
    throw new UsageError(`${key} must be true or false; got "${text}".`);
  };

const nonEmpty =
  (key: string) =>
  (text: string): string => {
    if (text.trim() !== "") return text;
    throw new UsageError(`${key} cannot be empty; \`gloo config unset ${key}\` removes it.`);
  };

// numberFlag's checks, naming the key rather than a flag.
const number =
  (key: string, rule: NumberFlagRule) =>
  (text: string): number => {
    try {
      return numberFlag(key, text, rule) ?? Number.NaN;
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/^--/, ""));
    }
  };

/** The keys the config file may hold, what each means and how its value is checked. */
export const CONFIG_KEYS = {
  base: {
    help: "platform base URL (as GLOO_BASE)",
    parse: (text: string) => checkBaseURL(text.trim(), "base"),
  },
  api: { help: "v1 or v2, for gloo chat and gloo repl", parse: oneOf("api", ["v1", "v2"]) },
  model: { help: "model id (as GLOO_MODEL)", parse: nonEmpty("model") },
  "model-family": {
    help: "v2: route within a family (instead of model)",
    parse: (text: string) => checkModelFamily("model-family", text),
  },
  "auto-routing": { help: "v2: let Gloo pick the model (instead of model)", parse: flag("auto-routing") },
  tradition: { help: `v2: ${TRADITIONS.join(", ")}`, parse: oneOf("tradition", TRADITIONS) },
  system: { help: "system prompt for gloo chat and gloo repl", parse: nonEmpty("system") },
  temperature: {
    help: "sampling temperature (v1 takes 0–1, v2 0–2)",
    parse: number("temperature", { min: 0, max: 2 }),
  },
  "max-tokens": {
    help: "upper bound on a reply's tokens",
    parse: number("max-tokens", { integer: true, min: 1 }),
  },
  log: { help: "record exchanges in the log (true or false; default true)", parse: flag("log") },
} satisfies Record<string, KeySpec>;

/** A key of {@link CONFIG_KEYS}. */
export type ConfigKey = keyof typeof CONFIG_KEYS;

// One routing choice on v2: setting one of these removes the others.
const ROUTING: readonly ConfigKey[] = ["model", "model-family", "auto-routing"];

/** Whether `key` is a config key; otherwise a `UsageError` listing them. */
export function checkConfigKey(key: string): ConfigKey {
  if (Object.hasOwn(CONFIG_KEYS, key)) return key as ConfigKey;
  throw new UsageError(
    `unknown config key "${key}".`,
    `The keys: ${Object.keys(CONFIG_KEYS).join(", ")} (\`gloo config --help\` says what each means).`,
  );
}

/** The config file `$XDG_CONFIG_HOME/gloo/config.json`: read, checked, changed and written whole. */
export class ConfigFile {
  readonly path: string;

  constructor(configDir: string) {
    this.path = join(configDir, "config.json");
  }

  /** The settings; a file that is not JSON, or holds an unknown key or a bad value, is a `UsageError` naming it. */
  async read(): Promise<GlooConfig> {
    const text = await readIfExists(this.path);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.#broken(`it is not JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw this.#broken("it must hold one JSON object");
    const config: GlooConfig = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (!Object.hasOwn(CONFIG_KEYS, key)) throw this.#broken(`"${key}" is not a config key`);
      try {
        config[key as ConfigKey] = CONFIG_KEYS[key as ConfigKey].parse(String(value));
      } catch (error) {
        throw this.#broken((error as Error).message);
      }
    }
    return config;
  }

  /** Sets a key (checked) and returns the keys it displaced (another routing choice). */
  async set(key: ConfigKey, text: string): Promise<ConfigKey[]> {
    const value = CONFIG_KEYS[key].parse(text);
    const config = await this.read();
    const displaced = ROUTING.includes(key)
      ? ROUTING.filter((other) => other !== key && other in config)
      : [];
    for (const other of displaced) delete config[other];
    config[key] = value;
    await this.#write(config);
    return displaced;
  }

  /** Removes a key; resolves whether it was set. */
  async unset(key: ConfigKey): Promise<boolean> {
    const config = await this.read();
    if (!(key in config)) return false;
    delete config[key];
    await (Object.keys(config).length === 0 ? rm(this.path, { force: true }) : this.#write(config));
    return true;
  }

  #write(config: GlooConfig): Promise<void> {
    return writePrivateFile(this.path, `${JSON.stringify(config, null, 2)}\n`);
  }

  #broken(reason: string): UsageError {
    return new UsageError(
      `the config file ${this.path} cannot be used: ${reason.replace(/\.$/, "")}.`,
      "Fix or remove it; `gloo config set KEY VALUE` writes it correctly.",
    );
  }
}

/**
 * The environment a command sees, with the config file's `base` and `model` standing in for
 * GLOO_BASE and GLOO_MODEL when neither the environment nor `.env` sets them (flags still win).
 */
export function withConfigDefaults(
  env: Record<string, string | undefined>,
  config: GlooConfig,
): Record<string, string | undefined> {
  const merged = { ...env };
  const unset = (name: string) => (merged[name] ?? "").trim() === "";
  if (config.base !== undefined && unset("GLOO_BASE")) merged.GLOO_BASE = String(config.base);
  if (config.model !== undefined && unset("GLOO_MODEL")) merged.GLOO_MODEL = String(config.model);
  return merged;
}

/**
 * What a command runs with: the environment (and `.env`) with the config file's defaults merged in,
 * and the config. `gloo config` itself reads no config, so it can fix a broken file.
 */
export async function loadUserConfig(
  command: string,
  env: Record<string, string | undefined>,
): Promise<{ env: Record<string, string | undefined>; config: GlooConfig }> {
  const dir = userDirs(env).config;
  const config = command === "config" || dir === undefined ? {} : await new ConfigFile(dir).read();
  return { env: withConfigDefaults(env, config), config };
}

/**
 * `gloo chat`'s (and `gloo repl`'s) flags with the config file's values for those not given. The
 * v2-only keys apply only on v2, and the config's routing only when no routing flag was given and
 * no model was chosen (a flag, GLOO_MODEL, or the config's own `model`).
 */
export function withConfigFlags<V extends ChatFlags>(values: V, config: GlooConfig, modelChosen: boolean): V {
  const text = (key: ConfigKey) => (config[key] === undefined ? undefined : String(config[key]));
  const v2Flags =
    values["auto-routing"] === true || values["model-family"] !== undefined || values.tradition !== undefined;
  const api = values.api ?? (v2Flags ? "v2" : text("api"));
  const merged: V = {
    ...values,
    system: values.system ?? text("system"),
    temperature: values.temperature ?? text("temperature"),
    "max-tokens": values["max-tokens"] ?? text("max-tokens"),
    ...(api === undefined ? {} : { api }),
  };
  if (api !== "v2") return merged;
  merged.tradition = values.tradition ?? text("tradition");
  const routed =
    values.model !== undefined || values["auto-routing"] === true || values["model-family"] !== undefined;
  if (routed || modelChosen) return merged;
  if (config["model-family"] !== undefined) merged["model-family"] = text("model-family");
  else if (config["auto-routing"] === true) merged["auto-routing"] = true;
  return merged;
}
