// Reads the platform's documented error body shapes (docs.gloo.com/api-reference/general/errors) into one description:
//   {"error": "Missing Authorization", "code": "unauthorized_missing_authorization"}
//   {"detail": [{"type", "loc", "msg", "input"}]}          (FastAPI / Pydantic 422)
//   {"detail": "Error generating response."}
//   {"error": {"type", "code", "name", "message", "retryable", "trace_id", ...}}
//   {"message": "model does not support function calling"}
import type { ValidationIssue } from "../errors.js";

/** What an error body says, whatever its shape. */
export interface ErrorBodyDescription {
  message: string;
  code: string | number | undefined;
  type: string | undefined;
  retryable: boolean | undefined;
  traceId: string | undefined;
  issues: ValidationIssue[];
}

const MAX_TEXT = 300;

/** Describes any error body; unknown shapes fall back to a short excerpt of the text. */
export function describeErrorBody(body: unknown): ErrorBodyDescription {
  const described: ErrorBodyDescription = {
    message: "status code (no body)",
    code: undefined,
    type: undefined,
    retryable: undefined,
    traceId: undefined,
    issues: [],
  };
  if (typeof body === "string") {
    if (body.trim() !== "") described.message = excerpt(body);
    return described;
  }
  if (!isRecord(body)) return described;
  if (isRecord(body.error)) return describePlatformError(body.error, described);
  if (typeof body.error === "string") {
    described.message = body.error;
    described.code = codeOf(body.code);
    return described;
  }
  if (Array.isArray(body.detail)) {
    described.issues = body.detail.filter(isRecord).map(toIssue);
    described.message = described.issues.map(formatIssue).join("; ") || "validation failed";
    return described;
  }
  const text = stringOf(body.detail) ?? stringOf(body.message);
  described.message = text ?? excerpt(JSON.stringify(body));
  described.code = codeOf(body.code);
  return described;
}

function describePlatformError(
  error: Record<string, unknown>,
  into: ErrorBodyDescription,
): ErrorBodyDescription {
  const name = stringOf(error.name);
  const message = stringOf(error.message);
  into.message =
    message && name ? `${name}: ${message}` : (message ?? name ?? stringOf(error.type) ?? "error");
  into.code = codeOf(error.code);
  into.type = stringOf(error.type);
  into.retryable = typeof error.retryable === "boolean" ? error.retryable : undefined;
  into.traceId = stringOf(error.trace_id) ?? stringOf(error.request_id);
  return into;
}

function toIssue(entry: Record<string, unknown>): ValidationIssue {
  const loc = Array.isArray(entry.loc)
    ? entry.loc.filter(
        (part): part is string | number => typeof part === "string" || typeof part === "number",
      )
    : [];
  return { loc, msg: stringOf(entry.msg) ?? "invalid", type: stringOf(entry.type) ?? "unknown" };
}

function formatIssue(issue: ValidationIssue): string {
  return issue.loc.length > 0 ? `${issue.loc.join(".")}: ${issue.msg}` : issue.msg;
}

function excerpt(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function codeOf(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** True for plain objects (not arrays or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
