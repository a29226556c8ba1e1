// Builds a completion: the model's reply per choice, `max_tokens` truncation, usage, and the
// JSON bodies of V1 (the API reference's example shape) and V2 (the guide's real examples).
import { randomUUID } from "node:crypto";
import { generateReply, type Reply, textOf } from "./model.js";
import type { Random } from "./random.js";
import type { Route } from "./routing.js";
import type { Script } from "./script.js";
import { countTokens, tokenize } from "./tokenizer.js";
import type { EmulatedToolCall } from "./tool-calls.js";
import type { ValidatedBody } from "./validation.js";

/** One choice of a planned completion. */
export interface PlannedChoice {
  /** The text tokens to send (already truncated), empty for tool calls. */
  tokens: readonly string[];
  toolCalls: EmulatedToolCall[] | undefined;
  finishReason: "stop" | "length" | "tool_calls";
}

/** Everything needed to answer, as JSON or as a stream. */
export interface CompletionPlan extends PlannedAnswer {
  id: string;
  created: number;
}

/** The part of a plan that depends only on the request: at temperature 0, the same for the same body. */
export interface PlannedAnswer {
  api: "v1" | "v2";
  route: Route;
  choices: PlannedChoice[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Top-level fields after the routing metadata (grounded: `sources_returned`), on the body and every chunk. */
  extra?: Record<string, unknown> | undefined;
  /** Sources a stream announces in its first event (grounded completions). */
  citations?: unknown[] | undefined;
}

/** The choices and usage of a completion, without the per-response id and timestamp. */
export function planAnswer(
  body: ValidatedBody,
  route: Route,
  api: "v1" | "v2",
  context: { random: Random; script: Script | undefined },
  reply?: Reply,
): PlannedAnswer {
  const choices: PlannedChoice[] = [];
  for (let i = 0; i < body.n; i++) {
    choices.push(planChoice(reply ?? generateReply(body, context.random, context.script), body.maxTokens));
  }
  // Usage: each message counts one token for its role plus its content's tokens (emulator choice).
  const prompt = body.messages.reduce((sum, m) => sum + 1 + countTokens(textOf(m.content)), 0);
  const completion = choices.reduce((sum, c) => sum + c.tokens.length + toolCallTokens(c.toolCalls), 0);
  return {
    api,
    route,
    choices,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** The answer as one response: a fresh id and `created` from the clock (epoch ms). */
export function stamp(answer: PlannedAnswer, now: number): CompletionPlan {
  const created = Math.floor(now / 1000);
  const id =
    answer.api === "v1" ? `chatcmpl-${randomUUID().slice(0, 8)}` : `gen-${created}-${alphanumeric(20)}`;
  // Fields listed, not spread: `{ ...answer }` measured ~2 µs slower per request on Node 20.
  const { api, route, choices, usage, extra, citations } = answer;
  return { api, route, choices, usage, extra, citations, id, created };
}

function planChoice(reply: Reply, maxTokens: number | undefined): PlannedChoice {
  if ("toolCalls" in reply) return { tokens: [], toolCalls: reply.toolCalls, finishReason: "tool_calls" };
  const tokens = tokenize(reply.text);
  if (maxTokens !== undefined && tokens.length > maxTokens) {
    return { tokens: tokens.slice(0, maxTokens), toolCalls: undefined, finishReason: "length" };
  }
  return { tokens, toolCalls: undefined, finishReason: "stop" };
}

/** Tokens of a tool call: its name and its arguments text. */
export function toolCallTokens(calls: EmulatedToolCall[] | undefined): number {
  return (calls ?? []).reduce((sum, call) => sum + countTokens(call.name) + countTokens(call.arguments), 0);
}

/** The OpenAI `tool_calls` array of a message. */
export function toolCallsJson(calls: EmulatedToolCall[]) {
  return calls.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
}

/** The non-stream response body. */
export function completionBody(plan: CompletionPlan): Record<string, unknown> {
  const choices = plan.choices.map((choice, index) => {
    const content = choice.toolCalls === undefined ? choice.tokens.join("") : null;
    const toolCalls = choice.toolCalls === undefined ? null : toolCallsJson(choice.toolCalls);
    const message =
      plan.api === "v1"
        ? {
            content,
            refusal: null,
            role: "assistant",
            annotations: null,
            audio: null,
            function_call: null,
            tool_calls: toolCalls,
          }
        : { role: "assistant", content, ...(toolCalls === null ? {} : { tool_calls: toolCalls }) };
    return plan.api === "v1"
      ? { finish_reason: choice.finishReason, index, logprobs: null, message }
      : { index, finish_reason: choice.finishReason, message };
  });
  if (plan.api === "v1") {
    return {
      id: plan.id,
      choices,
      created: plan.created,
      model: plan.route.model.id,
      object: "chat.completion",
      service_tier: null,
      system_fingerprint: "fp",
      usage: { ...plan.usage, completion_tokens_details: null, prompt_tokens_details: null },
    };
  }
  return { ...header(plan, "chat.completion"), choices, usage: plan.usage };
}

// A raw NUL never occurs in JSON.stringify output (control characters are escaped), so it marks
// the two per-response fields unambiguously.
const SLOT = "\u0000";

/**
 * The non-stream body as JSON text with `id` and `created` filled in later: the rest of an answer
 * is serialised once, and each response costs two string joins instead of a JSON.stringify.
 */
export function completionJsonTemplate(answer: PlannedAnswer): (plan: CompletionPlan) => string {
  const body = completionBody({ ...answer, id: "", created: 0 });
  const present = Object.entries(body).filter(([, value]) => value !== undefined);
  const members = present.map(([key, value]) => {
    const slot = key === "id" || key === "created";
    return `${JSON.stringify(key)}:${slot ? SLOT : JSON.stringify(value)}`;
  });
  // Both bodies put `id` before `created`; ids are ASCII letters, digits and dashes (no escaping).
  const [head, middle, tail] = `{${members.join(",")}}`.split(SLOT) as [string, string, string];
  return (plan) => `${head}"${plan.id}"${middle}${plan.created}${tail}`;
}

/** The fields every body and chunk of a completion starts with (V2: with routing metadata). */
export function header(plan: CompletionPlan, object: string): Record<string, unknown> {
  const head = {
    id: plan.id,
    object,
    created: plan.created,
    model: plan.route.model.id,
    ...plan.route.routing,
  };
  return plan.extra === undefined ? head : { ...head, ...plan.extra };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Ids need to be unique, not secret: derived from a UUID's hex digits (randomUUID is pooled, cheap).
function alphanumeric(length: number): string {
  const hex = (randomUUID() + randomUUID()).replaceAll("-", "");
  let out = "";
  for (let i = 0; i < length; i++)
    out += ALPHABET[Number.parseInt(hex.slice(i * 3, i * 3 + 3), 16) % ALPHABET.length];
  return out;
}
