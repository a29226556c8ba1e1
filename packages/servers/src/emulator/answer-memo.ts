// Remembers the deterministic part of completion answers by request body. At temperature 0 the
// model's reply depends only on the body (docs/emulator.md), and clients resend the same body (retries,
// health checks, test suites, load tests): the same bytes skip parsing, validation, routing, the
// model and most of the JSON serialisation. Temperature > 0 draws from the PRNG and is never
// remembered, so a seeded run's sequence of replies is unchanged.
import type { CompletionPlan, PlannedAnswer } from "./completion.js";
import type { ValidatedBody } from "./validation.js";

/** What a completion request resolves to before its id and timestamp are chosen. */
export interface Answer {
  body: ValidatedBody;
  planned: PlannedAnswer;
  /** The non-stream JSON text for a stamped plan; set only on remembered (deterministic) answers. */
  json: ((plan: CompletionPlan) => string) | undefined;
}

/** How many bodies each completion route remembers before starting over (bounded memory). */
const MEMO_SIZE = 256;

/** Longest body text remembered, in UTF-16 units: keeps the memo small even for 1 MiB bodies. */
const MAX_TEXT_LENGTH = 16 * 1024;

/** Recent deterministic answers of one completion route, keyed by the exact body text. */
export class AnswerMemo {
  readonly #answers = new Map<string, Answer>();

  /** The remembered answer for exactly this body text, if any. */
  get(text: string): Answer | undefined {
    return this.#answers.get(text);
  }

  /** Remembers `answer` for a short enough `text`; clears everything first when full (cheaper than LRU bookkeeping). */
  set(text: string, answer: Answer): void {
    if (text.length > MAX_TEXT_LENGTH) return;
    if (this.#answers.size >= MEMO_SIZE) this.#answers.clear();
    this.#answers.set(text, answer);
  }
}
