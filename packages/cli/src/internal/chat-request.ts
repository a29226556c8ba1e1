import {
  type ChatCompletionMessageParam,
  MODEL_FAMILIES as SDK_MODEL_FAMILIES,
  type Tradition,
} from "@gloo-toolkit/sdk";
import { UsageError } from "../errors.js";
import { numberFlag } from "./args.js";

/** The v2 `tradition` values (Completions V2 reference). */
export const TRADITIONS: readonly Tradition[] = ["evangelical", "catholic", "mainline", "not_faith_specific"];

/** The v2 `model_family` values (the SDK's list), matched case-insensitively by the platform. */
export const MODEL_FAMILIES: readonly string[] = SDK_MODEL_FAMILIES;

/** Returns `value` when it is one of {@link MODEL_FAMILIES} (any case); else a `UsageError` naming `flag` and listing them. */
export function checkModelFamily(flag: string, value: string): string {
  if (MODEL_FAMILIES.includes(value.toLowerCase())) return value;
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
  grounded?: string | undefined;
}

/** A chat completion request ready to send: which endpoint (v2 grounded: `grounded`), and the body. */
export interface ChatRequest {
  api: "v1" | "v2" | "grounded";
  body: Record<string, unknown> & { messages: ChatCompletionMessageParam[]; n?: number };
}

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
  const body: ChatRequest["body"] = { messages };
  const maxTokens = numberFlag("max-tokens", values["max-tokens"], { integer: true, min: 1 });
  const temperature = numberFlag("temperature", values.temperature, { min: 0, max: api === "v2" ? 2 : 1 });
  const n = numberFlag("n", values.n, { integer: true, min: 1 });
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (temperature !== undefined) body.temperature = temperature;
  if (n !== undefined) body.n = n;
  if (api === "v1") return { api, body: { ...body, model } };
  const routed = { ...body, ...routing(values, model) };
  const publisher = values.grounded;
  if (publisher === undefined) return { api, body: routed };
  if (publisher.trim() === "")
    throw new UsageError("--grounded needs a publisher name.", 'For example: --grounded "My Publisher"');
  return { api: "grounded", body: { ...routed, rag_publisher: publisher } };
}

function resolveApi(values: ChatFlags): "v1" | "v2" {
  const v2Flags =
    values["auto-routing"] === true ||
    values["model-family"] !== undefined ||
    values.tradition !== undefined ||
    values.grounded !== undefined;
  const api = values.api ?? (v2Flags ? "v2" : "v1");
  if (api !== "v1" && api !== "v2") throw new UsageError(`--api must be v1 or v2, got "${api}".`);
  if (api === "v1" && v2Flags)
    throw new UsageError("--auto-routing, --model-family, --tradition and --grounded need --api v2.");
  return api;
}

// v2 takes exactly one routing mechanism (Completions V2 reference): say which flags clash, locally.
function routing(values: ChatFlags, model: string): Record<string, unknown> {
  const chosen = [
    values["auto-routing"] === true ? "--auto-routing" : undefined,
    values.model !== undefined ? "--model" : undefined,
    values["model-family"] !== undefined ? "--model-family" : undefined,
  ].filter((flag) => flag !== undefined);
  if (chosen.length > 1)
    throw new UsageError(
      `v2 takes one routing choice, got ${chosen.join(" and ")}.`,
      "Keep one of --auto-routing, --model or --model-family.",
    );
  const tradition = values.tradition;
  if (tradition !== undefined && !TRADITIONS.includes(tradition as Tradition)) {
    throw new UsageError(`--tradition must be one of ${TRADITIONS.join(", ")}; got "${tradition}".`);
  }
  const family = values["model-family"];
  if (family !== undefined) checkModelFamily("--model-family", family);
  const route =
    values.model !== undefined
      ? { model }
      : family !== undefined
        ? { model_family: family }
        : { auto_routing: true };
  return tradition === undefined ? route : { ...route, tradition };
}
