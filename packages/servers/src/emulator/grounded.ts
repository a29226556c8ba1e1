// `POST /ai/v2/chat/completions/grounded` (reference: docs.gloo.com/api-reference/completions/v2/grounded
// and the grounded completions guide): V2's body and routing plus `rag_publisher` (default
// `GlooGrounded`), `sources_limit` (1–10), optional `messages` (default one user message "Hello
// world!", `[]` a 400), `sources_returned` in the response and the citations as a stream's first
// event. Retrieval searches the built-in public-domain corpus (corpus.ts).
import { CORPUS, DEFAULT_PUBLISHER, type Passage, passagesOf } from "./corpus.js";
import { invalidRequest, json, unprocessable, type ValidationIssue } from "./http.js";
import { textOf } from "./model.js";
import { wordsOf } from "./tool-relevance.js";
import type { ValidatedBody } from "./validation.js";

/** The grounded fields of a request, and the body left for V2's validation. */
export interface Grounding {
  body: unknown;
  publisher: string;
  sourcesLimit: number;
  includeCitations: boolean;
}

/** Sources retrieved when `sources_limit` is omitted (emulator choice: undocumented; Gloo's examples send 3). */
export const DEFAULT_SOURCES_LIMIT = 3;
const MAX_SOURCES = 10;
const DEFAULT_MESSAGES = [{ role: "user", content: "Hello world!" }];

/** Reads the grounded fields; a 400, 404 or 422 when they are wrong. */
export function readGrounding(value: unknown, requestId: string): Grounding | Response {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    // V2's validation answers the documented 422 for a body that is not an object.
    return {
      body: value,
      publisher: DEFAULT_PUBLISHER,
      sourcesLimit: DEFAULT_SOURCES_LIMIT,
      includeCitations: true,
    };
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.messages) && record.messages.length === 0) {
    // Documented: "An explicit empty messages array is invalid and returns 400."
    return invalidRequest(
      'messages must not be empty: send at least one user message, or omit messages (it defaults to one user message, "Hello world!").',
      requestId,
    );
  }
  const issues: ValidationIssue[] = [];
  const publisher = record.rag_publisher ?? DEFAULT_PUBLISHER;
  if (typeof publisher !== "string" || publisher.trim() === "") {
    issues.push({
      type: "string_type",
      loc: ["body", "rag_publisher"],
      msg: "Input should be a publisher name",
      input: publisher,
    });
  }
  const limit = record.sources_limit ?? DEFAULT_SOURCES_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_SOURCES) {
    const msg = `Input should be a whole number from 1 to ${MAX_SOURCES}`;
    issues.push({ type: "less_than_equal", loc: ["body", "sources_limit"], msg, input: limit });
  }
  const citations = record.include_citations ?? true;
  if (typeof citations !== "boolean") {
    issues.push({
      type: "bool_type",
      loc: ["body", "include_citations"],
      msg: "Input should be a valid boolean",
      input: citations,
    });
  }
  if (issues.length > 0) return unprocessable(issues);
  if (passagesOf(publisher as string) === undefined) return unknownPublisher(publisher as string);
  return {
    body: record.messages === undefined ? { ...record, messages: DEFAULT_MESSAGES } : record,
    publisher: publisher as string,
    sourcesLimit: limit as number,
    includeCitations: citations as boolean,
  };
}

// The errors page documents 404 for a publisher that is not found; the body is an emulator choice.
function unknownPublisher(publisher: string): Response {
  const known = [DEFAULT_PUBLISHER, ...Object.keys(CORPUS)].join(", ");
  return json(404, { detail: `Publisher "${publisher}" not found. The emulator's publishers: ${known}.` });
}

/** The passages most about the last user message (shared content words), best first, at most `limit`. */
export function retrieve(grounding: Grounding, body: ValidatedBody): Passage[] {
  const last = [...body.messages].reverse().find((message) => message.role === "user");
  return retrievePassages(
    passagesOf(grounding.publisher) ?? [],
    textOf(last?.content),
    grounding.sourcesLimit,
  );
}

/** The passages sharing the most content words with `query`, best first (ties in order), at most `limit`. */
export function retrievePassages(passages: readonly Passage[], query: string, limit: number): Passage[] {
  const asked = new Set(wordsOf(query));
  return passages
    .map((passage, order) => ({
      passage,
      order,
      score: new Set(wordsOf(passage.text).filter((w) => asked.has(w))).size,
    }))
    .filter((scored) => scored.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map((scored) => scored.passage);
}

/** The answer grounded in `sources`: each quoted with its title (deterministic). */
export function groundedText(sources: Passage[]): string {
  const [first, ...rest] = sources.map((source) => `"${source.text}" (${source.title}, ${source.author})`);
  const more = rest.length === 0 ? "" : ` See also ${rest.join("; ")}.`;
  return `Based on the retrieved sources: ${first}.${more}`;
}

/** The citation objects (emulator choice: the platform documents that citations exist, not their fields). */
export function citationsOf(sources: Passage[]): Record<string, unknown>[] {
  return sources.map((source, index) => ({
    index,
    publisher: source.publisher,
    title: source.title,
    author: source.author,
    snippet: source.text,
  }));
}
