// How a recorded request and a live one are compared: method, path, and the SHA-256 of the body
// in canonical form (JSON with sorted keys and no whitespace, the ignored fields left out; forms
// by their fields in order; anything else by its text), so key order, spacing and volatile
// fields do not make two equal chat requests differ.
import { createHash } from "node:crypto";
import type { RecordedBody } from "./format.js";

/** Top-level JSON fields left out of the match by default: they vary between runs, not answers. */
export const DEFAULT_IGNORED_FIELDS: readonly string[] = ["user", "metadata"];

// Form fields that hold credentials: scrubbed in every cassette, so never part of a match.
const CREDENTIAL_FIELDS = new Set(["client_id", "client_secret"]);

/** JSON text with object keys sorted at every depth and no whitespace. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** A value with its objects' keys in sorted order (arrays keep their order). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/**
 * The text a body is matched by: canonical JSON of {@link matchValue} (JSON, or text that parses as
 * JSON, without the ignored top-level fields), a form's fields as `name=value` lines (but
 * `client_id` and `client_secret`, which cassettes never keep), or the text itself; "" for no body.
 */
export function matchText(
  body: RecordedBody | null,
  ignored: readonly string[] = DEFAULT_IGNORED_FIELDS,
): string {
  if (body === null) return "";
  if ("form" in body)
    return matchedFields(body.form)
      .map(([name, value]) => `${name}=${value}`)
      .join("\n");
  if ("base64" in body) return body.base64;
  const value = matchValue(body, ignored);
  // Text that is not JSON comes back from matchValue as itself, and is matched as itself.
  return "text" in body && value === body.text ? body.text : canonicalJSON(value);
}

/**
 * The same rules as {@link matchText}, as a value to compare field by field (how a strict replay
 * shows what differs from the nearest recording): JSON, or text that parses as JSON, without the
 * ignored top-level fields; a form as an object of its fields but `client_id` and `client_secret`;
 * other text, or base64, as a string; undefined for no body.
 */
export function matchValue(
  body: RecordedBody | null,
  ignored: readonly string[] = DEFAULT_IGNORED_FIELDS,
): unknown {
  if (body === null) return undefined;
  if ("json" in body) return withoutFields(body.json, ignored);
  if ("form" in body) return Object.fromEntries(matchedFields(body.form));
  if ("text" in body) {
    try {
      return withoutFields(JSON.parse(body.text), ignored);
    } catch {
      return body.text;
    }
  }
  return body.base64;
}

// A form's fields that take part in a match: all but the credentials.
function matchedFields(form: [string, string][]): [string, string][] {
  return form.filter(([name]) => !CREDENTIAL_FIELDS.has(name));
}

/** The match key of a request: `METHOD path sha256(matchText)`. */
export function matchKey(
  method: string,
  path: string,
  body: RecordedBody | null,
  ignored: readonly string[] = DEFAULT_IGNORED_FIELDS,
): string {
  const hash = createHash("sha256").update(matchText(body, ignored)).digest("hex");
  return `${method.toUpperCase()} ${path} ${hash}`;
}

// The ignored fields left out, and `"stream": false`, which asks for what no `stream` field asks
// for: the SDK leaves it out and `gloo chat` sends it, and both must find the same recording.
function withoutFields(value: unknown, ignored: readonly string[]): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (ignored.includes(key) || (key === "stream" && field === false)) continue;
    kept[key] = field;
  }
  return kept;
}

/**
 * Reads a body's bytes into the cassette's form, by its content type: a JSON value when the text
 * is compact JSON that serialises back to the same bytes, form fields for
 * `application/x-www-form-urlencoded`, text when it is valid UTF-8, base64 otherwise; null for an
 * empty body. {@link recordedBodyBytes} gives back the same bytes for every form but `form`.
 */
export function toRecordedBody(bytes: Uint8Array, contentType: string | null): RecordedBody | null {
  if (bytes.byteLength === 0) return null;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes).toString("base64") };
  }
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) return { form: [...new URLSearchParams(text)] };
  if (type.includes("json") || type === "") {
    try {
      const json: unknown = JSON.parse(text);
      // Spacing, or keys JSON would reorder (integer-like ones), would not survive the round trip.
      if (JSON.stringify(json) === text) return { json };
    } catch {
      // Not JSON after all: kept as text, so the exact bytes survive.
    }
  }
  return { text };
}

/** The bytes a recorded body stands for, as the replayer sends it. */
export function recordedBodyBytes(body: RecordedBody | null): Uint8Array {
  if (body === null) return new Uint8Array(0);
  if ("json" in body) return new TextEncoder().encode(JSON.stringify(body.json));
  if ("form" in body) return new TextEncoder().encode(new URLSearchParams(body.form).toString());
  if ("text" in body) return new TextEncoder().encode(body.text);
  return new Uint8Array(Buffer.from(body.base64, "base64"));
}
