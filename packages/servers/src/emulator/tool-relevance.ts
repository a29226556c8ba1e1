// When the emulated model calls a tool on its own (`tool_choice` "auto" or absent): when the user's
// last message is about what the tool does, judged from the tool's name, description and parameter
// names (docs/emulator.md, "Tool calls"). Emulator choice: the platform's models decide freely.
import type { FunctionTool } from "./tool-calls.js";

// Words that say nothing about what a tool does.
const STOP_WORDS = new Set(
  (
    "a an the and or but of to in on at for from by with about into over is are was were be been am do does did " +
    "can could would should will shall may might must what which who whom whose when where why how this that these " +
    "those it its i me my we our you your he she they them their there here please tell give show now right just " +
    "some any all no not yes if then than so very much many more most use using get set fetch list create update " +
    "delete search find lookup look query run call tool api data info value current"
  ).split(" "),
);

/** Points for a name word, a description word and a parameter word the prompt shares. */
const NAME_WEIGHT = 3;
const OTHER_WEIGHT = 1;
/** A tool is called from this score: one shared name word, or two shared description/parameter words. */
const THRESHOLD = 2;

/** The most relevant tool for the prompt, or undefined when none is about it (first wins a tie). */
export function relevantTool(tools: FunctionTool[], prompt: string): FunctionTool | undefined {
  const asked = new Set(wordsOf(prompt));
  let best: FunctionTool | undefined;
  let bestScore = THRESHOLD - 1;
  for (const tool of tools) {
    const score = relevance(tool, asked);
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}

/** The tool's relevance to a prompt's words (exported for tests of the rule). */
export function relevance(tool: FunctionTool, asked: Set<string>): number {
  const { name, description, parameters } = tool.function;
  const properties = parameters?.properties;
  const parameterNames =
    typeof properties === "object" && properties !== null ? Object.keys(properties).join(" ") : "";
  const shared = (text: string) => new Set(wordsOf(text).filter((word) => asked.has(word))).size;
  return (
    NAME_WEIGHT * shared(name) +
    OTHER_WEIGHT * shared(typeof description === "string" ? description : "") +
    OTHER_WEIGHT * shared(parameterNames)
  );
}

/**
 * Lower-case content words, split at non-letters and camelCase, lightly stemmed so "forecasts" and
 * "forecast" meet (also how grounded retrieval matches passages).
 */
export function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .map(stem);
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith("es")) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}
