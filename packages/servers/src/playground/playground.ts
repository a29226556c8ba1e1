import { type Gloo, healthChecks, runHealthChecks } from "@gloo-toolkit/sdk";
import { loopbackViolation } from "../proxy/access.js";
import { createAssetReader } from "./assets.js";
import { playgroundError, relayCompletion, relayModels } from "./relay.js";

/** Options of {@link createPlayground}. */
export interface PlaygroundOptions {
  /** The upstream client; its token cache is the only place the credentials live. */
  gloo: Gloo;
  /** What the upstream is, shown on the page: the real platform or an emulator. */
  upstream: "platform" | "emulator";
  /** The model of v1 requests and of the Health button's checks (`GLOO_MODEL`). */
  model: string;
  /** Largest completion request accepted from the page, in bytes. @default 1 MiB */
  maxBodyBytes?: number;
}

/** The playground's request handler. */
export interface Playground {
  /** The fetch handler; bind it with `serve()` or call it in-process. */
  fetch(request: Request): Promise<Response>;
}

// The page may load and connect to its own origin only: with the sanitizer, this keeps model
// output inert and every request on this machine.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

type Api = "info" | "models" | "v1" | "v2" | "health";

// A Map, not an object literal: a path like `/constructor` must not find Object.prototype members.
const API_ROUTES = new Map<string, { method: string; api: Api }>([
  ["/api/info", { method: "GET", api: "info" }],
  ["/api/platform/v2/models", { method: "GET", api: "models" }],
  ["/api/ai/v1/chat/completions", { method: "POST", api: "v1" }],
  ["/api/ai/v2/chat/completions", { method: "POST", api: "v2" }],
  ["/api/health", { method: "POST", api: "health" }],
]);

/**
 * Creates the playground: one page (chat, compare, inspect, health) and the API it calls, which
 * relays completions to the upstream with the upstream client's token. Only loopback `Host`s and
 * same-machine `Origin`s are answered, so no other web page can reach it (DNS rebinding included).
 * @example
 * const gloo = new Gloo({ clientId, clientSecret });
 * const server = await serve(createPlayground({ gloo, upstream: "platform", model }).fetch, { port: 8789 });
 */
export function createPlayground(options: PlaygroundOptions): Playground {
  const readAsset = createAssetReader();
  const maxBodyBytes = options.maxBodyBytes ?? 2 ** 20;
  return {
    async fetch(request) {
      const url = new URL(request.url);
      const response = await route(request, url);
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
      return response;
    },
  };

  async function route(request: Request, url: URL): Promise<Response> {
    const violation = loopbackViolation(request, url);
    if (violation !== undefined) return refused(violation, url);
    const entry = API_ROUTES.get(url.pathname);
    if (entry === undefined) return page(request, url.pathname);
    if (request.method !== entry.method) return notAllowed(entry.method);
    switch (entry.api) {
      case "info":
        return Response.json(
          { upstream: options.upstream, baseURL: options.gloo.baseURL, model: options.model },
          { headers: { "cache-control": "no-store" } },
        );
      case "models":
        return relayModels(options.gloo, request);
      case "v1":
      case "v2":
        return relayCompletion(options.gloo, request, entry.api, maxBodyBytes);
      case "health":
        return health(request);
    }
  }

  async function page(request: Request, path: string): Promise<Response> {
    if (request.method !== "GET" && request.method !== "HEAD") return notAllowed("GET");
    const asset = await readAsset(path);
    if (asset === undefined) return playgroundError(404, "not_found", `No file ${path} in the playground.`);
    return new Response(request.method === "HEAD" ? null : asset.body, {
      headers: { "content-type": asset.type, "cache-control": "no-cache" },
    });
  }

  // The quickstart's checks with the playground's client: the verdicts of `gloo health`.
  async function health(request: Request): Promise<Response> {
    const results = await runHealthChecks(options.gloo, [options.model], { signal: request.signal });
    const titled = results.map((result) => ({
      ...result,
      title: healthChecks.find((check) => check.id === result.check)?.title ?? result.check,
    }));
    return Response.json(
      { ok: results.every((result) => result.ok), model: options.model, results: titled },
      { headers: { "cache-control": "no-store" } },
    );
  }
}

function refused(violation: "host" | "origin", url: URL): Response {
  return violation === "host"
    ? playgroundError(
        403,
        "non_loopback_host",
        `The playground only answers requests addressed to this machine (Host was "${url.host}"); open it at 127.0.0.1 or localhost.`,
      )
    : playgroundError(
        403,
        "cross_origin",
        "The playground refuses requests from web pages on other origins.",
      );
}

function notAllowed(method: string): Response {
  const response = playgroundError(405, "method_not_allowed", `Use ${method}.`);
  response.headers.set("allow", method);
  return response;
}
