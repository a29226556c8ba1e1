// Model resolution: V1's optional `model`, V2's three routing mechanisms (reference: the V2 API
// guide and reference; routing metadata field names and values from the guide's real examples).
import { type CatalogueModel, findModel, type RoutingFamily, V1_DEFAULT_MODEL } from "./catalogue.js";
import { invalidRequest, unprocessable } from "./http.js";
import { textOf } from "./model.js";
import { hashString } from "./random.js";
import { countTokens } from "./tokenizer.js";
import type { ValidatedBody } from "./validation.js";

/** The routing metadata of a V2 response. */
export interface RoutingMetadata {
  provider: "Gloo AI";
  model_family: CatalogueModel["family"];
  auto_routing: boolean;
  routing_mechanism: "auto_routing" | "model_family" | "direct_model_selection";
  routing_tier?: string;
  routing_confidence?: number;
  tradition?: string;
}

/** The model that answers, and for V2 the routing metadata. */
export interface Route {
  model: CatalogueModel;
  routing: RoutingMetadata | undefined;
}

const FAMILIES: RoutingFamily[] = ["OpenAI", "Anthropic", "Google", "Open Source"];

// Which model each tier and family routes to (emulator choice, unconfirmed).
const TIER_MODELS = [
  "gloo-google-gemini-2.5-flash-lite",
  "gloo-openai-gpt-5.2",
  "gloo-anthropic-claude-sonnet-4.5",
  "gloo-anthropic-claude-opus-4.5",
];
const FAMILY_MODELS: Record<RoutingFamily, string[]> = {
  OpenAI: [
    "gloo-openai-gpt-5-nano",
    "gloo-openai-gpt-5.2",
    "gloo-openai-gpt-5-mini",
    "gloo-openai-gpt-5-pro",
  ],
  Anthropic: [
    "gloo-anthropic-claude-haiku-4.5",
    "gloo-anthropic-claude-sonnet-4.5",
    "gloo-anthropic-claude-sonnet-4.5",
    "gloo-anthropic-claude-opus-4.5",
  ],
  Google: [
    "gloo-google-gemini-2.5-flash-lite",
    "gloo-google-gemini-2.5-flash",
    "gloo-google-gemini-2.5-flash",
    "gloo-google-gemini-2.5-pro",
  ],
  "Open Source": [
    "gloo-deepseek-chat-v3.1",
    "gloo-deepseek-v3.2",
    "gloo-deepseek-v3.2",
    "gloo-mistral-large-3",
  ],
};

/** Resolves the answering model, or the documented 400/422 answer. */
export function resolveRoute(body: ValidatedBody, api: "v1" | "v2", requestId: string): Route | Response {
  const route = api === "v1" ? routeV1(body, requestId) : routeV2(body, requestId);
  if (route instanceof Response) return route;
  return checkCapabilities(route, body, requestId) ?? route;
}

function routeV1(body: ValidatedBody, requestId: string): Route | Response {
  const id = body.model === undefined || body.model === "" ? V1_DEFAULT_MODEL : body.model;
  const model = findModel(id);
  if (model === undefined) return unknownModel(id, requestId);
  return model.retired === undefined ? { model, routing: undefined } : retiredModel(model, requestId);
}

function routeV2(body: ValidatedBody, requestId: string): Route | Response {
  const chosen = [
    body.autoRouting === true ? "auto_routing: true" : undefined,
    body.model !== undefined && body.model !== "" ? "model" : undefined,
    body.modelFamily !== undefined && body.modelFamily !== "" ? "model_family" : undefined,
  ].filter((name) => name !== undefined);
  if (chosen.length !== 1) {
    // Several: 400 (reference: Gloo's TS example). None: undocumented, 400 too (emulator choice).
    const problem =
      chosen.length === 0
        ? "No routing mechanism given"
        : `Only one routing mechanism allowed (got ${chosen.join(", ")})`;
    return invalidRequest(
      `${problem}: send exactly one of auto_routing: true, model, or model_family.`,
      requestId,
    );
  }
  const tradition = body.tradition === undefined ? {} : { tradition: body.tradition };
  if (chosen[0] === "model") {
    const model = findModel(body.model as string);
    if (model === undefined) return unknownModel(body.model as string, requestId);
    if (model.retired !== undefined) return retiredModel(model, requestId);
    if (!model.apis.includes("v2")) return v1OnlyModel(model.id, requestId);
    const routing = { ...base(model, false, "direct_model_selection"), ...tradition };
    return { model, routing };
  }
  const tier = tierOf(body);
  const confidence = (500 + (hashString(JSON.stringify(body.messages)) % 500)) / 1000;
  const extra = { routing_tier: `tier_${tier + 1}`, routing_confidence: confidence, ...tradition };
  if (chosen[0] === "auto_routing: true") {
    const model = findModel(TIER_MODELS[tier] as string) as CatalogueModel;
    return { model, routing: { ...base(model, true, "auto_routing"), ...extra } };
  }
  const family = FAMILIES.find((f) => f.toLowerCase() === (body.modelFamily as string).trim().toLowerCase());
  if (family === undefined) return unknownFamily(body);
  const model = findModel(FAMILY_MODELS[family][tier] as string) as CatalogueModel;
  return { model, routing: { ...base(model, false, "model_family"), ...extra } };
}

function base(model: CatalogueModel, auto: boolean, mechanism: RoutingMetadata["routing_mechanism"]) {
  return {
    provider: "Gloo AI",
    model_family: model.family,
    auto_routing: auto,
    routing_mechanism: mechanism,
  } as const;
}

// Longer prompts route to stronger tiers: up to 40 tokens tier 1, 400 tier 2, 4000 tier 3, else tier 4.
function tierOf(body: ValidatedBody): number {
  const tokens = body.messages.reduce((sum, m) => sum + countTokens(textOf(m.content)), 0);
  if (tokens <= 40) return 0;
  if (tokens <= 400) return 1;
  return tokens <= 4000 ? 2 : 3;
}

function checkCapabilities(route: Route, body: ValidatedBody, requestId: string): Response | undefined {
  const { model } = route;
  if (!model.output_modalities.includes("text")) {
    return invalidRequest(
      `Model "${model.id}" does not produce text; pick a chat model from GET /platform/v2/models.`,
      requestId,
    );
  }
  if (body.tools.length > 0 && !model.supports_tools) {
    // Observed live for three open-source models: 400 "model does not support function calling".
    return invalidRequest(
      `Model "${model.id}" does not support function calling; remove tools or pick another model.`,
      requestId,
    );
  }
  return undefined;
}

// Unknown model: 400 in the AI error envelope (emulator choice; the status is unconfirmed).
function unknownModel(id: string, requestId: string): Response {
  return invalidRequest(`Unknown model "${id}": GET /platform/v2/models lists the available ids.`, requestId);
}

// A retired id (emulator choice, unconfirmed: Gloo documents no answer for retired models; its
// monitors only expect a "model not supported" client error after a retirement date): 400 naming
// the day and the successor.
function retiredModel(model: CatalogueModel, requestId: string): Response {
  const { on, successor } = model.retired as NonNullable<CatalogueModel["retired"]>;
  return invalidRequest(
    `Model "${model.id}" is not supported: it was retired on ${on}. Use "${successor}" or another id from GET /platform/v2/models.`,
    requestId,
  );
}

// A V1 id sent to V2 (emulator choice: the platform's answer is unconfirmed): 400, saying where it works.
function v1OnlyModel(id: string, requestId: string): Response {
  return invalidRequest(
    `Model "${id}" is a Completions V1 model: call /ai/v1/chat/completions with it, or pick a V2 model id (the gloo-… ids of GET /platform/v2/models).`,
    requestId,
  );
}

// Observed: a bad model_family is a 422 whose input echoes the body and lists accepted values.
function unknownFamily(body: ValidatedBody): Response {
  const msg = `Value error, model_family must be one of ${FAMILIES.map((f) => `'${f}'`).join(", ")} (case-insensitive)`;
  return unprocessable([
    { type: "value_error", loc: ["body", "model_family"], msg, input: { model_family: body.modelFamily } },
  ]);
}
