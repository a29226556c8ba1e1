// A client-side conversation. The API keeps no history (the platform quickstart: "Stateless"), so the
// conversation holds the turns, sends them all each time and keeps the assistant's replies.
import type { ChatCompletionStream } from "./chat-stream.js";
import type { Gloo } from "./client.js";
import { GlooError } from "./errors.js";
import { isRecord } from "./internal/error-body.js";
import { estimateMessageTokens } from "./internal/token-estimate.js";
import { type RoutingChoice, routingMechanisms, toRouting, withoutRouting } from "./routing.js";
import type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsV2Base,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  RequestOptions,
  WithRequestId,
} from "./types.js";

/** How a conversation starts. */
export interface ConversationInit {
  /** The system prompt; kept by `reset()` and `trimTo()`. */
  system?: string | undefined;
  /** Earlier turns (without the system prompt). */
  messages?: ChatCompletionMessageParam[] | undefined;
  /** The client that `send()` and `stream()` call. */
  client?: Gloo | undefined;
  /** The model to use; on v2 without a model, `auto_routing: true` is sent. */
  model?: string | undefined;
  /**
   * Which chat completions endpoint to call.
   * @default "v2"
   */
  api?: "v1" | "v2" | undefined;
}

/**
 * Extra request fields for one `send()` or `stream()` (messages always come from the
 * conversation). On v2, a routing field here replaces the conversation's routing.
 */
export type ConversationParams = Partial<Omit<ChatCompletionCreateParamsBase, "messages" | "stream">> &
  Partial<Omit<ChatCompletionCreateParamsV2Base, "messages" | "stream">> &
  RoutingChoice;

/** The JSON form of a conversation. */
export interface ConversationJSON {
  version: 1;
  system?: string;
  messages: ChatCompletionMessageParam[];
  model?: string;
  /** The endpoint it talks to; absent in files written before it was kept, which meant v2. */
  api?: "v1" | "v2";
}

const ROLES = new Set(["user", "assistant", "tool", "system", "developer"]);

/**
 * A conversation kept on the client and sent whole on every call.
 * @example
 * ```ts
 * const chat = gloo.conversation({ system: "Answer in one sentence." });
 * await chat.send("Who wrote Romans?");
 * const reply = await chat.send("When?"); // sent with the whole history
 * ```
 */
export class Conversation {
  #system: string | undefined;
  #turns: ChatCompletionMessageParam[];
  readonly #client: Gloo | undefined;
  readonly #model: string | undefined;
  readonly #api: "v1" | "v2";

  constructor(init: ConversationInit = {}) {
    this.#system = init.system;
    this.#turns = [...(init.messages ?? [])];
    this.#client = init.client;
    this.#model = init.model;
    this.#api = init.api ?? "v2";
  }

  /** Every message as it will be sent: the system prompt first, then the turns. */
  get messages(): readonly ChatCompletionMessageParam[] {
    return this.#messagesToSend();
  }

  /** Sets (replaces) the system prompt. */
  system(text: string): this {
    this.#system = text;
    return this;
  }

  /** Appends a user turn. */
  user(text: string): this {
    this.#turns.push({ role: "user", content: text });
    return this;
  }

  /** Appends an assistant turn (e.g. a reply obtained elsewhere). */
  assistant(text: string): this {
    this.#turns.push({ role: "assistant", content: text });
    return this;
  }

  /** Appends the user's text (if given), sends the whole conversation and appends the reply. */
  async send(
    text?: string,
    params: ConversationParams = {},
    options?: RequestOptions,
  ): Promise<WithRequestId<ChatCompletion>> {
    const client = this.#requireClient("send");
    const appended = this.#appendUser(text);
    try {
      const completion =
        this.#api === "v1"
          ? await client.chat.completions.create(this.#v1Request(params), options)
          : await client.v2.chat.completions.create(this.#v2Request(params), options);
      this.#appendReply(completion);
      return completion;
    } catch (error) {
      this.#undoUser(appended);
      throw error;
    }
  }

  /**
   * Like `send()` but streams; the reply is appended once the stream completes. If the stream
   * fails, or is aborted or closed before it completes, the user's text is taken back out, as
   * `send()` does, so the next call does not send two user turns in a row.
   */
  async stream(
    text?: string,
    params: ConversationParams = {},
    options: RequestOptions = {},
  ): Promise<ChatCompletionStream> {
    const client = this.#requireClient("stream");
    const appended = this.#appendUser(text);
    let stream: ChatCompletionStream;
    try {
      stream =
        this.#api === "v1"
          ? await client.chat.completions.create({ ...this.#v1Request(params), stream: true }, options)
          : await client.v2.chat.completions.create({ ...this.#v2Request(params), stream: true }, options);
    } catch (error) {
      this.#undoUser(appended);
      throw error;
    }
    stream.done.then(
      (completion) => this.#appendReply(completion),
      () => this.#undoUser(appended),
    );
    return stream;
  }

  /**
   * A rough prompt size in tokens: about 4 characters per token plus 4 tokens of framing per
   * message and 3 to prime the reply (OpenAI's rule of thumb); real tokenizers differ by ±20 %.
   */
  estimateTokens(): number {
    return this.messages.reduce((sum, message) => sum + estimateMessageTokens(message), 3);
  }

  /**
   * Drops the oldest turns until the estimate fits `budgetTokens`, a whole turn at a time: a user
   * message with the replies, tool calls and tool results that follow it, so no reply is left
   * without its question and no tool result without its call. Never drops the system prompt nor
   * the last turn. Returns how many messages went.
   */
  trimTo(budgetTokens: number): number {
    if (!(budgetTokens >= 0))
      throw new GlooError(`trimTo needs a token budget of zero or more, got ${budgetTokens}.`);
    let dropped = 0;
    while (this.estimateTokens() > budgetTokens) {
      // The next turn starts at the first user message after the first message.
      const next = this.#turns.findIndex((message, index) => index > 0 && message.role === "user");
      if (next === -1) break;
      this.#turns.splice(0, next);
      dropped += next;
    }
    return dropped;
  }

  /** Forgets every turn; keeps the system prompt. */
  reset(): this {
    this.#turns = [];
    return this;
  }

  /** The conversation as plain JSON (no client). */
  toJSON(): ConversationJSON {
    return {
      version: 1,
      ...(this.#system === undefined ? {} : { system: this.#system }),
      messages: structuredClone(this.#turns),
      ...(this.#model === undefined ? {} : { model: this.#model }),
      api: this.#api,
    };
  }

  /**
   * Restores a conversation from `toJSON()` output (or its parsed JSON text), checking its shape.
   * @example const chat = Conversation.fromJSON(JSON.parse(saved));
   */
  static fromJSON(json: unknown, client?: Gloo): Conversation {
    const data = parseConversationJSON(typeof json === "string" ? parseText(json) : json);
    return new Conversation({
      ...(data.system === undefined ? {} : { system: data.system }),
      messages: data.messages,
      ...(data.model === undefined ? {} : { model: data.model }),
      ...(data.api === undefined ? {} : { api: data.api }),
      ...(client === undefined ? {} : { client }),
    });
  }

  #requireClient(method: string): Gloo {
    if (!this.#client) {
      throw new GlooError(
        `Conversation.${method}() needs a client: create it with gloo.conversation() or pass { client }.`,
      );
    }
    return this.#client;
  }

  // v1 routes by `model` alone: the caller's, else the conversation's (else the platform's default).
  #v1Request(params: ConversationParams) {
    const model = params.model ?? this.#model;
    return {
      ...withoutRouting(params),
      ...(model === undefined ? {} : { model }),
      messages: this.#messagesToSend(),
    };
  }

  // v2 needs exactly one routing: the caller's, else the conversation's model, else auto routing.
  #v2Request(params: ConversationParams) {
    const chosen: RoutingChoice =
      routingMechanisms(params).length > 0
        ? params
        : this.#model === undefined
          ? { auto_routing: true }
          : { model: this.#model };
    return { ...withoutRouting(params), ...toRouting(chosen), messages: this.#messagesToSend() };
  }

  // A fresh array each time: the caller may keep or change it without touching the history.
  #messagesToSend(): ChatCompletionMessageParam[] {
    return this.#system === undefined
      ? [...this.#turns]
      : [{ role: "system", content: this.#system }, ...this.#turns];
  }

  #appendUser(text: string | undefined): ChatCompletionMessageParam | undefined {
    if (text === undefined) return undefined;
    const message: ChatCompletionMessageParam = { role: "user", content: text };
    this.#turns.push(message);
    return message;
  }

  // By identity: turns may have been added since (or the history reset), so not simply the last.
  #undoUser(appended: ChatCompletionMessageParam | undefined): void {
    if (appended === undefined) return;
    const index = this.#turns.lastIndexOf(appended);
    if (index !== -1) this.#turns.splice(index, 1);
  }

  #appendReply(completion: ChatCompletion): void {
    const message = completion.choices[0]?.message;
    if (message) this.#turns.push(toAssistantParam(message));
  }
}

function toAssistantParam(message: ChatCompletionMessage): ChatCompletionAssistantMessageParam {
  const param: ChatCompletionAssistantMessageParam = { role: "assistant", content: message.content };
  if (message.tool_calls && message.tool_calls.length > 0) param.tool_calls = message.tool_calls;
  return param;
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GlooError(
      "Conversation.fromJSON: the text is not JSON; pass the output of conversation.toJSON().",
    );
  }
}

function parseConversationJSON(json: unknown): ConversationJSON {
  const fail = (what: string) =>
    new GlooError(`Conversation.fromJSON: ${what}; pass the output of conversation.toJSON().`);
  if (!isRecord(json)) throw fail("expected an object");
  if (json.version !== 1) throw fail(`unsupported version ${JSON.stringify(json.version)} (expected 1)`);
  if (json.system !== undefined && typeof json.system !== "string") throw fail("system must be a string");
  if (json.model !== undefined && typeof json.model !== "string") throw fail("model must be a string");
  if (json.api !== undefined && json.api !== "v1" && json.api !== "v2")
    throw fail('api must be "v1" or "v2"');
  if (!Array.isArray(json.messages)) throw fail("messages must be an array");
  json.messages.forEach((message, index) => {
    if (!isRecord(message) || typeof message.role !== "string" || !ROLES.has(message.role)) {
      throw fail(`messages[${index}] needs a role of user, assistant, tool, system or developer`);
    }
    if (
      message.content !== null &&
      message.content !== undefined &&
      typeof message.content !== "string" &&
      !Array.isArray(message.content)
    ) {
      throw fail(`messages[${index}].content must be a string, an array of parts or null`);
    }
  });
  return json as unknown as ConversationJSON;
}
