// Deterministic tool calls (docs/emulator.md): arguments are built from the tool's JSON schema so a
// client's tool loop can be exercised offline with stable, schema-valid input.
import { valueFor, valueSourceOf } from "./schema-value.js";

/** A function tool as sent in `tools` (OpenAI shape). */
export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** A tool call the emulated model makes. */
export interface EmulatedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** The JSON arguments for `tool`: its required (else all) properties, filled from their schema. */
export function argumentsFor(tool: FunctionTool, prompt: string): string {
  const schema = tool.function.parameters ?? { type: "object" };
  return JSON.stringify(valueFor({ type: "object", ...schema }, valueSourceOf(prompt, ""), false));
}
