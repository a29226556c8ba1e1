// The emulated model (docs/emulator.md): deterministic and instruction-aware. It answers the
// quickstart's probes exactly, writes readable text derived from other prompts, and calls tools
// from their schema when asked. At temperature 0 the text depends only on the messages.
import { hashString, type Random, seededRandom } from "./random.js";
import { type Schema, valueFor, valueSourceOf } from "./schema-value.js";
import type { Script } from "./script.js";
import { argumentsFor, type EmulatedToolCall, type FunctionTool } from "./tool-calls.js";
import { relevantTool } from "./tool-relevance.js";

/** A message as the emulator reads it (validated beforehand). */
export interface ChatMessage {
  role: string;
  content?: unknown;
  name?: unknown;
  tool_call_id?: unknown;
}

/** How the model may use tools: OpenAI's `tool_choice`, a named function reduced to its name. */
export type ToolChoice = "none" | "auto" | "required" | { name: string };

/** OpenAI's `response_format`, reduced to what the model needs. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema: Schema };

/** What the model is asked. */
export interface PromptInput {
  messages: ChatMessage[];
  temperature: number;
  tools: FunctionTool[];
  toolChoice: ToolChoice | undefined;
  responseFormat?: ResponseFormat | undefined;
}

/** The model's answer for one choice: text, or tool calls. */
export type Reply = { text: string } | { toolCalls: EmulatedToolCall[] };

// Exact-reply instructions (docs/emulator.md, "Exact instructions"): the first that matches answers
// its `X`. With a colon, X is everything after it; without one, a final "." or "!" is dropped.
const EXACT_INSTRUCTIONS: { pattern: RegExp; colon: boolean }[] = [
  // "Return EXACTLY this string and nothing else: X" (the quickstart's health check)
  { pattern: /return\s+exactly\s+this\s+string\s+and\s+nothing\s+else\s*:\s*(.+?)\s*$/is, colon: true },
  // "Reply with only: X", "Respond with only: X", "Answer with only: X"
  { pattern: /(?:reply|respond|answer)\s+with\s+only\s*:\s*(.+?)\s*$/is, colon: true },
  // "Reply with exactly: X", "Say exactly: 'X'", "Respond exactly: X", "Output exactly: X"
  {
    pattern: /(?:reply|respond|answer|say|return|output|print|write)\s+(?:with\s+)?exactly\s*:\s*(.+?)\s*$/is,
    colon: true,
  },
  // "Say ONE word that is exactly X." (the quickstart's determinism check)
  { pattern: /say\s+one\s+word\s+that\s+is\s+exactly\s+(\S+?)[.!]?\s*$/is, colon: false },
  // "Respond with only X", "Reply with only the numbers 1, 2, 3", "Answer with only the word yes"
  {
    pattern:
      /(?:reply|respond|answer)\s+with\s+only\s+(?:the\s+(?:words?|numbers?|letters?|text|string|phrase)\s+)?(.+?)\s*$/is,
    colon: false,
  },
  // "Say exactly X", "Reply with exactly X"
  {
    pattern: /(?:reply|respond|answer|say|return|output|print|write)\s+(?:with\s+)?exactly\s+(.+?)\s*$/is,
    colon: false,
  },
];

const SENTENCES = [
  "When it comes to {t}, it is best to go one step at a time.",
  "At its core, {t} comes down to a few clear ideas that build on one another.",
  "A good starting point is to ask what {t} meant to its first audience and why it still matters.",
  "Seen as a whole, {t} follows a simple pattern: context first, then detail, then application.",
  "Many readers find that {t} makes more sense once the key terms are defined plainly.",
  "In practice, thinking about {t} means weighing the main sources and the questions they answer.",
  "The short version is that {t} rewards careful and patient reading.",
  "Put simply, {t} connects several threads into one coherent picture.",
];

const NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6 };

/** The text of a message's content: a string, or the `text` parts of a content array. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part?.text === "string" && part.type === "text" ? part.text : ""))
    .filter((text) => text !== "")
    .join("\n");
}

/**
 * Answers one choice. `random` is only used when `temperature > 0`; at 0 every choice and every
 * call with the same messages gets the same reply.
 */
export function generateReply(input: PromptInput, random: Random, script?: Script): Reply {
  const last = input.messages.at(-1);
  const prompt = textOf(last?.content);
  if (last?.role === "tool") return { text: afterToolResult(input.messages, prompt) };
  const tool = chooseTool(input, prompt);
  if (tool !== undefined) {
    const name = tool.function.name;
    const id = `call_${hashString(`${name}:${prompt}`).toString(36)}`;
    return { toolCalls: [{ id, name, arguments: argumentsFor(tool, prompt) }] };
  }
  const scripted = script?.answer(prompt);
  if (scripted !== undefined) return { text: scripted };
  const reading = read(prompt);
  const pick = input.temperature === 0 ? seededRandom(hashString(JSON.stringify(input.messages))) : random;
  const format = input.responseFormat;
  if (format !== undefined && format.type !== "text")
    return { text: jsonAnswer(format, prompt, reading, pick) };
  if (reading.exact !== undefined) return { text: reading.exact };
  return { text: compose(reading, pick) };
}

// `json_object`: an object with the topic and the prose answer; `json_schema`: a value valid against
// the schema, its free-text strings taken from the prompt's topic (deterministic for the prompt).
function jsonAnswer(format: ResponseFormat, prompt: string, reading: Reading, pick: Random): string {
  if (format.type === "json_schema") {
    return JSON.stringify(valueFor(format.schema, valueSourceOf(prompt, reading.topic), true));
  }
  return JSON.stringify({ topic: reading.topic, answer: reading.exact ?? compose(reading, pick) });
}

/** What the model takes from a prompt: an exact-echo instruction, or a topic and a length. */
interface Reading {
  exact: string | undefined;
  topic: string;
  sentences: number;
}

// Tests resend the same prompts: remember recent readings (pure, cleared when full).
const readings = new Map<string, Reading>();
const READINGS_SIZE = 256;

function read(prompt: string): Reading {
  let reading = readings.get(prompt);
  if (reading === undefined) {
    reading = { exact: exactInstruction(prompt), topic: topicOf(prompt), sentences: sentenceCount(prompt) };
    if (readings.size >= READINGS_SIZE) readings.clear();
    readings.set(prompt, reading);
  }
  return reading;
}

/** The `X` of an exact-echo instruction, or undefined. */
export function exactInstruction(prompt: string): string | undefined {
  for (const { pattern, colon } of EXACT_INSTRUCTIONS) {
    const match = pattern.exec(prompt);
    if (match?.[1] === undefined) continue;
    const quoted = unquote(match[1]);
    if (quoted !== match[1] || colon) return quoted;
    return unquote(match[1].replace(/[.!]$/, ""));
  }
  return undefined;
}

function unquote(text: string): string {
  const quoted = /^(["'`])(.*)\1$/s.exec(text);
  return quoted?.[2] ?? text;
}

function chooseTool(input: PromptInput, prompt: string): FunctionTool | undefined {
  const { tools, toolChoice } = input;
  if (tools.length === 0 || toolChoice === "none") return undefined;
  if (typeof toolChoice === "object") return tools.find((tool) => tool.function.name === toolChoice.name);
  return relevantTool(tools, prompt) ?? (toolChoice === "required" ? tools[0] : undefined);
}

function afterToolResult(messages: ChatMessage[], result: string): string {
  const compact = result.replace(/\s+/g, " ").trim();
  const shown = compact.length > 200 ? `${compact.slice(0, 200)}…` : compact;
  const asked = textOf([...messages].reverse().find((m) => m.role === "user")?.content);
  const topic = topicOf(asked);
  return `Based on the tool result (${shown}), here is the answer about ${topic}.`;
}

function compose({ topic, sentences: count }: Reading, random: Random): string {
  const pool = [...SENTENCES];
  const sentences: string[] = [];
  for (let i = 0; i < count && pool.length > 0; i++) {
    const [template] = pool.splice(Math.floor(random() * pool.length), 1);
    sentences.push((template as string).replace("{t}", topic));
  }
  return sentences.join(" ");
}

// "in two concise sentences" → 2; otherwise three sentences.
function sentenceCount(prompt: string): number {
  const match = /\b(\d+|one|two|three|four|five|six)\s+(?:\w+\s+)?sentences?\b/i.exec(prompt);
  if (match === null) return 3;
  const word = (match[1] as string).toLowerCase();
  const count = NUMBERS[word] ?? Number(word);
  return Math.min(Math.max(count, 1), SENTENCES.length);
}

/** The subject of a prompt: the instruction verb and length qualifiers removed, at most ten words. */
export function topicOf(prompt: string): string {
  const topic = prompt
    .replace(/\s+/g, " ")
    .trim()
    .replace(
      /^(?:please\s+)?(?:explain|describe|summari[sz]e|define|discuss|tell me about|write about|what (?:is|are)|who (?:is|was|were)|why (?:is|are|do|does)|how (?:do|does|did|can)|give me)\s+/i,
      "",
    )
    .replace(
      /\s+in\s+(?:\d+|one|two|three|four|five|six)\s+(?:\w+\s+)?(?:sentences?|words?|paragraphs?|points?)\b.*$/i,
      "",
    )
    .replace(/[\s?.!:;,]+$/, "");
  const words = topic
    .split(" ")
    .filter((word) => word !== "")
    .slice(0, 10);
  return words.length === 0 ? "your question" : words.join(" ");
}
