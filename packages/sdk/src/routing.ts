// Completions V2 routing, defined once: a request names exactly one of `auto_routing: true`,
// `model` or `model_family` (docs.gloo.com/api-reference/completions/v2; the platform answers 400
// otherwise). The guard, `Conversation`, the CLI and the AI SDK provider all ask this module.
import { RequestValidationError } from "./errors.js";
import type { ChatCompletionRouting, ModelFamily } from "./types.js";

/** The request field of each v2 routing mechanism. */
export const ROUTING_FIELDS = ["auto_routing", "model", "model_family"] as const;

/** One v2 routing mechanism, named by its request field. */
export type RoutingMechanism = (typeof ROUTING_FIELDS)[number];

/** The routing fields a request may carry, typed loosely enough for run-time input. */
export interface RoutingChoice {
  auto_routing?: boolean | undefined;
  model?: string | undefined;
  model_family?: ModelFamily | undefined;
}

/**
 * The routing mechanisms a request sets, in `ROUTING_FIELDS` order: `auto_routing` when it is
 * `true`, `model` and `model_family` when they are non-empty strings.
 * @example routingMechanisms({ model: "gloo-openai-gpt-5-mini", messages }) // ["model"]
 */
export function routingMechanisms(params: object): RoutingMechanism[] {
  const fields = params as Record<string, unknown>;
  const set: RoutingMechanism[] = [];
  if (fields.auto_routing === true) set.push("auto_routing");
  if (typeof fields.model === "string" && fields.model !== "") set.push("model");
  if (typeof fields.model_family === "string" && fields.model_family !== "") set.push("model_family");
  return set;
}

/**
 * The one mechanism a v2 request uses; throws a `RequestValidationError` saying what to fix when
 * it sets none or more than one.
 * @example routingMechanism({ auto_routing: true, messages }) // "auto_routing"
 */
export function routingMechanism(params: object): RoutingMechanism {
  const set = routingMechanisms(params);
  const [only] = set;
  if (set.length === 1 && only !== undefined) return only;
  const names = set.map((field) => (field === "auto_routing" ? "auto_routing: true" : field));
  const problem = set.length === 0 ? "none is set" : `${names.join(" and ")} are all set`;
  throw new RequestValidationError(
    "routing",
    `v2 needs exactly one of auto_routing: true, model or model_family, but ${problem}.`,
  );
}

/**
 * The typed routing of a choice that sets exactly one mechanism (else the error of
 * {@link routingMechanism}), ready to spread into a v2 request.
 * @example gloo.v2.chat.completions.create({ ...toRouting({ model_family: "anthropic" }), messages })
 */
export function toRouting(choice: RoutingChoice): ChatCompletionRouting {
  switch (routingMechanism(choice)) {
    case "auto_routing":
      return { auto_routing: true };
    case "model":
      return { model: choice.model as string };
    default:
      return { model_family: choice.model_family as ModelFamily };
  }
}

/** A copy of `params` without any routing field (to put one routing in their place). */
export function withoutRouting<T extends object>(params: T): Omit<T, RoutingMechanism> {
  const copy = { ...params } as Record<string, unknown>;
  for (const field of ROUTING_FIELDS) delete copy[field];
  return copy as Omit<T, RoutingMechanism>;
}
