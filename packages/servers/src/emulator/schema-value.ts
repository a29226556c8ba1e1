// Deterministic JSON values that satisfy a JSON Schema (the subset OpenAI-compatible clients send:
// types, properties/required, items, enum/const, anyOf/oneOf/allOf, $ref into $defs/definitions,
// string length and format, number bounds, array sizes). Tool-call arguments and `response_format:
// json_schema` answers are both built here, so a client's parser and validator can be exercised
// offline with stable input.

/** A JSON Schema node, read loosely. */
export type Schema = Record<string, unknown>;

/** What string values are made of: the prompt, for values that read naturally. */
export interface ValueSource {
  /** The prompt's last capitalised word (not its first), if any: "weather in Chicago" → "Chicago". */
  properNoun: string | undefined;
  /** A short phrase from the prompt, used for free-text fields. */
  phrase: string;
  /** The prompt's first number, if any. */
  number: number | undefined;
}

const MAX_DEPTH = 8;

/** Reads a value source from a prompt. */
export function valueSourceOf(prompt: string, phrase: string): ValueSource {
  const capitalised = prompt.match(/\b\p{Lu}[\p{L}\p{N}-]*/gu) ?? [];
  const digits = /-?\d+(?:\.\d+)?/.exec(prompt);
  return {
    properNoun: capitalised.slice(1).at(-1),
    phrase,
    number: digits === null ? undefined : Number(digits[0]),
  };
}

/** What every step of a build shares: the root (for `$ref`), the value source, how much to fill. */
interface Build {
  root: Schema;
  source: ValueSource;
  fillAll: boolean;
}

/** A value valid against `schema`; `fillAll` fills every property, not only the required ones. */
export function valueFor(root: Schema, source: ValueSource, fillAll: boolean): unknown {
  return build(root, "value", { root, source, fillAll }, 0);
}

function build(schema: Schema, name: string, at: Build, depth: number): unknown {
  const resolved = resolve(schema, at.root);
  if ("const" in resolved) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return resolved.enum[0];
  if ("default" in resolved) return resolved.default;
  const branch = firstOf(resolved.anyOf) ?? firstOf(resolved.oneOf);
  if (branch !== undefined) return build(branch, name, at, depth);
  if (Array.isArray(resolved.allOf)) {
    const merged = resolved.allOf.reduce<Schema>(
      (all, part) => mergeSchemas(all, resolve(asSchema(part), at.root)),
      {
        ...resolved,
        allOf: undefined,
      },
    );
    return build(merged, name, at, depth);
  }
  switch (typeOf(resolved)) {
    case "string":
      return stringFor(resolved, name, at.source);
    case "integer":
      return numberFor(resolved, at.source, true);
    case "number":
      return numberFor(resolved, at.source, false);
    case "boolean":
      return true;
    case "null":
      return null;
    case "array":
      return arrayFor(resolved, name, at, depth);
    default:
      return objectFor(resolved, at, depth);
  }
}

function typeOf(schema: Schema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (typeof type === "string") return type;
  if (schema.properties !== undefined) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function objectFor(schema: Schema, at: Build, depth: number) {
  const properties = asSchema(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === "string") : [];
  const keys = at.fillAll || required.length === 0 ? Object.keys(properties) : required;
  const out: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return out;
  for (const key of keys) out[key] = build(asSchema(properties[key]), key, at, depth + 1);
  return out;
}

function arrayFor(schema: Schema, name: string, at: Build, depth: number) {
  const min = typeof schema.minItems === "number" ? schema.minItems : 1;
  const max = typeof schema.maxItems === "number" ? schema.maxItems : Math.max(min, 1);
  const count = depth > MAX_DEPTH ? 0 : Math.min(Math.max(min, 1), max);
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.map(asSchema) : [];
  const items = asSchema(schema.items);
  // Each item counts on from the prompt's number, so items differ where numbers are drawn from it.
  const nth = (index: number): Build => {
    const number = at.source.number === undefined ? undefined : at.source.number + index;
    return { ...at, source: { ...at.source, number } };
  };
  return Array.from({ length: Math.max(count, prefix.length) }, (_, index) =>
    build(prefix[index] ?? items, name, nth(index), depth + 1),
  );
}

function numberFor(schema: Schema, source: ValueSource, integer: boolean): number {
  const low = bound(schema.minimum, schema.exclusiveMinimum, 1);
  const high = bound(schema.maximum, schema.exclusiveMaximum, -1);
  // The prompt's number when it has one, else the lower bound, else 1.
  let value = source.number ?? low ?? 1;
  if (low !== undefined && value < low) value = low;
  if (high !== undefined && value > high) value = high;
  if (integer) {
    value = Math.round(value);
    if (low !== undefined && value < low) value = Math.ceil(low);
    if (high !== undefined && value > high) value = Math.floor(high);
  }
  const step = schema.multipleOf;
  if (typeof step === "number" && step > 0) value = Math.ceil((low ?? value) / step) * step;
  return value;
}

// An exclusive bound becomes the nearest admissible value a step inside it.
function bound(inclusive: unknown, exclusive: unknown, direction: 1 | -1): number | undefined {
  if (typeof exclusive === "number") return exclusive + direction;
  return typeof inclusive === "number" ? inclusive : undefined;
}

const FORMATS: Record<string, string> = {
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  time: "00:00:00Z",
  email: "someone@example.com",
  uri: "https://example.com/",
  url: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  hostname: "example.com",
  ipv4: "192.0.2.1",
};

function stringFor(schema: Schema, name: string, source: ValueSource): string {
  const format = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
  let text =
    format ??
    (source.properNoun !== undefined && /name|location|city|place|country|person|title/i.test(name)
      ? source.properNoun
      : (source.properNoun ?? (source.phrase === "" ? `example-${name}` : source.phrase)));
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : undefined;
  while (text.length < min) text += ` ${text}`;
  if (max !== undefined && text.length > max) text = text.slice(0, max);
  return text;
}

// `$ref` into `#/$defs/…` or `#/definitions/…` (one level at a time; cycles end at MAX_DEPTH).
function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === "string" && hops < MAX_DEPTH; hops++) {
    const path = current.$ref
      .replace(/^#\/?/, "")
      .split("/")
      .filter((part) => part !== "");
    let target: unknown = root;
    for (const part of path) target = asSchema(target)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    const { $ref: _ref, ...rest } = current;
    current = { ...asSchema(target), ...rest };
  }
  return current;
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  const merged = { ...a, ...b };
  if (a.properties !== undefined || b.properties !== undefined) {
    merged.properties = { ...asSchema(a.properties), ...asSchema(b.properties) };
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    merged.required = [
      ...(Array.isArray(a.required) ? a.required : []),
      ...(Array.isArray(b.required) ? b.required : []),
    ];
  }
  return merged;
}

function firstOf(value: unknown): Schema | undefined {
  if (!Array.isArray(value)) return undefined;
  const branches = value.map(asSchema);
  return branches.find((branch) => branch.type !== "null") ?? branches[0];
}

/** A schema node as a record ({} for anything else). */
export function asSchema(value: unknown): Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Schema) : {};
}
