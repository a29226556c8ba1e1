// `POST /ai/v1/chat/completions` and `/ai/v2/chat/completions`: auth, faults, body checks,
// routing, the model, and the JSON or SSE answer.

import { type Answer, AnswerMemo } from "./answer-memo.js";
import { authenticate } from "./auth.js";
import { completionBody, completionJsonTemplate, planAnswer, stamp } from "./completion.js";
import { type FaultClock, type FaultSource, withFaults } from "./fault-source.js";
import type { RequestFaults } from "./faults.js";
import { json, jsonText, unprocessable } from "./http.js";
import type { Random } from "./random.js";
import { parseJsonText, readJsonText } from "./request-body.js";
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
  const memo = new AnswerMemo();
  return (request, requestId) => {
    const claims = authenticate(request, context.issuer);
    if (claims instanceof Response) return claims;
    const faults = context.faults.forRequest(request, true);
    return withFaults(request, requestId, faults, context, (left) =>
      complete(request, requestId, api, left, context, memo),
    );
  };
}

async function complete(
  request: Request,
  requestId: string,
  api: "v1" | "v2",
  faults: RequestFaults,
  context: CompletionContext,
  memo: AnswerMemo,
): Promise<Response> {
  const text = await readJsonText(request, requestId);
  if (typeof text !== "string") return text;
  const answer = memo.get(text) ?? answerFor(text, api, requestId, context, memo);
  if (answer instanceof Response) return answer;
  const plan = stamp(answer.planned, context.now());
  if (!answer.body.stream) {
    return answer.json === undefined ? json(200, completionBody(plan)) : jsonText(200, answer.json(plan));
  }
  const stream = completionStream(plan, {
    includeUsage: answer.body.includeUsage,
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

// Parses, validates, routes and runs the model; remembers the answer when it is deterministic.
function answerFor(
  text: string,
  api: "v1" | "v2",
  requestId: string,
  context: CompletionContext,
  memo: AnswerMemo,
): Answer | Response {
  const read = parseJsonText(text, requestId);
  if (!read.ok) return read.response;
  const body = validateBody(read.value, api);
  if (Array.isArray(body)) return unprocessable(body);
  const route = resolveRoute(body, api, requestId);
  if (route instanceof Response) return route;
  const planned = planAnswer(body, route, api, context);
  // Only temperature 0 ignores the PRNG (model.ts): anything else must draw afresh every time.
  if (body.temperature !== 0) return { body, planned, json: undefined };
  const answer = { body, planned, json: completionJsonTemplate(planned) };
  memo.set(text, answer);
  return answer;
}
