import {
  type ChatCompletionCreateParamsBase,
  type ChatCompletionCreateParamsCommon,
  type ChatCompletionCreateParamsV2Base,
  type ChatCompletionMessageParam,
  type ChatCompletionRouting,
  type ModelFamily,
  type RoutingChoice,
  type RoutingMechanism,
  routingMechanisms,
  MODEL_FAMILIES as SDK_MODEL_FAMILIES,
  type Tradition,
  toRouting,
} from "@gloo-toolkit/sdk";
import { UsageError } from "../errors.js";
import { numberFlag } from "./args.js";

/** The v2 `tradition` values (Completions V2 reference). */
export const TRADITIONS: readonly Tradition[] = ["evangelical", "catholic", "mainline", "not_faith_specific"];

/** The v2 `model_family` values (the SDK's list), matched case-insensitively by the platform. */
export const MODEL_FAMILIES: readonly string[] = SDK_MODEL_FAMILIES;

/**
 * The family `value` names (any case), spelt as the docs spell it in requests; else a
 * `UsageError` naming `flag` and listing the families.
 */
export function checkModelFamily(flag: string, value: string): ModelFamily {
  const family = SDK_MODEL_FAMILIES.find((known) => known === value.toLowerCase());
  if (family !== undefined) return family;
  throw new UsageError(
    `${flag} must be one of ${MODEL_FAMILIES.join(", ")}; got "${value}".`,
    `For example: ${flag} anthropic, or ${flag} "open source" (quoted, it is two words).`,
  );
}

/** The flags of `gloo chat` that shape the request. */
export interface ChatFlags {
  system?: string | undefined;
  "max-tokens"?: string | undefined;
  temperature?: string | undefined;
  n?: string | undefined;
  api?: string | undefined;
  model?: string | undefined;
  "auto-routing"?: boolean | undefined;
  "model-family"?: string | undefined;
  tradition?: string | undefined;
}

/** A chat completion request ready to send: which endpoint, and its typed body (no stream field). */
export type ChatRequest =
  | { api: "v1"; body: ChatCompletionCreateParamsBase }
  | { api: "v2"; body: ChatCompletionCreateParamsV2Base & ChatCompletionRouting };

/**
 * Builds the request from `gloo chat`'s flags: the system prompt and the prompt as messages,
 * numeric flags range-checked, and on v2 exactly one routing choice.
 */
export function buildChatRequest(values: ChatFlags, prompt: string, model: string): ChatRequest {
  const messages: ChatCompletionMessageParam[] = [
    ...(values.system === undefined ? [] : [{ role: "system" as const, content: values.system }]),
    { role: "user", content: prompt },
  ];
  const api = resolveApi(values);
  const body: ChatCompletionCreateParamsCommon = { messages };
  const maxTokens = numberFlag("max-tokens", values["max-tokens"], { integer: true, min: 1 });
  const temperature = numberFlag("temperature", values.temperature, { min: 0, max: api === "v2" ? 2 : 1 });
  const n = numberFlag("n", values.n, { integer: true, min: 1 });
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (temperature !== undefined) body.temperature = temperature;
  if (n !== undefined) body.n = n;
  if (api === "v1") return { api, body: { ...body, model } };
  return { api, body: { ...body, ...routing(values, model), ...tradition(values) } };
}

function resolveApi(values: ChatFlags): "v1" | "v2" {
  const v2Flags =
    values["auto-routing"] === true || values["model-family"] !== undefined || values.tradition !== undefined;
  const api = values.api ?? (v2Flags ? "v2" : "v1");
  if (api !== "v1" && api !== "v2") throw new UsageError(`--api must be v1 or v2, got "${api}".`);
  if (api === "v1" && v2Flags)
    throw new UsageError("--auto-routing, --model-family and --tradition need --api v2.");
  return api;
}

const ROUTING_FLAGS: Record<RoutingMechanism, string> = {
  auto_routing: "--auto-routing",
  model: "--model",
  model_family: "--model-family",
};

// v2 takes exactly one routing mechanism (the SDK's definition): say which flags clash, locally.
function routing(values: ChatFlags, model: string): ChatCompletionRouting {
  const family = values["model-family"];
  const choice: RoutingChoice = {
    auto_routing: values["auto-routing"],
    model: values.model === undefined ? undefined : model,
    model_family: family === undefined ? undefined : checkModelFamily("--model-family", family),
  };
  const chosen = routingMechanisms(choice);
  if (chosen.length > 1)
    throw new UsageError(
      `v2 takes one routing choice, got ${chosen.map((mechanism) => ROUTING_FLAGS[mechanism]).join(" and ")}.`,
      "Keep one of --auto-routing, --model or --model-family.",
    );
  return toRouting(chosen.length === 0 ? { auto_routing: true } : choice);
}

function tradition(values: ChatFlags): { tradition?: Tradition } {
  const tradition = TRADITIONS.find((known) => known === values.tradition);
  if (values.tradition !== undefined && tradition === undefined) {
    throw new UsageError(`--tradition must be one of ${TRADITIONS.join(", ")}; got "${values.tradition}".`);
  }
  return tradition === undefined ? {} : { tradition };
}
