// `POST /ai/v1/chat/completions` and `/ai/v2/chat/completions`: auth, faults, body checks,
// routing, the model, and the JSON or SSE answer.
import { authenticate } from "./auth.js";
import { completionBody, planCompletion } from "./completion.js";
import { type FaultClock, type FaultSource, withFaults } from "./fault-source.js";
import type { RequestFaults } from "./faults.js";
import { json, unprocessable } from "./http.js";
import type { Random } from "./random.js";
import { readJsonBody } from "./request-body.js";
import { resolveRoute } from "./routing.js";
import type { Script } from "./script.js";
import { completionStream } from "./stream.js";
import type { TokenIssuer } from "./token.js";
import { validateBody } from "./validation.js";

/** A route's handler: the request and the id its answer will carry. */
export type RouteHandler = (request: Request, requestId: string) => Promise<Response> | Response;

/** What the completion endpoints need from the emulator. */
export interface CompletionContext extends FaultClock {
  issuer: TokenIssuer;
  faults: FaultSource;
  random: Random;
  script: Script | undefined;
  doneSentinel: boolean;
  tokenDelayMs: number;
}

/** The handler of one completions API. */
export function completionsHandler(api: "v1" | "v2", context: CompletionContext): RouteHandler {
  return (request, requestId) => {
    const claims = authenticate(request, context.issuer);
    if (claims instanceof Response) return claims;
    const faults = context.faults.forRequest(request, true);
    return withFaults(request, requestId, faults, context, (left) =>
      complete(request, requestId, api, left, context),
    );
  };
}

async function complete(
  request: Request,
  requestId: string,
  api: "v1" | "v2",
  faults: RequestFaults,
  context: CompletionContext,
): Promise<Response> {
  const read = await readJsonBody(request, requestId);
  if (!read.ok) return read.response;
  const body = validateBody(read.value, api);
  if (Array.isArray(body)) return unprocessable(body);
  const route = resolveRoute(body, api, requestId);
  if (route instanceof Response) return route;
  const plan = planCompletion(body, route, api, {
    random: context.random,
    script: context.script,
    now: context.now(),
  });
  if (!body.stream) return json(200, completionBody(plan));
  const stream = completionStream(plan, {
    includeUsage: body.includeUsage,
    doneSentinel: context.doneSentinel,
    tokenDelayMs: context.tokenDelayMs,
    dropAfter: faults.dropAfter,
    errorAfter: faults.errorAfter,
    requestId,
    sleep: (ms) => context.sleep(ms, request.signal),
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}
