// Body validation of the completion endpoints (reference: the V1 and V2 API reference tables).
// Issues use Pydantic's `type` names and messages, in the platform's 422 `detail` shape.
import type { ValidationIssue } from "./http.js";
import type { ChatMessage, ResponseFormat, ToolChoice } from "./model.js";
import type { FunctionTool } from "./tool-calls.js";

/** The fields of a completion request the emulator uses, after validation. */
export interface ValidatedBody {
  messages: ChatMessage[];
  model: string | undefined;
  maxTokens: number | undefined;
  temperature: number;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  tools: FunctionTool[];
  toolChoice: ToolChoice | undefined;
  responseFormat: ResponseFormat | undefined;
  autoRouting: boolean | undefined;
  modelFamily: string | undefined;
  tradition: string | undefined;
}

const ROLES = ["system", "developer", "user", "assistant", "tool"];
const TRADITIONS = ["evangelical", "catholic", "mainline", "not_faith_specific"];
const TOOL_CHOICES = ["none", "auto", "required"];
const RESPONSE_FORMATS = ["text", "json_object", "json_schema"];
/** Largest `n` (emulator choice, unconfirmed: the platform documents no `n` at all). */
export const MAX_N = 16;

type Body = Record<string, unknown>;

class Checker {
  readonly issues: ValidationIssue[] = [];
  constructor(private readonly body: Body) {}

  add(type: string, loc: (string | number)[], msg: string, input: unknown): void {
    this.issues.push({ type, loc: ["body", ...loc], msg, input });
  }

  optional<T>(
    key: string,
    check: (value: unknown, loc: (string | number)[]) => T | undefined,
  ): T | undefined {
    const value = this.body[key];
    return value === undefined || value === null ? undefined : check(value, [key]);
  }

  integer(min: number, max: number | undefined) {
    return (value: unknown, loc: (string | number)[]): number | undefined => {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        this.add("int_type", loc, "Input should be a valid integer", value);
      } else if (this.inRange(value, min, max, loc)) return value;
      return undefined;
    };
  }

  number(min: number, max: number) {
    return (value: unknown, loc: (string | number)[]): number | undefined => {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        this.add("float_type", loc, "Input should be a valid number", value);
      } else if (this.inRange(value, min, max, loc)) return value;
      return undefined;
    };
  }

  boolean = (value: unknown, loc: (string | number)[]): boolean | undefined => {
    if (typeof value === "boolean") return value;
    this.add("bool_type", loc, "Input should be a valid boolean", value);
    return undefined;
  };

  string = (value: unknown, loc: (string | number)[]): string | undefined => {
    if (typeof value === "string") return value;
    this.add("string_type", loc, "Input should be a valid string", value);
    return undefined;
  };

  literal(allowed: string[]) {
    return (value: unknown, loc: (string | number)[]): string | undefined => {
      if (typeof value === "string" && allowed.includes(value)) return value;
      this.add("literal_error", loc, `Input should be ${listOf(allowed)}`, value);
      return undefined;
    };
  }

  private inRange(value: number, min: number, max: number | undefined, loc: (string | number)[]): boolean {
    if (value < min) {
      this.add("greater_than_equal", loc, `Input should be greater than or equal to ${min}`, value);
      return false;
    }
    if (max !== undefined && value > max) {
      this.add("less_than_equal", loc, `Input should be less than or equal to ${max}`, value);
      return false;
    }
    return true;
  }
}

/** Checks a V1 or V2 body; returns the validated fields or the 422 issues. */
export function validateBody(value: unknown, api: "v1" | "v2"): ValidatedBody | ValidationIssue[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const msg = "Input should be a valid dictionary or object to extract fields from";
    return [{ type: "model_attributes_type", loc: ["body"], msg, input: value }];
  }
  const body = value as Body;
  const c = new Checker(body);
  const messages = checkMessages(c, body.messages);
  // V1 documents 0–1, V2 0–2 (reference: the two API reference pages).
  const temperature = c.optional("temperature", c.number(0, api === "v1" ? 1 : 2));
  const tools = c.optional("tools", (v, loc) => checkTools(c, v, loc)) ?? [];
  const validated: ValidatedBody = {
    messages: messages ?? [],
    model: c.optional("model", c.string),
    // V1 documents `max_tokens >= 1024`, yet the quickstart sends 8 and 256: the emulator
    // accepts >= 1 on both APIs (emulator choice, unconfirmed).
    maxTokens: c.optional("max_tokens", c.integer(1, undefined)),
    temperature: temperature ?? (api === "v1" ? 0.7 : 1),
    n: c.optional("n", c.integer(1, MAX_N)) ?? 1,
    stream: c.optional("stream", c.boolean) ?? false,
    includeUsage: c.optional("stream_options", (v, loc) => checkStreamOptions(c, v, loc)) ?? false,
    tools,
    toolChoice: c.optional("tool_choice", (v, loc) => checkToolChoice(c, v, loc, tools)),
    responseFormat: c.optional("response_format", (v, loc) => checkResponseFormat(c, v, loc)),
    autoRouting: api === "v2" ? c.optional("auto_routing", c.boolean) : undefined,
    modelFamily: api === "v2" ? c.optional("model_family", c.string) : undefined,
    tradition: api === "v2" ? c.optional("tradition", c.literal(TRADITIONS)) : undefined,
  };
  c.optional("top_p", c.number(0, 1));
  return c.issues.length > 0 ? c.issues : validated;
}

function checkMessages(c: Checker, value: unknown): ChatMessage[] | undefined {
  if (value === undefined) {
    c.add("missing", ["messages"], "Field required", null);
    return undefined;
  }
  if (!Array.isArray(value)) {
    c.add("list_type", ["messages"], "Input should be a valid list", value);
    return undefined;
  }
  if (value.length === 0) {
    const msg = "List should have at least 1 item after validation, not 0: send at least one user message";
    c.add("too_short", ["messages"], msg, value);
    return undefined;
  }
  const before = c.issues.length;
  for (const [index, message] of value.entries()) checkMessage(c, message, index);
  if (c.issues.length > before) return undefined;
  const messages = value as ChatMessage[];
  const last = messages.at(-1) as ChatMessage;
  // The quickstart: "The last item must be a role: user message". A `tool` result is accepted
  // too, so tool loops work (emulator choice, unconfirmed).
  if (last.role !== "user" && last.role !== "tool") {
    const msg = `Value error, the last message must have role "user" (got "${last.role}"): the API is stateless, so send the whole conversation ending with the user's turn`;
    c.add("value_error", ["messages", messages.length - 1, "role"], msg, last.role);
  }
  return messages;
}

function checkMessage(c: Checker, message: unknown, index: number): void {
  const loc = ["messages", index];
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    c.add(
      "model_attributes_type",
      loc,
      "Input should be a valid dictionary or object to extract fields from",
      message,
    );
    return;
  }
  const { role, content } = message as Record<string, unknown>;
  if (role === undefined) c.add("missing", [...loc, "role"], "Field required", message);
  else c.literal(ROLES)(role, [...loc, "role"]);
  const nullable = role === "assistant";
  if (content === undefined && !nullable) c.add("missing", [...loc, "content"], "Field required", message);
  else if (content === null && !nullable)
    c.add("string_type", [...loc, "content"], "Input should be a valid string", null);
  else if (content !== undefined && content !== null && typeof content !== "string" && !isPartList(content)) {
    const msg = "Input should be a valid string or a list of content parts ({type: 'text', text})";
    c.add("string_type", [...loc, "content"], msg, content);
  }
}

function isPartList(value: unknown): boolean {
  return (
    Array.isArray(value) && value.every((part) => typeof part === "object" && part !== null && "type" in part)
  );
}

function checkStreamOptions(c: Checker, value: unknown, loc: (string | number)[]): boolean | undefined {
  if (typeof value !== "object" || Array.isArray(value)) {
    c.add(
      "model_attributes_type",
      loc,
      "Input should be a valid dictionary (e.g. {include_usage: true})",
      value,
    );
    return undefined;
  }
  const include = (value as Record<string, unknown>).include_usage;
  return include === undefined ? false : c.boolean(include, [...loc, "include_usage"]);
}

function checkTools(c: Checker, value: unknown, loc: (string | number)[]): FunctionTool[] | undefined {
  if (!Array.isArray(value)) {
    c.add("list_type", loc, "Input should be a valid list", value);
    return undefined;
  }
  const before = c.issues.length;
  value.forEach((tool, index) => {
    const fn = (tool as { function?: { name?: unknown; parameters?: unknown } } | null)?.function;
    if ((tool as { type?: unknown } | null)?.type !== "function" || typeof fn !== "object" || fn === null) {
      const msg = 'Input should be a function tool: {type: "function", function: {name, parameters}}';
      c.add("model_attributes_type", [...loc, index], msg, tool);
    } else if (typeof fn.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(fn.name)) {
      const msg = "Tool names must be 1–64 letters, digits, underscores or dashes";
      c.add("string_pattern_mismatch", [...loc, index, "function", "name"], msg, fn.name);
    } else if (fn.parameters !== undefined && (typeof fn.parameters !== "object" || fn.parameters === null)) {
      c.add(
        "dict_type",
        [...loc, index, "function", "parameters"],
        "Input should be a JSON schema object",
        fn.parameters,
      );
    }
  });
  return c.issues.length > before ? undefined : (value as FunctionTool[]);
}

function checkToolChoice(
  c: Checker,
  value: unknown,
  loc: (string | number)[],
  tools: FunctionTool[],
): ToolChoice | undefined {
  if (typeof value === "string") return c.literal(TOOL_CHOICES)(value, loc) as ToolChoice | undefined;
  const name = (value as { function?: { name?: unknown } } | null)?.function?.name;
  if (typeof name !== "string") {
    const msg = `Input should be ${listOf(TOOL_CHOICES)} or {type: 'function', function: {name}}`;
    c.add("literal_error", loc, msg, value);
    return undefined;
  }
  if (!tools.some((tool) => tool.function.name === name)) {
    c.add("value_error", loc, `Value error, tool_choice names "${name}", which is not in tools`, value);
    return undefined;
  }
  return { name };
}

// OpenAI's `response_format` (Gloo's structured-output example sends `json_schema` with `name`,
// `strict` and `schema`): `text`, `json_object`, or `json_schema` with a schema object.
function checkResponseFormat(
  c: Checker,
  value: unknown,
  loc: (string | number)[],
): ResponseFormat | undefined {
  const type = (value as { type?: unknown } | null)?.type;
  if (typeof value !== "object" || Array.isArray(value) || !RESPONSE_FORMATS.includes(type as string)) {
    const msg = `Input should be {type: ${listOf(RESPONSE_FORMATS)}} (json_schema also needs json_schema: {name, schema})`;
    c.add("literal_error", [...loc, "type"], msg, value);
    return undefined;
  }
  if (type !== "json_schema") return { type } as ResponseFormat;
  const spec = (value as { json_schema?: unknown }).json_schema;
  const schema = (spec as { schema?: unknown } | null | undefined)?.schema;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    const msg = "Input should be a JSON schema object: {json_schema: {name, strict, schema: {...}}}";
    c.add("dict_type", [...loc, "json_schema", "schema"], msg, schema ?? null);
    return undefined;
  }
  const strict = (spec as { strict?: unknown }).strict;
  if (strict !== undefined && strict !== null) c.boolean(strict, [...loc, "json_schema", "strict"]);
  return { type, schema: schema as Record<string, unknown> };
}

function listOf(values: string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length < 2 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}
