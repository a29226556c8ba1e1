// A validator for HAR 1.2 files: the `har-schema` package's JSON Schemas (draft-06, one per HAR
// object, ISC licence) compiled with Ajv, with the formats they name checked too.
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

const require = createRequire(import.meta.url);

/** Checks a value against the HAR 1.2 schema; `errors` lists what is wrong. */
export function harValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  ajv.addFormat("date-time", (text: string) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(text),
  );
  ajv.addFormat("uri", (text: string) => URL.canParse(text));
  ajv.addFormat("ipv4", /^(\d{1,3}\.){3}\d{1,3}$/);
  ajv.addFormat("ipv6", /^[0-9a-f:]+$/i);
  for (const schema of Object.values(require("har-schema") as Record<string, object>)) ajv.addSchema(schema);
  const validate = ajv.getSchema("har.json#");
  if (validate === undefined) throw new Error("har-schema has no har.json#");
  return validate;
}
