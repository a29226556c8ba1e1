// The pitfall guard: catches, before any network call, the request mistakes the platform
// documents (the platform quickstart's "Common Pitfalls": the API is stateless, the last message must
// be the user's) and answers with a message that says how to fix them.
import { RequestValidationError } from "./errors.js";
import { isRecord } from "./internal/error-body.js";
import { routingMechanism } from "./routing.js";

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const ROLE_LIST = "system, developer, user, assistant, tool";

/**
 * Checks the messages of a chat completion request and throws a {@link RequestValidationError}
 * naming the first problem.
 */
export function guardMessages(params: unknown): void {
  if (!isRecord(params))
    throw new RequestValidationError("params", "must be an object with a messages array.");
  const messages = params.messages;
  if (!Array.isArray(messages)) {
    throw new RequestValidationError("messages", 'is required: pass [{ role: "user", content: "…" }].');
  }
  if (messages.length === 0) {
    throw new RequestValidationError(
      "messages",
      "is empty: the API keeps no history, so send the whole conversation ending with a user message.",
    );
  }
  for (let index = 0; index < messages.length; index++) checkMessage(messages[index], index);
  const last = messages[messages.length - 1] as { role: string };
  // A tool result may also close the list: that is how OpenAI-style tool loops hand the result
  // back (docs.gloo.com/api-guides/completions-v2, tool calling).
  if (last.role !== "user" && last.role !== "tool") {
    throw new RequestValidationError(
      `messages[${messages.length - 1}].role`,
      `the last message must have role "user" (it is "${last.role}"): append the user's turn.`,
    );
  }
}

function checkMessage(message: unknown, index: number): void {
  if (!isRecord(message)) {
    throw new RequestValidationError(
      `messages[${index}]`,
      'must be an object like { role: "user", content: "…" }.',
    );
  }
  if (typeof message.role !== "string" || !ROLES.has(message.role)) {
    throw new RequestValidationError(
      `messages[${index}].role`,
      `${JSON.stringify(message.role) ?? "undefined"} is not a role: use one of ${ROLE_LIST}.`,
    );
  }
}

/**
 * Checks v2 routing at run time (the types already make it a compile error): exactly one of
 * `auto_routing: true`, `model`, `model_family` (docs.gloo.com/api-reference/completions/v2).
 */
export function guardRouting(params: Record<string, unknown>): void {
  routingMechanism(params);
}

/**
 * Rejects top-level values JSON would silently change: `NaN`/`Infinity` become `null` and
 * functions vanish, so the platform would see a different request than the caller wrote.
 */
export function guardValues(params: Record<string, unknown>): void {
  for (const key in params) {
    const value = params[key];
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new RequestValidationError(key, `is ${value}, which JSON cannot carry: pass a finite number.`);
    }
    if (typeof value === "function" || typeof value === "symbol") {
      throw new RequestValidationError(key, `is a ${typeof value}, which JSON drops: pass plain data.`);
    }
  }
}

/** Serialises a request body, turning JSON.stringify's failures (cycles, BigInt) into a clear error. */
export function serializeBody(params: unknown): string {
  try {
    return JSON.stringify(params);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RequestValidationError(
      "params",
      `is not JSON-serialisable (${reason}): remove cycles, BigInt values and class instances.`,
    );
  }
}
