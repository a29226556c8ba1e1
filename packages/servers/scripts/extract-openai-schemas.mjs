// Extracts the chat-completion response schemas (and every schema they $ref) from OpenAI's
// OpenAPI spec into test/fixtures/openai-chat-schemas.json, so the conformance test needs no
// copy of the 3 MB spec. Run by hand when the spec is updated:
//
//   node packages/servers/scripts/extract-openai-schemas.mjs path/to/openapi.yaml
//
// The spec is openai/openai-openapi `openapi.yaml` (MIT, "Copyright (c) OpenAI"); pass the commit
// it came from as a second argument so the fixture records it.
import { readFile, writeFile } from "node:fs/promises";
import yaml from "js-yaml";

const ROOTS = ["CreateChatCompletionResponse", "CreateChatCompletionStreamResponse"];
const PREFIX = "#/components/schemas/";

const [specPath, commit = "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"] = process.argv.slice(2);
if (specPath === undefined) {
  console.error("usage: node extract-openai-schemas.mjs <openapi.yaml> [commit]");
  process.exit(2);
}
const spec = yaml.load(await readFile(specPath, "utf8"));
const all = spec.components.schemas;

const schemas = {};
const pending = [...ROOTS];
while (pending.length > 0) {
  const name = pending.pop();
  if (name in schemas) continue;
  if (!(name in all)) throw new Error(`schema ${name} is referenced but not defined`);
  schemas[name] = all[name];
  for (const ref of refsIn(all[name])) pending.push(ref);
}

function* refsIn(node) {
  if (Array.isArray(node)) for (const item of node) yield* refsIn(item);
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith(PREFIX))
        yield value.slice(PREFIX.length);
      else yield* refsIn(value);
    }
  }
}

const fixture = {
  source: `https://github.com/openai/openai-openapi/blob/${commit}/openapi.yaml`,
  licence: "MIT (The MIT License, Copyright (c) OpenAI)",
  openapi: spec.openapi,
  extracted: "components.schemas: the roots below and their $ref closure, unmodified",
  roots: ROOTS,
  schemas: Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]]),
  ),
};
const out = new URL("../test/fixtures/openai-chat-schemas.json", import.meta.url);
await writeFile(out, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${Object.keys(schemas).length} schemas to ${out.pathname}`);
