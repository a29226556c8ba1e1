// The platform's input safety layer, emulated (docs/emulator.md, "Safety layer"). Gloo evaluates
// safety on every input ("Safe & Values-Aligned", docs.gloo.com/api-guides/completions-v2) and,
// as reported of the live platform (unconfirmed by any public page), answers unambiguous jailbreaks
// and harmful requests with a canned refusal without calling a model: 200, the refusal as content,
// `model: ""`, no routing metadata. The rule set is small and deliberately narrow (emulator
// choice): it must never catch the benign prompts apps send.
import type { ChatMessage } from "./model.js";
import { textOf } from "./model.js";

/** The canned refusal (emulator wording; it matches Gloo's canary refusal patterns). */
export const REFUSAL_TEXT =
  "I can't help with that request. I'm not able to provide content that could cause serious harm, but I'm glad to help with something else.";

// Rule 1, a jailbreak: an instruction to drop the rules ...
const OVERRIDE =
  /\b(?:ignore|disregard|forget|bypass|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:your\s+|the\s+|my\s+)?(?:previous|prior|above|earlier|system|safety)?\s*(?:instructions|rules|guidelines|restrictions|filters|prompts?)\b/i;
// ... together with a request for an unrestricted mode or the hidden prompt.
const UNRESTRICTED =
  /\b(?:no|without\s+(?:any\s+)?)(?:restrictions|filters|rules|limits|guidelines)\b|\bdeveloper\s+mode\b|\bDAN\b|\bjailbr(?:eak|oken)\b|\breveal\s+(?:your\s+)?(?:system\s+)?prompt\b/i;

// Rule 2, a harmful request: an instruction verb for making something dangerous ...
const MAKE =
  /\b(?:synthesi[sz]e|synthesi[sz]ing|manufactur(?:e|ing)|mak(?:e|ing)|produc(?:e|ing)|cook(?:ing)?|build(?:ing)?|assembl(?:e|ing)|weaponi[sz](?:e|ing)|brew(?:ing)?)\b/i;
// ... followed closely by the dangerous thing.
const DANGEROUS =
  /\b(?:controlled\s+substances?|methamphetamine|meth|fentanyl|heroin|cocaine|nerve\s+agents?|sarin|vx\s+gas|ricin|anthrax|bio-?weapons?|chemical\s+weapons?|explosive\s+devices?|pipe\s+bombs?|car\s+bombs?|napalm)\b/i;
/** Characters allowed between the verb and the dangerous thing ("synthesizing a dangerous controlled substance"). */
const NEAR = 60;

/** The name of the rule a prompt breaks, or undefined when it passes. */
export function safetyRule(prompt: string): "jailbreak" | "harmful request" | undefined {
  if (harmful(prompt)) return "harmful request";
  if (OVERRIDE.test(prompt) && UNRESTRICTED.test(prompt)) return "jailbreak";
  return undefined;
}

function harmful(prompt: string): boolean {
  const verbs = new RegExp(MAKE.source, "gi");
  for (let match = verbs.exec(prompt); match !== null; match = verbs.exec(prompt)) {
    const after = prompt.slice(match.index + match[0].length, match.index + match[0].length + NEAR);
    if (DANGEROUS.test(after)) return true;
  }
  return false;
}

/** Whether the layer refuses these messages: it reads the last user message. */
export function refuses(messages: ChatMessage[]): boolean {
  const last = [...messages].reverse().find((message) => message.role === "user");
  return last !== undefined && safetyRule(textOf(last.content)) !== undefined;
}
