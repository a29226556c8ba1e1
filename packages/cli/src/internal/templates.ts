import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { CONFIG_KEYS, type ConfigKey, type ConfigValue } from "./config.js";
import { readIfExists, writePrivateFile } from "./private-file.js";
import { userDirs } from "./user-dirs.js";

/** The request settings a template keeps: the config's chat keys, and any other request parameters (`-o`). */
export const TEMPLATE_KEYS = [
  "system",
  "api",
  "model",
  "model-family",
  "auto-routing",
  "tradition",
  "temperature",
  "max-tokens",
] as const satisfies readonly ConfigKey[];

type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** A saved system prompt and parameters (`gloo chat --save NAME`, used with `-t NAME`). */
export type Template = Partial<Record<TemplateKey, ConfigValue>> & {
  /** Request parameters given with `-o key=value`. */
  options?: Record<string, unknown>;
};

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/** Templates as JSON files in `$XDG_CONFIG_HOME/gloo/templates/`. */
export class TemplateStore {
  readonly dir: string;

  constructor(configDir: string) {
    this.dir = join(configDir, "templates");
  }

  /** The file of template `name` (a `UsageError` for a name that is not a plain file name). */
  path(name: string): string {
    if (!NAME.test(name))
      throw new UsageError(
        `template names are letters, digits, "-", "_" and "."; got "${name}".`,
        "For example: gloo chat --system 'Answer in French.' --save french",
      );
    return join(this.dir, `${name}.json`);
  }

  /** The template, checked; a `UsageError` when it does not exist or does not parse. */
  async read(name: string): Promise<Template> {
    const path = this.path(name);
    const text = await readIfExists(path);
    if (text === undefined)
      throw new UsageError(`no template "${name}".`, "`gloo templates list` shows the saved ones.");
    return checkTemplate(text, path);
  }

  async write(name: string, template: Template): Promise<string> {
    const path = this.path(name);
    await writePrivateFile(path, `${JSON.stringify(template, null, 2)}\n`);
    return path;
  }

  /** The saved names, sorted. */
  async list(): Promise<string[]> {
    const files = await readdir(this.dir).catch(() => [] as string[]);
    return files
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.slice(0, -".json".length))
      .sort();
  }

  /** Reads the file at `path` again (after an edit) and checks it. */
  async check(path: string): Promise<Template> {
    return checkTemplate(await readFile(path, "utf8"), path);
  }
}

/** Parses and checks a template file: the known keys with valid values, `options` an object. */
export function checkTemplate(text: string, path: string): Template {
  const broken = (reason: string) =>
    new UsageError(
      `the template ${path} cannot be used: ${reason.replace(/\.$/, "")}.`,
      "`gloo templates edit NAME` opens it.",
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw broken(`it is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw broken("it must hold one JSON object");
  const template: Template = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "options") {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw broken("options must be an object");
      template.options = value as Record<string, unknown>;
    } else if ((TEMPLATE_KEYS as readonly string[]).includes(key)) {
      try {
        template[key as TemplateKey] = CONFIG_KEYS[key as TemplateKey].parse(String(value));
      } catch (error) {
        throw broken((error as Error).message);
      }
    } else throw broken(`"${key}" is not a template key (${TEMPLATE_KEYS.join(", ")}, options)`);
  }
  return template;
}

/** The chat flags a template can hold. */
export type TemplateFlags = {
  [K in TemplateKey]?: K extends "auto-routing" ? boolean | undefined : string | undefined;
};

/** Flags not given on the command line are taken from the template (its routing only without a routing flag). */
export function withTemplate<V extends TemplateFlags>(values: V, template: Template): V {
  const text = (key: TemplateKey) => (template[key] === undefined ? undefined : String(template[key]));
  const routed =
    values.model !== undefined || values["auto-routing"] === true || values["model-family"] !== undefined;
  return {
    ...values,
    system: values.system ?? text("system"),
    api: values.api ?? text("api"),
    tradition: values.tradition ?? text("tradition"),
    temperature: values.temperature ?? text("temperature"),
    "max-tokens": values["max-tokens"] ?? text("max-tokens"),
    ...(routed
      ? {}
      : {
          model: text("model"),
          "model-family": text("model-family"),
          "auto-routing": template["auto-routing"] === true ? true : undefined,
        }),
  };
}

/** The template `--save` writes: the flags given (checked as the config checks them) and `-o` options. */
export function templateOf(values: TemplateFlags, options: Record<string, unknown>): Template {
  const template: Template = {};
  for (const key of TEMPLATE_KEYS) {
    const value = values[key];
    if (value !== undefined) template[key] = CONFIG_KEYS[key].parse(String(value));
  }
  if (Object.keys(options).length > 0) template.options = options;
  return template;
}

/** The template store of the environment's config directory; a `UsageError` without one. */
export function templateStoreFor(env: Readonly<Record<string, string | undefined>>): TemplateStore {
  const dir = userDirs(env).config;
  if (dir === undefined)
    throw new UsageError("there are no templates: neither XDG_CONFIG_HOME nor HOME is set.");
  return new TemplateStore(dir);
}
