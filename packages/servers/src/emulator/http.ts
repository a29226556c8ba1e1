// The response shapes the platform documents (reference: docs.gloo.com "Errors" and "Limits"),
// built in one place so every route answers errors the same way.

/** One FastAPI/Pydantic validation issue, as in the platform's 422 bodies. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

/** Fields of the platform's AI error object (`{"error": {...}}`) that callers choose. */
export interface PlatformErrorInit {
  status: number;
  type: string;
  code: number;
  name: string;
  message: string;
  retryable: boolean;
  fault?: "client" | "provider" | "platform";
}

/** A JSON response; `x-request-id` is added by the router for every response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A JSON response from text already serialised (a remembered answer's body). */
export function jsonText(status: number, text: string): Response {
  return new Response(text, { status, headers: JSON_HEADERS });
}

const JSON_HEADERS = { "content-type": "application/json" } as const;

/** The documented AI error envelope; `trace_id` is the request id without dashes. */
export function platformError(
  init: PlatformErrorInit,
  requestId: string,
  headers: Record<string, string> = {},
) {
  const fault = init.fault ?? (init.status < 500 ? "client" : "provider");
  return json(init.status, platformErrorObject(init, requestId, fault), headers);
}

/** The body of {@link platformError}, also sent inside a stream's `finish_reason: "error"` chunk. */
export function platformErrorObject(
  init: Omit<PlatformErrorInit, "status">,
  requestId: string,
  fault = init.fault ?? "provider",
) {
  return {
    error: {
      type: init.type,
      code: init.code,
      name: init.name,
      message: init.message,
      category: fault === "client" ? "client_error" : "server_error",
      fault,
      retryable: init.retryable,
      trace_id: requestId.replaceAll("-", ""),
    },
  };
}

/** A 400 for a request the platform cannot parse or route (the AI error envelope, code 1001). */
export function invalidRequest(message: string, requestId: string): Response {
  return platformError(
    {
      status: 400,
      type: "invalid_request_error",
      code: 1001,
      name: "INVALID_REQUEST",
      message,
      retryable: false,
    },
    requestId,
  );
}

/** A 422 in the FastAPI shape: `{"detail": [{type, loc, msg, input}]}`. */
export function unprocessable(issues: ValidationIssue[]): Response {
  return json(422, { detail: issues.map((issue) => ({ ...issue, input: echoable(issue.input) })) });
}

// Inputs are echoed as Pydantic does, unless they are too deep or too big to send back.
function echoable(input: unknown): unknown {
  try {
    return JSON.stringify(input ?? null).length <= 4096 ? input : "<input too large to echo>";
  } catch {
    return "<input too deeply nested to echo>";
  }
}

/** FastAPI's default answers for unknown routes and methods. */
export const notFound = (): Response => json(404, { detail: "Not Found" });

export const methodNotAllowed = (allow: string): Response =>
  json(405, { detail: "Method Not Allowed" }, { allow });
