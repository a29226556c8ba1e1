// Fault injection (docs/emulator.md, faults): random faults at configured rates (`--faults`) and exact
// faults per request (`x-emulator-fault` header, or queued by a test with `emulator.queueFault`).
import { invalidRequest, json, platformError } from "./http.js";
import type { Random } from "./random.js";

/** The request header that asks for faults, e.g. `x-emulator-fault: drop-after=3`. */
export const FAULT_HEADER = "x-emulator-fault";

/** Faults that `--faults` can apply at random, each with a rate in [0, 1]. */
export const RATE_FAULTS = ["429", "500", "502", "503", "drop", "stream-drop", "stream-error"] as const;

/** A fault that can be applied at random. */
export type RateFault = (typeof RATE_FAULTS)[number];

/** Rates per fault, e.g. `{ "429": 0.1, "503": 0.05, drop: 0.01 }`; at most 1 in total. */
export type FaultSpec = Partial<Record<RateFault, number>>;

/** The faults applied to one request. */
export interface RequestFaults {
  /** Answer with this error status instead of completing. */
  status?: 429 | 500 | 502 | 503;
  /** Seconds in `Retry-After` of a 429. */
  retryAfter?: number;
  /** Close the connection before any header. */
  drop?: boolean;
  /** Cut the stream after this many chunks. */
  dropAfter?: number;
  /** Send a `finish_reason: "error"` chunk after this many chunks. */
  errorAfter?: number;
  /** Wait this long before answering. */
  latencyMs?: number;
  /** Token lifetime in seconds for a token request. */
  tokenTtl?: number;
  /** Answer with the safety layer's canned refusal (V2 and grounded completions). */
  moderation?: boolean;
}

/** Retry-After of an injected 429 unless `retry-after=S` is given (emulator choice). */
export const DEFAULT_RETRY_AFTER = 1;

/**
 * Parses `--faults`: comma-separated `fault=rate` pairs.
 * @example
 * parseFaults("429=0.1,503=0.05,drop=0.01"); // { "429": 0.1, "503": 0.05, drop: 0.01 }
 */
export function parseFaults(spec: string): FaultSpec {
  const out: FaultSpec = {};
  for (const pair of spec
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const [name, rate, extra] = pair.split("=");
    if (!isRateFault(name) || rate === undefined || extra !== undefined) {
      throw new TypeError(
        `Bad fault "${pair}": use fault=rate with a fault among ${RATE_FAULTS.join(", ")}.`,
      );
    }
    out[name] = Number(rate);
  }
  return checkFaultSpec(out);
}

/** Checks each rate is in [0, 1] and that they add up to at most 1. */
export function checkFaultSpec(spec: FaultSpec): FaultSpec {
  let total = 0;
  for (const [name, rate] of Object.entries(spec)) {
    if (!isRateFault(name)) throw new TypeError(`Unknown fault "${name}"; known: ${RATE_FAULTS.join(", ")}.`);
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new TypeError(`The rate of fault "${name}" must be a number from 0 to 1 (got ${String(rate)}).`);
    }
    total += rate;
  }
  if (total > 1 + 1e-9) throw new TypeError(`Fault rates add up to ${total}; their sum must be at most 1.`);
  return spec;
}

function isRateFault(name: string | undefined): name is RateFault {
  return (RATE_FAULTS as readonly (string | undefined)[]).includes(name);
}

/** Picks at most one fault at the configured rates. */
export function pickFault(spec: FaultSpec, random: Random): RequestFaults {
  let roll = random();
  for (const name of RATE_FAULTS) {
    const rate = spec[name] ?? 0;
    if (roll < rate) return faultFor(name, random);
    roll -= rate;
  }
  return {};
}

function faultFor(name: RateFault, random: Random): RequestFaults {
  if (name === "drop") return { drop: true };
  // Mid-stream faults strike after 1–8 chunks; on a JSON request they do nothing.
  if (name === "stream-drop") return { dropAfter: 1 + Math.floor(random() * 8) };
  if (name === "stream-error") return { errorAfter: 1 + Math.floor(random() * 8) };
  return { status: Number(name) as RequestFaults["status"] & number };
}

/**
 * Parses the fault header: comma-separated `429`, `500`, `502`, `503`, `drop`, `moderation`, `drop-after=N`,
 * `error-after=N`, `latency=MS`, `retry-after=S`, `ttl=S`; a message saying what is wrong otherwise.
 */
export function parseFaultHeader(value: string): RequestFaults | string {
  const faults: RequestFaults = {};
  for (const item of value
    .split(",")
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== "")) {
    const problem = applyItem(faults, item);
    if (problem !== undefined) return problem;
  }
  return faults;
}

function applyItem(faults: RequestFaults, item: string): string | undefined {
  if (item === "429" || item === "500" || item === "502" || item === "503") {
    faults.status = Number(item) as 429 | 500 | 502 | 503;
    return undefined;
  }
  if (item === "drop") {
    faults.drop = true;
    return undefined;
  }
  if (item === "moderation") {
    faults.moderation = true;
    return undefined;
  }
  const [key, raw] = item.split("=");
  const number = Number(raw);
  const fields: Record<string, keyof RequestFaults> = {
    "drop-after": "dropAfter",
    "error-after": "errorAfter",
    latency: "latencyMs",
    "retry-after": "retryAfter",
    ttl: "tokenTtl",
  };
  const field = fields[key ?? ""];
  if (field === undefined || raw === undefined || raw === "" || !Number.isInteger(number) || number < 0) {
    return `Unknown ${FAULT_HEADER} item "${item}": use 429, 500, 502, 503, drop, moderation, drop-after=N, error-after=N, latency=MS, retry-after=S or ttl=S.`;
  }
  (faults as Record<string, number>)[field] = number;
  return undefined;
}

/** The error response for an injected status fault. */
export function faultResponse(faults: RequestFaults, requestId: string, now: number): Response {
  const status = faults.status as number;
  if (status === 429) {
    const wait = faults.retryAfter ?? DEFAULT_RETRY_AFTER;
    // Body documented verbatim; Retry-After and X-RateLimit-Reset (epoch seconds) are emulator choices.
    return json(
      429,
      { error: "Rate limit exceeded", code: "too_many_requests" },
      { "retry-after": String(wait), "x-ratelimit-reset": String(Math.ceil(now / 1000) + wait) },
    );
  }
  return platformError(SERVER_ERRORS[status] ?? (SERVER_ERRORS[500] as ServerError), requestId);
}

type ServerError = Parameters<typeof platformError>[0];

const SERVER_ERRORS: Record<number, ServerError> = {
  500: {
    status: 500,
    type: "api_error",
    code: 2000,
    name: "INTERNAL_ERROR",
    message: "The platform hit an unexpected error (injected by the emulator). Retry with backoff.",
    retryable: true,
    fault: "platform",
  },
  502: {
    status: 502,
    type: "api_error",
    code: 2003,
    name: "BAD_GATEWAY",
    message:
      "The model provider returned an invalid response (injected by the emulator). Retry with backoff.",
    retryable: true,
  },
  503: {
    status: 503,
    type: "service_unavailable_error",
    code: 2002,
    name: "PROVIDER_UNAVAILABLE",
    message: "The model provider is unavailable (injected by the emulator). Retry with backoff.",
    retryable: true,
  },
};

/** The error object of a mid-stream `finish_reason: "error"` chunk. */
export const STREAM_ERROR = {
  type: "service_unavailable_error",
  code: 2002,
  name: "PROVIDER_UNAVAILABLE",
  message: "The model provider failed mid-stream (injected by the emulator). Retry the request.",
  retryable: true,
} as const;

/** A 400 for an unparsable fault header. */
export const badFaultHeader = (message: string, requestId: string): Response =>
  invalidRequest(message, requestId);
