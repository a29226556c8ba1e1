// `createEmulator`: the local Gloo platform as one fetch handler (docs/emulator.md).
import { randomUUID } from "node:crypto";
import { authenticate } from "./auth.js";
import { catalogueListing } from "./catalogue.js";
import { type CompletionContext, completionsHandler, type RouteHandler } from "./completions.js";
import { createFaultSource, withFaults } from "./fault-source.js";
import { checkFaultSpec, type FaultSpec, parseFaults } from "./faults.js";
import { json, methodNotAllowed, notFound } from "./http.js";
import { createLegacyChat, type LegacyChat } from "./legacy-chat.js";
import { type Random, seededRandom } from "./random.js";
import { compileScript, type ScriptRule } from "./script.js";
import { createTokenIssuer } from "./token.js";

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
  /** `Retry-After` seconds of random 429 faults. @default 1 */
  retryAfterSeconds?: number;
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
  const tokenTtlSeconds = positive(options.tokenTtlSeconds ?? 3600, "tokenTtlSeconds");
  const issuer = createTokenIssuer({ clientId, clientSecret, tokenTtlSeconds, now });
  const faults = createFaultSource(faultSpecOf(options.faults), random, options.retryAfterSeconds);
  const context: CompletionContext = {
    issuer,
    faults,
    random,
    now,
    sleep,
    script: options.script === undefined ? undefined : compileScript(options.script),
    doneSentinel: options.doneSentinel ?? false,
    tokenDelayMs: options.tokenDelayMs ?? 0,
  };
  let tokensIssued = 0;
  const token: RouteHandler = (request, requestId) =>
    withFaults(request, requestId, faults.forRequest(request, false), context, async (left) => {
      const response = await issuer.handle(request, requestId, left.tokenTtl);
      if (response.ok) tokensIssued++;
      return response;
    });
  const routes = routeTable(token, context, createLegacyChat(now));

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
    queueFault: (fault) => faults.queue(fault),
    revokeTokens: () => issuer.revokeAll(),
    get tokensIssued() {
      return tokensIssued;
    },
  };
}

type RouteTable = Record<string, Partial<Record<string, RouteHandler>>>;

function routeTable(token: RouteHandler, context: CompletionContext, legacy: LegacyChat): RouteTable {
  const authenticated =
    (
      handler: (request: Request, requestId: string, userId: string) => Promise<Response> | Response,
    ): RouteHandler =>
    (request, requestId) => {
      const claims = authenticate(request, context.issuer);
      return claims instanceof Response ? claims : handler(request, requestId, claims.sub);
    };
  return {
    "/oauth2/token": { POST: token },
    "/ai/v1/chat/completions": { POST: completionsHandler("v1", context) },
    "/ai/v2/chat/completions": { POST: completionsHandler("v2", context) },
    "/platform/v2/models": { GET: () => json(200, catalogueListing()) },
    "/ai/v1/chat": {
      POST: authenticated((request, requestId, userId) => legacy.create(request, requestId, userId)),
      GET: authenticated((request, _requestId, userId) => legacy.read(request, userId)),
    },
  };
}

function faultSpecOf(faults: EmulatorOptions["faults"]): FaultSpec {
  return typeof faults === "string" ? parseFaults(faults) : checkFaultSpec(faults ?? {});
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
