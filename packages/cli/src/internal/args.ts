import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { closest } from "./did-you-mean.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A command's flags, help text and examples, in one place. */
export interface CommandSpec<O extends Options> {
  /** e.g. `gloo chat "PROMPT" [options]` */
  usage: string;
  /** One or two sentences. */
  description: string;
  options: O;
  /** Help for each option, keyed by option name. */
  optionHelp: { [K in keyof O]: string };
  examples: string[];
  allowPositionals?: boolean;
  /** Placeholders for string options in the help (`--model <ID>`); `base` is `URL`, others `value`. */
  valueNames?: { [K in keyof O]?: string };
}

/** Parsed arguments (`--help` never reaches here: `main` answers it with the command's `help()`). */
export interface ParsedArgs<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>["values"];
  positionals: string[];
}

/** Whether argv asks for a command's help (`--help` or `-h` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  return flags.includes("--help") || flags.includes("-h");
}

/** Parses argv strictly; unknown flags and missing values become a `UsageError` (exit 2). */
export function parseCommandArgs<O extends Options>(spec: CommandSpec<O>, argv: string[]): ParsedArgs<O> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: spec.options,
      allowPositionals: true,
      strict: true,
    });
    if (spec.allowPositionals !== true && positionals.length > 0) {
      throw new UsageError(`unexpected argument "${positionals[0]}".`, `Usage: ${spec.usage}`);
    }
    return { values: values as ParsedArgs<O>["values"], positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      parseErrorText(spec, error),
      `Usage: ${spec.usage}\nRun with --help for the options.`,
    );
  }
}

// node:util's messages quote oddly and give advice about positionals that does not fit a typo:
// say in our words which flag is wrong, and name the flag that was probably meant.
function parseErrorText<O extends Options>(spec: CommandSpec<O>, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
    const names = [...Object.keys(spec.options).map((name) => `--${name}`), "--help"];
    const [near] = closest(unknown, names, 1);
    return `unknown option ${unknown}.${near === undefined ? "" : ` Did you mean ${near}?`}`;
  }
  const missing = /^Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message)?.[1];
  if (missing !== undefined) return `${missing} needs a value.`;
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message)?.[1];
  if (noValue !== undefined) return `${noValue} takes no value.`;
  return message.replace(/\.?$/, ".");
}

/** The text `--help` prints: usage, description, options and examples. */
export function helpText<O extends Options>(spec: CommandSpec<O>): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const short = option.short === undefined ? "    " : `-${option.short}, `;
    const placeholder = spec.valueNames?.[name as keyof O] ?? (name === "base" ? "URL" : "value");
    const value = option.type === "string" ? ` <${placeholder}>` : "";
    return [`  ${short}--${name}${value}`, spec.optionHelp[name as keyof O]] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length), 0);
  return [
    `Usage: ${spec.usage}`,
    "",
    spec.description,
    "",
    "Options:",
    ...rows.map(([left, help]) => `${left.padEnd(width)}  ${help}`),
    `${"  -h, --help".padEnd(width + 2)}Show this help`,
    "",
    "Examples:",
    ...spec.examples.map((example) => `  ${example}`),
    "",
  ].join("\n");
}

/** Bounds for {@link numberFlag}. */
export interface NumberFlagRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** Parses a numeric flag value; anything else is a `UsageError` naming the flag and the allowed range. */
export function numberFlag(
  name: string,
  value: string | undefined,
  rule: NumberFlagRule = {},
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  const range = [rule.min === undefined ? "" : `≥ ${rule.min}`, rule.max === undefined ? "" : `≤ ${rule.max}`]
    .filter((part) => part !== "")
    .join(" and ");
  const wanted = `${rule.integer === true ? "a whole number" : "a number"}${range === "" ? "" : ` ${range}`}`;
  const bad =
    value.trim() === "" ||
    !Number.isFinite(number) ||
    (rule.integer === true && !Number.isInteger(number)) ||
    (rule.min !== undefined && number < rule.min) ||
    (rule.max !== undefined && number > rule.max);
  if (bad) throw new UsageError(`--${name} must be ${wanted}, got "${value}".`);
  return number;
}
