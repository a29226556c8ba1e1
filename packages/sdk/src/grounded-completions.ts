// Grounded completions (`POST /ai/v2/chat/completions/grounded`, docs.gloo.com/api-reference/completions/v2/grounded):
// v2's routing plus retrieval from a publisher's content. The request and response types, the
// pitfall guard for them, and reading the citations a stream sends first. The resource method is
// `gloo.v2.chat.completions.grounded()` (chat-completions.ts).
import { RequestValidationError } from "./errors.js";
import { guardMessages, guardRouting, guardValues } from "./guard.js";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsV2Base,
  ChatCompletionMessageParam,
  ChatCompletionRouting,
  ChatCompletionV2,
} from "./types.js";

/** The grounded endpoint's path. */
export const GROUNDED_COMPLETIONS_PATH = "/ai/v2/chat/completions/grounded";

/** Fields of a grounded request besides the routing. */
export interface GroundedCompletionCreateParamsBase
  extends Omit<ChatCompletionCreateParamsV2Base, "messages"> {
  /** Optional here: the platform defaults to one user message, "Hello world!". Never `[]` (a 400). */
  messages?: ChatCompletionMessageParam[] | undefined;
  /** The publisher whose content grounds the answer. @default "GlooGrounded" (server side) */
  rag_publisher?: string | undefined;
  /** How many sources to retrieve, 1 to 10. */
  sources_limit?: number | undefined;
  /** Ask for citation metadata; streamed, the citations come as the first event (see {@link citationsOf}). */
  include_citations?: boolean | undefined;
}

/** A grounded request that answers with one JSON completion. */
export type GroundedCompletionCreateParamsNonStreaming = GroundedCompletionCreateParamsBase & {
  stream?: false | null | undefined;
} & ChatCompletionRouting;

/** A grounded request that answers with a server-sent event stream of chunks. */
export type GroundedCompletionCreateParamsStreaming = GroundedCompletionCreateParamsBase & {
  stream: true;
} & ChatCompletionRouting;

/** A grounded completion request: exactly one routing mechanism, as on v2. */
export type GroundedCompletionCreateParams =
  | GroundedCompletionCreateParamsNonStreaming
  | GroundedCompletionCreateParamsStreaming;

/** A grounded completion: a v2 completion plus whether sources grounded it. */
export interface GroundedCompletion extends ChatCompletionV2 {
  /** Whether retrieval found sources and grounded the answer (docs.gloo.com/api-guides/grounded-completions). */
  sources_returned?: boolean | undefined;
}

/** One source a grounded answer used. The platform documents that citations exist, not their fields. */
export interface GroundedCitation {
  publisher?: string | undefined;
  title?: string | undefined;
  snippet?: string | undefined;
  [field: string]: unknown;
}

/** A chunk of a grounded stream: the first may carry `citations` and no choices. */
export interface GroundedCompletionChunk extends ChatCompletionChunk {
  sources_returned?: boolean | undefined;
  citations?: GroundedCitation[] | undefined;
}

/** The citations a grounded stream's chunk carries (its first one), or undefined for any other chunk. */
export function citationsOf(chunk: ChatCompletionChunk): GroundedCitation[] | undefined {
  const citations = (chunk as GroundedCompletionChunk).citations;
  return Array.isArray(citations) ? citations : undefined;
}

/** The pitfall guard for grounded requests: v2's checks, with `messages` optional but never empty. */
export function guardGrounded(params: unknown): void {
  const record = params as Record<string, unknown>;
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new RequestValidationError("params", "must be an object with one routing mechanism.");
  }
  if (record.messages !== undefined) guardMessages(params);
  guardValues(record);
  guardRouting(record);
  const limit = record.sources_limit;
  if (
    limit !== undefined &&
    (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 10)
  ) {
    throw new RequestValidationError(
      "sources_limit",
      `must be a whole number from 1 to 10 (got ${String(limit)}).`,
    );
  }
}
