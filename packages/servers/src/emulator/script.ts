// Scripted mode: users pin the model's answer for prompts they test with (`gloo emulator --script FILE`).

/** One scripted answer: when the last user message matches `pattern`, the reply is `reply`. */
export interface ScriptRule {
  /** Case-insensitive substring, or a regular expression written `/source/flags`. */
  pattern: string;
  /** The reply; `$1`…`$9` are replaced by a regular expression's groups. */
  reply: string;
}

interface CompiledRule {
  test: (text: string) => RegExpExecArray | string[] | null;
  reply: string;
}

/** A compiled script: the first rule that matches answers. */
export interface Script {
  answer(prompt: string): string | undefined;
}

/**
 * Validates and compiles a script: either an array of `{pattern, reply}` or an object mapping
 * pattern to reply (the JSON file's content).
 * @example
 * compileScript({ "capital of France": "Paris.", "/^add (\\d+) and (\\d+)$/i": "$1 plus $2" });
 */
export function compileScript(value: unknown): Script {
  const rules = toRules(value).map(compileRule);
  return {
    answer(prompt) {
      for (const rule of rules) {
        const match = rule.test(prompt);
        if (match !== null)
          return rule.reply.replace(/\$(\d)/g, (_, group: string) => match[Number(group)] ?? "");
      }
      return undefined;
    },
  };
}

function toRules(value: unknown): ScriptRule[] {
  if (Array.isArray(value)) return value.map(toRule);
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).map(([pattern, reply], index) => toRule({ pattern, reply }, index));
  }
  throw new TypeError(
    'A script must be a JSON array of {"pattern", "reply"} objects or an object of pattern → reply.',
  );
}

function toRule(value: unknown, index: number): ScriptRule {
  const rule = value as Partial<ScriptRule> | null;
  if (typeof rule?.pattern !== "string" || rule.pattern === "" || typeof rule.reply !== "string") {
    throw new TypeError(`Script rule ${index} needs a non-empty string "pattern" and a string "reply".`);
  }
  return { pattern: rule.pattern, reply: rule.reply };
}

function compileRule(rule: ScriptRule): CompiledRule {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(rule.pattern);
  if (regex !== null) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex[1] as string, (regex[2] as string).replace("g", ""));
    } catch (error) {
      throw new TypeError(
        `Script pattern ${rule.pattern} is not a valid regular expression: ${String(error)}`,
      );
    }
    return { test: (text) => compiled.exec(text), reply: rule.reply };
  }
  const needle = rule.pattern.toLowerCase();
  return { test: (text) => (text.toLowerCase().includes(needle) ? [text] : null), reply: rule.reply };
}
