import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  GlooError,
  InternalServerError,
  NotFoundError,
  OAuthError,
  PermissionDeniedError,
  RateLimitError,
  RequestValidationError,
  StreamError,
  StreamInterruptedError,
  UnprocessableEntityError,
} from "@gloo-toolkit/sdk";
import { ExitCode, FailureError, UsageError } from "../errors.js";

/** What the user sees for an error: a sentence, what to do about it, and the id support asks for. */
export interface ErrorMessage {
  message: string;
  hint: string | undefined;
  requestId: string | undefined;
  exitCode: number;
}

/** The closing advice of many messages; `gloo doctor` drops it from its own findings. */
export const DOCTOR_HINT = "`gloo doctor` checks the usual causes.";
const doctor = DOCTOR_HINT;

/**
 * Turns any error into a message with advice; the one place SDK errors meet the user.
 * SDK messages never contain a secret or a token (they are built and tested that way), so quoting them is safe.
 */
export function describeError(error: unknown): ErrorMessage {
  if (error instanceof UsageError) return plain(error.message, error.hint, ExitCode.usage);
  if (error instanceof FailureError)
    return { ...plain(error.message, error.hint, ExitCode.failure), requestId: error.requestId };
  if (error instanceof OAuthError) return describeOAuth(error);
  if (error instanceof APIError && error.target?.url.endsWith(TOKEN_PATH)) return describeTokenFailure(error);
  if (error instanceof APIError) return describeAPI(error);
  if (error instanceof RequestValidationError) {
    return plain(
      `the request was not sent: ${error.param}: ${bare(error.message, error.param)}`,
      "Fix the flag or input named above.",
      ExitCode.usage,
    );
  }
  if (error instanceof StreamError) {
    return {
      ...plain(`the stream failed mid-way: ${error.message}`, retryHint(error.retryable), ExitCode.failure),
      requestId: error.requestId,
    };
  }
  if (error instanceof APIUserAbortError) return plain("interrupted.", undefined, ExitCode.interrupted);
  if (error instanceof APIConnectionError) return describeConnection(error);
  if (error instanceof GlooError) return plain(error.message, undefined, ExitCode.failure);
  const message = error instanceof Error ? error.message : String(error);
  return plain(message, undefined, ExitCode.failure);
}

/** The message, hint and request id as the lines `main` prints to stderr. */
export function formatErrorMessage(described: ErrorMessage): string {
  return [
    `gloo: ${described.message}`,
    described.hint,
    described.requestId === undefined
      ? undefined
      : `Request id: ${described.requestId} (quote it to Gloo support).`,
  ]
    .filter((line) => line !== undefined)
    .join("\n")
    .concat("\n");
}

// SDK messages may already end with a full stop; never print two.
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function plain(message: string, hint: string | undefined, exitCode: number): ErrorMessage {
  return { message, hint, requestId: undefined, exitCode };
}

// The SDK's RequestValidationError message repeats the param and an SDK-option hint; keep the reason.
function bare(message: string, param: string): string {
  return message.replace(`Invalid request: ${param}: `, "").replace(/ \(set guard: false[^)]*\)$/, "");
}

function describeOAuth(error: OAuthError): ErrorMessage {
  const detail = error.errorDescription === undefined ? "" : ` (${error.errorDescription})`;
  const hints: Record<string, string> = {
    invalid_client:
      "Check GLOO_CLIENT_ID and GLOO_CLIENT_SECRET (Gloo AI Studio → API credentials); a secret copied with a trailing space or from another environment is the usual cause.",
    invalid_scope:
      'The client is not allowed the "api/access" scope; create credentials with API access in Gloo AI Studio.',
    unauthorized_client: "This client may not use the client_credentials grant; check it in Gloo AI Studio.",
  };
  return {
    message: sentence(`the token request failed: ${error.error}${detail}`),
    hint: hints[error.error] ?? doctor,
    requestId: error.requestId,
    exitCode: ExitCode.failure,
  };
}

// The SDK's token endpoint, under the base URL (the platform's documented `POST /oauth2/token`).
const TOKEN_PATH = "/oauth2/token";

// The token endpoint answered an error status without an OAuth2 error body: usually the base URL
// is not the platform's root (a 404 or 405 from some other server), or the endpoint failed.
function describeTokenFailure(error: APIError): ErrorMessage {
  const status = error.status;
  const base =
    "Check GLOO_BASE (or --base): it must be the platform's root, such as https://platform.ai.gloo.com, or the emulator's URL, with no path.";
  const [what, hint] =
    status === 404 || status === 405
      ? [`there is no OAuth2 token endpoint at this base URL (HTTP ${status}: ${error.message})`, base]
      : status >= 500 || status === 429
        ? [
            `the token endpoint failed after retries (HTTP ${status}: ${error.message})`,
            "The platform's side failed; try again in a moment. If it persists, check GLOO_BASE (or --base).",
          ]
        : [
            `the token endpoint answered HTTP ${status}, which is not an OAuth2 error (${error.message})`,
            base,
          ];
  return {
    message: sentence(`the token request failed: ${what}`),
    hint,
    requestId: error.requestId,
    exitCode: ExitCode.failure,
  };
}

function describeAPI(error: APIError): ErrorMessage {
  const [message, hint] = apiAdvice(error);
  return { message, hint, requestId: error.requestId, exitCode: ExitCode.failure };
}

/** Whether the platform refused the request's model id as unknown (not a model that lacks a feature). */
export function isUnknownModelError(error: unknown): boolean {
  return (
    error instanceof APIError &&
    [400, 404, 422].includes(error.status) &&
    /\bmodel\b/i.test(error.message) &&
    /unknown|not found|does not exist|no such|invalid model/i.test(error.message)
  );
}

function apiAdvice(error: APIError): [string, string] {
  if (isUnknownModelError(error))
    return [
      sentence(`unknown model: ${error.message}`),
      "`gloo models` lists the ids this platform serves; pass one with --model (or set GLOO_MODEL).",
    ];
  if (error.status === 413)
    return [
      sentence(`the request is too large: ${error.message}`),
      "The platform refused the body as too large: shorten the prompt, the attached files (-a) or the history (/trim in gloo repl).",
    ];
  if (error instanceof AuthenticationError) {
    return [
      sentence(`the platform rejected the access token: ${error.message}`),
      `The token is missing, expired or not valid for this platform. ${doctor}`,
    ];
  }
  if (error instanceof PermissionDeniedError) {
    return [
      sentence(`forbidden: ${error.message}`),
      "Either the token lacks the api/access scope or this client is not entitled to the model: try another --model (see `gloo models`), check the credentials' access in Gloo AI Studio, and note the platform needs a payment method on file before API calls work. " +
        doctor,
    ];
  }
  if (error instanceof UnprocessableEntityError) {
    const issues = error.issues.map((issue) => `  ${issue.loc.join(".")}: ${issue.msg}`).join("\n");
    return [
      `${sentence(`the platform rejected the request: ${error.message}`)}${issues === "" ? "" : `\n${issues}`}`,
      "Fix the fields listed above (see the command's --help).",
    ];
  }
  if (error instanceof BadRequestError)
    return [
      sentence(`bad request: ${error.message}`),
      "Check the flags against the command's --help; some models reject tools or options.",
    ];
  // `gloo emulator --replay` in strict mode: its message names the nearest recordings already.
  if (error.code === "cassette_miss")
    return [
      sentence(`no recording for this request: ${error.message}`),
      "GLOO_BASE points at `gloo emulator --replay`: record this request too, or restart it with --mode fallback.",
    ];
  if (error instanceof NotFoundError)
    return [
      sentence(`not found: ${error.message}`),
      "Check GLOO_BASE (or --base): it should be the platform's root, e.g. https://platform.ai.gloo.com, with no path.",
    ];
  if (error instanceof RateLimitError)
    return [
      sentence(`rate limited: ${error.message}`),
      "Retries were exhausted. Wait and try again; a 429 can also mean the weekly spending limit was reached.",
    ];
  if (error instanceof InternalServerError)
    return [sentence(`the platform failed: ${error.message}`), retryHint(error.retryable)];
  return [sentence(`the platform answered with an error: ${error.message}`), doctor];
}

function describeConnection(error: APIConnectionError): ErrorMessage {
  if (error instanceof StreamInterruptedError) {
    return plain(
      `the connection dropped during the stream: ${error.message}`,
      "Text already printed is all that arrived. Try again.",
      ExitCode.failure,
    );
  }
  if (error instanceof APIConnectionTimeoutError) {
    return plain(
      `timed out: ${error.message}`,
      "The platform did not answer in time; try again, or raise the timeout.",
      ExitCode.failure,
    );
  }
  const cause = causeText(error.cause);
  const detail = `${error.message}${cause === "" ? "" : ` (${cause})`}`;
  if (unreachable.some((code) => cause.includes(code))) {
    return plain(
      `could not reach the platform: ${detail}`,
      "Check GLOO_BASE (or --base) and your network. To work offline, run `gloo emulator` and point GLOO_BASE at it.",
      ExitCode.failure,
    );
  }
  return plain(
    `the connection failed: ${detail}`,
    "The platform (or something on the way) closed the connection without an answer, and retries did not help. Try again; `gloo doctor` checks the setup.",
    ExitCode.failure,
  );
}

// Causes that mean "nothing answers at this address" rather than "it answered, then hung up".
const unreachable = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "bad port",
  "Invalid URL",
];

// undici wraps the socket error: "fetch failed" → cause with a `code` (ECONNREFUSED, UND_ERR_SOCKET, …).
function causeText(cause: unknown): string {
  const parts: string[] = [];
  for (
    let current = cause, depth = 0;
    current instanceof Error && depth < 4;
    current = current.cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === "string" ? code : current.message);
  }
  return parts.filter((part) => part !== "").join(": ");
}

function retryHint(retryable: boolean | undefined): string {
  return retryable === false
    ? "The platform says retrying will not help; check the request."
    : "This is usually transient: try again in a moment.";
}
