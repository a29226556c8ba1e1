// `POST /ai/v1/chat/completions`, `/ai/v2/chat/completions` and `/ai/v2/chat/completions/grounded`:
// auth, faults, body checks, routing, the safety layer, the model, and the JSON or SSE answer.

import { type Answer, AnswerMemo } from "./answer-memo.js";
import { authenticate } from "./auth.js";
import {
  completionBody,
  completionJsonTemplate,
  type PlannedAnswer,
  planAnswer,
  stamp,
} from "./completion.js";
import { type FaultClock, type FaultSource, withFaults } from "./fault-source.js";
import type { RequestFaults } from "./faults.js";
import { citationsOf, type Grounding, groundedText, readGrounding, retrieve } from "./grounded.js";
import { json, jsonText, unprocessable } from "./http.js";
import { exactInstruction, generateReply, textOf } from "./model.js";
import type { Random } from "./random.js";
import { parseJsonText, readJsonText } from "./request-body.js";
import { type Route, resolveRoute } from "./routing.js";
import { REFUSAL_TEXT, refuses } from "./safety.js";
import type { Script } from "./script.js";
import { completionStream } from "./stream.js";
import type { TokenIssuer } from "./token.js";
import { type ValidatedBody, validateBody } from "./validation.js";

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

/** A completions endpoint: V1, V2, or V2 grounded. */
export type CompletionsApi = "v1" | "v2" | "grounded";

/** The handler of one completions API. */
export function completionsHandler(api: CompletionsApi, context: CompletionContext): RouteHandler {
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
  api: CompletionsApi,
  faults: RequestFaults,
  context: CompletionContext,
  memo: AnswerMemo,
): Promise<Response> {
  const text = await readJsonText(request, requestId);
  if (typeof text !== "string") return text;
  // A forced refusal (`x-emulator-fault: moderation`) is neither read from nor kept in the memo.
  const answer = faults.moderation
    ? answerFor(text, api, requestId, context, undefined, true)
    : (memo.get(text) ?? answerFor(text, api, requestId, context, memo, false));
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

// Parses, validates, routes and runs the safety layer and the model; remembers the answer when it
// is deterministic.
function answerFor(
  text: string,
  api: CompletionsApi,
  requestId: string,
  context: CompletionContext,
  memo: AnswerMemo | undefined,
  forceRefusal: boolean,
): Answer | Response {
  const read = parseJsonText(text, requestId);
  if (!read.ok) return read.response;
  const grounding = api === "grounded" ? readGrounding(read.value, requestId) : undefined;
  if (grounding instanceof Response) return grounding;
  const bodyApi = api === "v1" ? "v1" : "v2";
  const body = validateBody(grounding === undefined ? read.value : grounding.body, bodyApi);
  if (Array.isArray(body)) return unprocessable(body);
  const route = resolveRoute(body, bodyApi, requestId);
  if (route instanceof Response) return route;
  // The safety layer guards V2 and grounded completions (emulator choice: V1 answers as before).
  const refused = bodyApi === "v2" && (forceRefusal || refuses(body.messages));
  const planned = refused
    ? refusal(body, route, grounding, context)
    : grounding === undefined
      ? planAnswer(body, route, bodyApi, context)
      : grounded(body, route, grounding, context);
  // Only temperature 0 ignores the PRNG (model.ts): anything else must draw afresh every time.
  if (body.temperature !== 0 && !refused) return { body, planned, json: undefined };
  const answer = { body, planned, json: completionJsonTemplate(planned) };
  memo?.set(text, answer);
  return answer;
}

// The canned refusal: no model was called, so `model` is "" and there is no routing metadata.
function refusal(
  body: ValidatedBody,
  route: Route,
  grounding: Grounding | undefined,
  context: CompletionContext,
): PlannedAnswer {
  const unrouted: Route = { model: { ...route.model, id: "" }, routing: undefined };
  const planned = planAnswer(body, unrouted, "v2", context, { text: REFUSAL_TEXT });
  return grounding === undefined ? planned : { ...planned, extra: { sources_returned: false } };
}

// Grounded: the answer quotes the passages retrieved for the prompt, unless the model would call a
// tool, answer JSON or follow an exact-reply instruction; without passages, the model answers.
function grounded(
  body: ValidatedBody,
  route: Route,
  grounding: Grounding,
  context: CompletionContext,
): PlannedAnswer {
  const sources = retrieve(grounding, body);
  const returned = sources.length > 0;
  const reply = returned && answersInProse(body, context) ? { text: groundedText(sources) } : undefined;
  const planned = planAnswer(body, route, "v2", context, reply);
  const citations = returned && grounding.includeCitations ? citationsOf(sources) : undefined;
  return { ...planned, extra: { sources_returned: returned }, citations };
}

function answersInProse(body: ValidatedBody, context: CompletionContext): boolean {
  if (body.responseFormat !== undefined && body.responseFormat.type !== "text") return false;
  const last = body.messages.at(-1);
  if (last?.role !== "user" || exactInstruction(textOf(last.content)) !== undefined) return false;
  return !("toolCalls" in generateReply(body, context.random, context.script));
}
