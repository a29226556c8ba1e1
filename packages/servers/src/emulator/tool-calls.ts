// Deterministic tool calls (docs/emulator.md): arguments are built from the tool's JSON schema so a
// client's tool loop can be exercised offline with stable, schema-valid input.

/** A function tool as sent in `tools` (OpenAI shape). */
export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** A tool call the emulated model makes. */
export interface EmulatedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** The JSON arguments for `tool`: required (else all) properties filled from their schema. */
export function argumentsFor(tool: FunctionTool, prompt: string): string {
  return JSON.stringify(valueFor(tool.function.parameters ?? { type: "object" }, "value", prompt, 0));
}

function valueFor(schema: Record<string, unknown>, name: string, prompt: string, depth: number): unknown {
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ("default" in schema) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return stringFor(name, prompt);
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "array":
      return depth > 4 ? [] : [valueFor(asSchema(schema.items), name, prompt, depth + 1)];
    case "null":
      return null;
    default:
      return depth > 4 ? {} : objectFor(schema, prompt, depth);
  }
}

function objectFor(schema: Record<string, unknown>, prompt: string, depth: number): Record<string, unknown> {
  const properties = asSchema(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : [];
  const keys = required.length > 0 ? required : Object.keys(properties);
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = valueFor(asSchema(properties[key]), key, prompt, depth + 1);
  return out;
}

// A string argument takes the prompt's last capitalised word when there is one ("weather in Paris"
// → "Paris"), which reads naturally in demos; otherwise a stable placeholder named after the field.
function stringFor(name: string, prompt: string): string {
  const words = prompt.match(/\b\p{Lu}[\p{L}\p{N}-]*/gu) ?? [];
  const last = words.slice(1).at(-1);
  return last ?? `example-${name}`;
}

function asSchema(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
