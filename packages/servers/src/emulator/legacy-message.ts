// The legacy Chat API's messages (reference: docs.gloo.com/api-reference/chat/post-message,
// post-message-kallm, delete-message; deprecated by Gloo): `POST /ai/v1/message` (no `chat_id`
// creates a chat), `POST /ai/v1/message/kallm` (the short reply), `DELETE /ai/v1/message`. Replies
// come from the emulated model with the chat's history; sources from the built-in corpus.
import { randomUUID } from "node:crypto";
import { V1_DEFAULT_MODEL } from "./catalogue.js";
import { CORPUS } from "./corpus.js";
import { citationsOf, DEFAULT_SOURCES_LIMIT, retrievePassages } from "./grounded.js";
import { json, unprocessable, type ValidationIssue } from "./http.js";
import {
  type Chat,
  chatNotFound,
  type LegacyChat,
  requiredQuery,
  type StoredMessage,
} from "./legacy-chat.js";
import { type ChatMessage, generateReply, topicOf } from "./model.js";
import type { Random } from "./random.js";
import { readJsonBody } from "./request-body.js";
import type { Script } from "./script.js";

/** What the message endpoints need from the emulator. */
export interface MessageContext {
  random: Random;
  script: Script | undefined;
}

/** A validated message request: body fields and query parameters. */
interface MessageRequest {
  chatId: string | undefined;
  query: string;
  characterLimit: number;
  sourcesLimit: number;
  stream: boolean;
  publishers: string[];
  intent: number;
  enableSources: number;
  enableSuggestions: number;
}

/** The legacy message endpoints over a chat store. */
export function createLegacyMessages(chats: LegacyChat, context: MessageContext) {
  async function post(request: Request, requestId: string, kallm: boolean): Promise<Response> {
    const read = await readMessage(request, requestId);
    if (read instanceof Response) return read;
    let chat: Chat | undefined;
    if (read.chatId === undefined) chat = chats.open(read.query);
    else {
      chat = chats.find(read.chatId);
      if (chat === undefined) return chatNotFound(read.chatId);
    }
    const reply = answer(chat, read);
    const body = kallm
      ? {
          query_id: reply.query_id,
          message_id: reply.message_id,
          message: reply.message,
          timestamp: reply.timestamp,
        }
      : {
          chat_id: chat.chat_id,
          query_id: reply.query_id,
          message_id: reply.message_id,
          timestamp: reply.timestamp,
          success: true,
          message: reply.message,
          model: V1_DEFAULT_MODEL,
          sources: reply.sources,
          sources_limit: reply.sources_limit,
          suggestions: reply.suggestions,
          intent: reply.intent,
        };
    return json(200, body);
  }

  // Adds the user's message and the reply to the chat; returns the stored reply.
  function answer(chat: Chat, read: MessageRequest): StoredMessage {
    const queryId = `q${randomUUID()}`;
    const history: ChatMessage[] = chat.messages.map((m) => ({
      role: m.role === "user" ? "user" : "assistant",
      content: m.message,
    }));
    history.push({ role: "user", content: read.query });
    const generated = generateReply(
      { messages: history, temperature: 0, tools: [], toolChoice: undefined },
      context.random,
      context.script,
    );
    const text = "text" in generated ? generated.text : "";
    const message = read.characterLimit > 0 ? text.slice(0, read.characterLimit) : text;
    const sources = read.enableSources === 0 ? [] : sourcesFor(read);
    const user: StoredMessage = {
      query_id: queryId,
      message_id: `m${randomUUID()}`,
      timestamp: chats.timestamp(),
      role: "user",
      character_limit: read.characterLimit,
      stream: read.stream,
      intent: read.intent,
      message: read.query,
      model: V1_DEFAULT_MODEL,
      publishers: read.publishers,
    };
    const reply: StoredMessage = {
      query_id: queryId,
      message_id: `m${randomUUID()}`,
      timestamp: chats.timestamp(),
      role: "kallm",
      intent: read.intent,
      sources_limit: read.sourcesLimit,
      sources,
      success: true,
      suggestions: read.enableSuggestions === 0 ? [] : suggestionsFor(read.query),
      message,
      model: V1_DEFAULT_MODEL,
    };
    chat.messages.push(user, reply);
    chat.updated_at = reply.timestamp as string;
    return reply;
  }

  function remove(request: Request): Response {
    const params = requiredQuery(request, ["message_id", "query_id"]);
    if (params instanceof Response) return params;
    const { message_id: messageId, query_id: queryId } = params as { message_id: string; query_id: string };
    if (!chats.remove(messageId, queryId)) {
      return json(404, { detail: `Message "${messageId}" of query "${queryId}" not found.` });
    }
    return json(200, { deleted: true, message_id: messageId });
  }

  return { post, remove };
}

// Sources from the named publishers the corpus has (others are ignored: emulator choice).
function sourcesFor(read: MessageRequest): Record<string, unknown>[] {
  const passages = read.publishers.flatMap((publisher) => CORPUS[publisher] ?? []);
  const limit = read.sourcesLimit > 0 ? Math.min(read.sourcesLimit, 10) : DEFAULT_SOURCES_LIMIT;
  return citationsOf(retrievePassages(passages, read.query, limit));
}

// Three follow-up questions about the query's topic (emulator wording).
function suggestionsFor(query: string): string[] {
  const topic = topicOf(query);
  return [
    `Can you tell me more about ${topic}?`,
    `What are the key ideas of ${topic}?`,
    `How can I apply ${topic} today?`,
  ];
}

// The body (`chat_id` may also be a query parameter) and the query parameters `intent` (0|1),
// `enable_sources` (0|1|2, default 1) and `enable_suggestions` (0|1), all documented; the
// tutorial also sends `enable_suggestions` in the body.
async function readMessage(request: Request, requestId: string): Promise<MessageRequest | Response> {
  const body = await readJsonBody(request, requestId);
  if (!body.ok) return body.response;
  const record = body.value;
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    const msg = "Input should be a valid dictionary or object to extract fields from";
    return unprocessable([{ type: "model_attributes_type", loc: ["body"], msg, input: record }]);
  }
  const fields = record as Record<string, unknown>;
  const params = new URL(request.url).searchParams;
  const issues: ValidationIssue[] = [];
  const field = <T>(name: string, ok: (v: unknown) => v is T, fallback: T, msg: string): T => {
    const value = fields[name];
    if (value === undefined || value === null) return fallback;
    if (ok(value)) return value;
    issues.push({ type: "type_error", loc: ["body", name], msg, input: value });
    return fallback;
  };
  const option = (name: string, allowed: number[], fallback: number, inBody = false): number => {
    const raw = params.get(name) ?? (inBody && fields[name] !== undefined ? String(fields[name]) : null);
    if (raw === null || raw === "") return fallback;
    const value = Number(raw);
    if (allowed.includes(value)) return value;
    const where = params.has(name) ? "query" : "body";
    issues.push({
      type: "enum",
      loc: [where, name],
      msg: `Input should be ${allowed.join(", ").replace(/, (\d)$/, " or $1")}`,
      input: raw,
    });
    return fallback;
  };
  const query = fields.query;
  if (typeof query !== "string" || query.trim() === "") {
    const missing = query === undefined;
    issues.push({
      type: missing ? "missing" : "string_type",
      loc: ["body", "query"],
      msg: missing ? "Field required" : "Input should be a non-empty string",
      input: query ?? null,
    });
  }
  const chatId =
    field("chat_id", isString, "", "Input should be a valid string") || (params.get("chat_id") ?? "");
  const read: MessageRequest = {
    chatId: chatId === "" ? undefined : chatId,
    query: typeof query === "string" ? query : "",
    characterLimit: field("character_limit", isWhole, 0, "Input should be a whole number ≥ 0"),
    sourcesLimit: field("sources_limit", isWhole, 0, "Input should be a whole number ≥ 0"),
    stream: field("stream", isBoolean, false, "Input should be a valid boolean"),
    publishers: field("publishers", isStringList, [], "Input should be a list of publisher names"),
    intent: option("intent", [0, 1], 0),
    enableSources: option("enable_sources", [0, 1, 2], 1),
    enableSuggestions: option("enable_suggestions", [0, 1], 1, true),
  };
  return issues.length > 0 ? unprocessable(issues) : read;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isWhole = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
