/**
 * Assembles the chunks of a streamed chat completion into the completion a non-streamed
 * request returns. Pure: no I/O, so the SDK stream, the CLI and the proxy share it.
 */
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionFinishReason,
  ChatCompletionMessage,
  ChatCompletionMessageToolCall,
  CompletionUsage,
} from "./types.js";

/** Collects chunks one at a time; `toCompletion()` can be called at any point. */
export interface CompletionAccumulator {
  /** Folds one chunk in: text and refusal deltas concatenate, tool calls merge by `index`. */
  add(chunk: ChatCompletionChunk): void;
  /** True once some choice has a `finish_reason` and every choice seen so far has one. */
  readonly finished: boolean;
  /** The completion assembled from the chunks added so far (a new object on every call). */
  toCompletion(): ChatCompletion;
}

interface ToolCallState {
  id: string;
  name: string;
  // Argument fragments are joined once at the end rather than concatenated per chunk.
  arguments: string[];
}

interface ChoiceState {
  index: number;
  content: string[] | undefined;
  refusal: string[] | undefined;
  toolCalls: Map<number, ToolCallState> | undefined;
  finishReason: ChatCompletionFinishReason | null;
  logprobs: { content: unknown[]; refusal: unknown[] } | undefined;
}

// Chunk fields that are not copied to the completion as they are.
const ASSEMBLED_KEYS = ["choices", "usage", "object", "error"] as const;

/**
 * Creates an accumulator for the chunks of one stream.
 *
 * @example
 * ```ts
 * const accumulator = createCompletionAccumulator();
 * for await (const chunk of stream) accumulator.add(chunk);
 * console.log(accumulator.toCompletion().choices[0]?.message.content);
 * ```
 */
export function createCompletionAccumulator(): CompletionAccumulator {
  const choices = new Map<number, ChoiceState>();
  // Top-level fields (id, created, model, and any the platform adds, like v2 routing) come from
  // the first and the last chunk: keeping two references is cheaper than copying every chunk.
  let first: ChatCompletionChunk | undefined;
  let last: ChatCompletionChunk | undefined;
  let usage: CompletionUsage | undefined;
  let unfinished = 0;
  // Nearly every chunk carries the same one choice: remembering it saves a Map lookup per chunk.
  let recent: ChoiceState | undefined;

  function choiceState(index: number): ChoiceState {
    if (recent !== undefined && recent.index === index) return recent;
    let state = choices.get(index);
    if (state === undefined) {
      state = {
        index,
        content: undefined,
        refusal: undefined,
        toolCalls: undefined,
        finishReason: null,
        logprobs: undefined,
      };
      choices.set(index, state);
      unfinished += 1;
    }
    recent = state;
    return state;
  }

  function addChoice(choice: ChatCompletionChunkChoice): void {
    const state = choiceState(choice.index);
    const delta = choice.delta;
    if (delta !== undefined && delta !== null) {
      if (typeof delta.content === "string") state.content = append(state.content, delta.content);
      if (typeof delta.refusal === "string") state.refusal = append(state.refusal, delta.refusal);
      if (delta.tool_calls !== undefined) {
        state.toolCalls ??= new Map();
        for (const fragment of delta.tool_calls) addToolCallFragment(state.toolCalls, fragment);
      }
    }
    if (choice.logprobs !== undefined && choice.logprobs !== null) addLogprobs(state, choice.logprobs);
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      if (state.finishReason === null) unfinished -= 1;
      state.finishReason = choice.finish_reason;
    }
  }

  return {
    add(chunk) {
      first ??= chunk;
      last = chunk;
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      const list = chunk.choices;
      if (list === undefined || list === null) return;
      for (let i = 0; i < list.length; i++) addChoice(list[i] as ChatCompletionChunkChoice);
    },
    get finished() {
      // Asked after every chunk: the common answer (a choice is still open) is settled by the counter alone.
      return unfinished === 0 && choices.size > 0;
    },
    toCompletion() {
      const top: Record<string, unknown> = { ...first, ...last };
      const completion: Record<string, unknown> = { ...top };
      for (const key of ASSEMBLED_KEYS) delete completion[key];
      const assembled = [...choices.values()].sort((a, b) => a.index - b.index).map(toChoice);
      return {
        ...completion,
        id: typeof top.id === "string" ? top.id : "",
        object: "chat.completion",
        created: typeof top.created === "number" ? top.created : 0,
        model: typeof top.model === "string" ? top.model : "",
        choices: assembled,
        ...(usage === undefined ? {} : { usage }),
      } as ChatCompletion;
    },
  };
}

/**
 * Assembles a whole list of chunks into one completion.
 *
 * @example
 * ```ts
 * const completion = assembleCompletion(chunks);
 * ```
 */
export function assembleCompletion(chunks: Iterable<ChatCompletionChunk>): ChatCompletion {
  const accumulator = createCompletionAccumulator();
  for (const chunk of chunks) accumulator.add(chunk);
  return accumulator.toCompletion();
}

// Text pieces are joined once at the end: concatenating per chunk would copy the text over and over.
function append(pieces: string[] | undefined, piece: string): string[] {
  if (pieces === undefined) return [piece];
  pieces.push(piece);
  return pieces;
}

function addToolCallFragment(
  toolCalls: Map<number, ToolCallState>,
  fragment: NonNullable<ChatCompletionChunkChoice["delta"]["tool_calls"]>[number],
): void {
  let call = toolCalls.get(fragment.index);
  if (call === undefined) {
    call = { id: "", name: "", arguments: [] };
    toolCalls.set(fragment.index, call);
  }
  // The id and name arrive once, on the first fragment; some servers repeat them, so the first wins.
  if (call.id === "" && fragment.id) call.id = fragment.id;
  if (call.name === "" && fragment.function?.name) call.name = fragment.function.name;
  const args = fragment.function?.arguments;
  if (typeof args === "string" && args.length > 0) call.arguments.push(args);
}

function addLogprobs(state: ChoiceState, logprobs: unknown): void {
  const { content, refusal } = logprobs as { content?: unknown; refusal?: unknown };
  state.logprobs ??= { content: [], refusal: [] };
  if (Array.isArray(content)) state.logprobs.content.push(...content);
  if (Array.isArray(refusal)) state.logprobs.refusal.push(...refusal);
}

function toChoice(state: ChoiceState): ChatCompletionChoice {
  const message: ChatCompletionMessage = {
    role: "assistant",
    content: state.content === undefined ? null : state.content.join(""),
  };
  if (state.refusal !== undefined) message.refusal = state.refusal.join("");
  if (state.toolCalls !== undefined && state.toolCalls.size > 0)
    message.tool_calls = toToolCalls(state.toolCalls);
  return {
    index: state.index,
    message,
    finish_reason: state.finishReason,
    logprobs: state.logprobs ?? null,
  };
}

function toToolCalls(toolCalls: Map<number, ToolCallState>): ChatCompletionMessageToolCall[] {
  return [...toolCalls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments.join("") },
    }));
}
