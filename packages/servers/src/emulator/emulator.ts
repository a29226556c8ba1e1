// `createEmulator`: the local Gloo platform as one fetch handler (DESIGN.md §3–§4).
import { randomUUID } from "node:crypto";
import { DROP_CONNECTION } from "../node-server.js";
import { authenticate } from "./auth.js";
import { catalogueListing } from "./catalogue.js";
import { completionBody, planCompletion } from "./completion.js";
import {
  badFaultHeader,
  checkFaultSpec,
  FAULT_HEADER,
  type FaultSpec,
  faultResponse,
  parseFaultHeader,
  parseFaults,
  pickFault,
  type RequestFaults,
} from "./faults.js";
import { json, methodNotAllowed, notFound, unprocessable } from "./http.js";
import { createLegacyChat } from "./legacy-chat.js";
import { type Random, seededRandom } from "./random.js";
import { readJsonBody } from "./request-body.js";
import { resolveRoute } from "./routing.js";
import { compileScript, type ScriptRule } from "./script.js";
import { completionStream } from "./stream.js";
import { createTokenIssuer } from "./token.js";
import { validateBody } from "./validation.js";

/** Options of {@link createEmulator}. */
export interface EmulatorOptions {
  /** The client id the token endpoint accepts. @default "emulator-client" */
  clientId?: string;
  /** The client secret the token endpoint accepts. @default "emulator-secret" */
  clientSecret?: string;
  /** Lifetime of issued tokens, in seconds. @default 3600 */
  tokenTtlSeconds?: number;
  /** Delay before every answer, in milliseconds. @default 0 */
  latencyMs?: number;
  /** Delay between stream chunks, in milliseconds. @default 0 */
  tokenDelayMs?: number;
  /** Random faults on completion requests: `"429=0.1,503=0.05"` or rates by fault. @default no faults */
  faults?: string | FaultSpec;
  /** End streams with `data: [DONE]` (the real platform does not). @default false */
  doneSentinel?: boolean;
  /** Scripted replies: `[{pattern, reply}]` or `{pattern: reply}`, checked before the built-in model. */
  script?: ScriptRule[] | Record<string, string>;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
  /** Randomness for temperature > 0 and fault rates; overrides `seed`. @default a PRNG seeded with `seed` */
  random?: () => number;
  /** Seed of the default PRNG. @default a random seed */
  seed?: number;
  /** How the emulator waits (latency, token delay); tests inject a fake. @default setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A running emulator: a fetch handler plus controls for tests. */
export interface Emulator {
  /** Answers one request; serve it with `serve(emulator.fetch)`. */
  fetch: (request: Request) => Promise<Response>;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Applies `fault` (header syntax, e.g. `"429"`, `"drop-after=3"`) to the next completion request. */
  queueFault(fault: string): void;
  /** Makes every token issued so far answer 401, as if it had expired. */
  revokeTokens(): void;
  /** Number of token requests answered with a token so far. */
  readonly tokensIssued: number;
}

type Api = "v1" | "v2";
type Handler = (request: Request, requestId: string) => Promise<Response> | Response;

/**
 * Creates the local Gloo platform: token endpoint, V1/V2 chat completions (JSON and SSE), the
 * models catalogue, the legacy chat endpoints, validation errors, a deterministic model and faults.
 * @example
 * const emulator = createEmulator({ latencyMs: 50 });
 * const server = await serve(emulator.fetch, { port: 0 });
 * // GLOO_BASE=server.url GLOO_CLIENT_ID=emulator-client GLOO_CLIENT_SECRET=emulator-secret
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clientId = options.clientId ?? "emulator-client";
  const clientSecret = options.clientSecret ?? "emulator-secret";
  const now = options.now ?? Date.now;
  const random: Random = options.random ?? seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const sleep = options.sleep ?? defaultSleep;
  const latencyMs = options.latencyMs ?? 0;
  const faultSpec =
    typeof options.faults === "string" ? parseFaults(options.faults) : checkFaultSpec(options.faults ?? {});
  const script = options.script === undefined ? undefined : compileScript(options.script);
  const tokenTtlSeconds = positive(options.tokenTtlSeconds ?? 3600, "tokenTtlSeconds");
  const issuer = createTokenIssuer({ clientId, clientSecret, tokenTtlSeconds, now });
  const legacy = createLegacyChat(now);
  const queued: RequestFaults[] = [];
  let tokensIssued = 0;

  // Faults of a request: the header wins, then a queued fault, then the configured rates.
  function faultsOf(request: Request, useRates: boolean): RequestFaults | string {
    const header = request.headers.get(FAULT_HEADER);
    if (header !== null) return parseFaultHeader(header);
    if (!useRates) return {};
    return queued.shift() ?? pickFault(faultSpec, random);
  }

  async function withFaults(
    request: Request,
    requestId: string,
    useRates: boolean,
    next: (f: RequestFaults) => Promise<Response>,
  ) {
    const faults = faultsOf(request, useRates);
    if (typeof faults === "string") return badFaultHeader(faults, requestId);
    if (faults.latencyMs !== undefined && faults.latencyMs > 0) await sleep(faults.latencyMs, request.signal);
    if (faults.drop === true) throw DROP_CONNECTION;
    if (faults.status !== undefined) return faultResponse(faults, requestId, now());
    return next(faults);
  }

  async function token(request: Request, requestId: string): Promise<Response> {
    return withFaults(request, requestId, false, async (faults) => {
      const response = await issuer.handle(request, requestId, faults.tokenTtl);
      if (response.ok) tokensIssued++;
      return response;
    });
  }

  function completions(api: Api): Handler {
    return async (request, requestId) => {
      const claims = authenticate(request, issuer);
      if (claims instanceof Response) return claims;
      return withFaults(request, requestId, true, (faults) => complete(request, requestId, api, faults));
    };
  }

  async function complete(
    request: Request,
    requestId: string,
    api: Api,
    faults: RequestFaults,
  ): Promise<Response> {
    const read = await readJsonBody(request, requestId);
    if (!read.ok) return read.response;
    const body = validateBody(read.value, api);
    if (Array.isArray(body)) return unprocessable(body);
    const route = resolveRoute(body, api, requestId);
    if (route instanceof Response) return route;
    const plan = planCompletion(body, route, api, { random, script, now: now() });
    if (!body.stream) return json(200, completionBody(plan));
    const stream = completionStream(plan, {
      includeUsage: body.includeUsage,
      doneSentinel: options.doneSentinel ?? false,
      tokenDelayMs: options.tokenDelayMs ?? 0,
      dropAfter: faults.dropAfter,
      errorAfter: faults.errorAfter,
      requestId,
      sleep: (ms) => sleep(ms, request.signal),
    });
    return new Response(stream, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  }

  function authenticated(
    handler: (request: Request, requestId: string, userId: string) => Promise<Response> | Response,
  ): Handler {
    return (request, requestId) => {
      const claims = authenticate(request, issuer);
      return claims instanceof Response ? claims : handler(request, requestId, claims.sub);
    };
  }

  const routes: Record<string, Partial<Record<string, Handler>>> = {
    "/oauth2/token": { POST: token },
    "/ai/v1/chat/completions": { POST: completions("v1") },
    "/ai/v2/chat/completions": { POST: completions("v2") },
    "/platform/v2/models": { GET: () => json(200, catalogueListing()) },
    "/ai/v1/chat": {
      POST: authenticated((request, requestId, userId) => legacy.create(request, requestId, userId)),
      GET: authenticated((request, _requestId, userId) => legacy.read(request, userId)),
    },
  };

  async function fetch(request: Request): Promise<Response> {
    const requestId = randomUUID();
    if (latencyMs > 0) await sleep(latencyMs, request.signal);
    const methods = routes[pathOf(request.url)];
    const handler = methods?.[request.method];
    let response: Response;
    if (methods === undefined) response = notFound();
    else if (handler === undefined) response = methodNotAllowed(Object.keys(methods).join(", "));
    else response = await handler(request, requestId);
    response.headers.set("x-request-id", requestId);
    return response;
  }

  return {
    fetch,
    clientId,
    clientSecret,
    queueFault(fault) {
      const parsed = parseFaultHeader(fault);
      if (typeof parsed === "string") throw new TypeError(parsed);
      queued.push(parsed);
    },
    revokeTokens: () => issuer.revokeAll(),
    get tokensIssued() {
      return tokensIssued;
    },
  };
}

// The path of an absolute URL string ("http://host/path?query" → "/path"), without a URL parse.
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a whole number of seconds ≥ 1 (got ${value}).`);
  return value;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
