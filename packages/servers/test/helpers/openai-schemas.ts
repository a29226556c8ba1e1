// Validators for OpenAI's chat completion schemas (test/fixtures/openai-chat-schemas.json,
// extracted by scripts/extract-openai-schemas.mjs), read the way OpenAI-compatible clients read
// them: any field may be null, `refusal` and `logprobs` may be absent, OpenAPI 3.0's `nullable`
// means "or null", and a stream choice may end with the platform's `finish_reason: "error"`.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";

type Node = Record<string, unknown>;

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/openai-chat-schemas.json", import.meta.url), "utf8"),
) as { schemas: Record<string, Node> };

const OPTIONAL = new Set(["refusal", "logprobs"]);

function lenient(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(lenient);
  if (node === null || typeof node !== "object") return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === "$ref" && typeof value === "string")
      out.$ref = value.replace("#/components/schemas/", "#/$defs/");
    else if (key === "properties") out.properties = nullableProperties(value as Node);
    else if (key === "required") out.required = (value as string[]).filter((name) => !OPTIONAL.has(name));
    else if (key !== "nullable") out[key] = lenient(value);
  }
  return (node as Node).nullable === true ? orNull(out) : out;
}

function nullableProperties(properties: Node): Node {
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, orNull(lenient(schema) as Node)]),
  );
}

const orNull = (schema: Node): Node => ({ anyOf: [schema, { type: "null" }] });

const $defs = lenient(fixture.schemas) as Record<string, Node>;
// The platform's extension (reference: "completions streaming failures"): a stream chunk may end with "error".
type Wrapped<T> = { anyOf: [T, Node] };
const stream = $defs.CreateChatCompletionStreamResponse as {
  properties: { choices: Wrapped<{ items: Node }> };
};
const choice = stream.properties.choices.anyOf[0].items as {
  properties: { finish_reason: Wrapped<Wrapped<Node>> };
};
const finish = choice.properties.finish_reason.anyOf[0].anyOf[0] as { enum: string[] };
finish.enum = [...finish.enum, "error"];

const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });

function validator(name: string) {
  const validate = ajv.compile({ $defs, $ref: `#/$defs/${name}` });
  return (value: unknown): string[] =>
    validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** Errors of a `chat.completion` body against CreateChatCompletionResponse (empty when valid). */
export const responseErrors = validator("CreateChatCompletionResponse");
/** Errors of a `chat.completion.chunk` against CreateChatCompletionStreamResponse (empty when valid). */
export const chunkErrors = validator("CreateChatCompletionStreamResponse");
