// The legacy Chat API's chats (reference: docs.gloo.com/api-reference/chat/*, deprecated by Gloo):
// `GET /ai/v1/chat?chat_id=` (the chat and the messages posted with `/ai/v1/message`),
// `PATCH /ai/v1/chat?chat_id=&chat_field=` (pin, title, summary), and the undocumented `POST
// /ai/v1/chat` `{query}` the quickstart observed, which answers a `chat_id` whose GET shows
// `messages: []`. The store is in memory and shared with legacy-message.ts.
import { randomUUID } from "node:crypto";
import { json, unprocessable, type ValidationIssue } from "./http.js";
import { readJsonBody } from "./request-body.js";

/** Chats kept (the oldest are forgotten beyond this many). */
const MAX_CHATS = 1000;
const CHAT_FIELDS = ["pin", "title", "summary"];

/** A stored message, in the documented GET shape (`role` "user" or "kallm"). */
export type StoredMessage = Record<string, unknown> & {
  query_id: string;
  message_id: string;
  role: "user" | "kallm";
};

/** One chat. */
export interface Chat {
  chat_id: string;
  title: unknown;
  created_at: string;
  updated_at: string;
  pin: unknown;
  summary: unknown;
  messages: StoredMessage[];
}

/** The legacy chat store of one emulator. */
export interface LegacyChat {
  create(request: Request, requestId: string): Promise<Response>;
  read(request: Request, userId: string): Response;
  update(request: Request, requestId: string): Promise<Response>;
  /** A new chat titled after its first query. */
  open(title: string): Chat;
  find(chatId: string): Chat | undefined;
  /** Removes a message by id (and its query id); false when there is none. */
  remove(messageId: string, queryId: string): boolean;
  /** The clock as the documented timestamps show it. */
  timestamp(): string;
}

/** Creates the in-memory legacy chat store. */
export function createLegacyChat(now: () => number): LegacyChat {
  const chats = new Map<string, Chat>();
  const timestamp = () => isoWithoutZone(now());
  function open(title: string): Chat {
    const at = timestamp();
    const chat: Chat = {
      chat_id: `c${randomUUID()}`,
      title: title.slice(0, 60),
      created_at: at,
      updated_at: at,
      pin: false,
      summary: null,
      messages: [],
    };
    chats.set(chat.chat_id, chat);
    if (chats.size > MAX_CHATS) chats.delete(chats.keys().next().value as string);
    return chat;
  }
  return {
    open,
    timestamp,
    find: (chatId) => chats.get(chatId),
    async create(request, requestId) {
      const body = await readJsonBody(request, requestId);
      if (!body.ok) return body.response;
      const query = (body.value as { query?: unknown } | null)?.query;
      if (typeof query !== "string" || query.trim() === "") {
        const type = query === undefined ? "missing" : "string_type";
        const msg = query === undefined ? "Field required" : "Input should be a non-empty string";
        return unprocessable([{ type, loc: ["body", "query"], msg, input: query ?? null }]);
      }
      return json(200, { chat_id: open(query).chat_id, success: true });
    },
    read(request, userId) {
      const chatId = requiredQuery(request, ["chat_id"]);
      if (chatId instanceof Response) return chatId;
      const chat = chats.get(chatId.chat_id as string);
      if (chat === undefined) return chatNotFound(chatId.chat_id as string);
      return json(200, { user_id: userId, ...chat });
    },
    async update(request, requestId) {
      const params = requiredQuery(request, ["chat_id", "chat_field"]);
      if (params instanceof Response) return params;
      const { chat_id: chatId, chat_field: field } = params as { chat_id: string; chat_field: string };
      const body = await readJsonBody(request, requestId);
      if (!body.ok) return body.response;
      const issues: ValidationIssue[] = [];
      if (!CHAT_FIELDS.includes(field)) {
        issues.push({
          type: "literal_error",
          loc: ["query", "chat_field"],
          msg: "Input should be 'pin', 'title' or 'summary'",
          input: field,
        });
      }
      const record = body.value as Record<string, unknown> | null;
      if (typeof record !== "object" || record === null || !("new_value" in record)) {
        issues.push({
          type: "missing",
          loc: ["body", "new_value"],
          msg: "Field required",
          input: body.value,
        });
      } else if (field === "pin" && typeof record.new_value !== "boolean") {
        issues.push({
          type: "bool_type",
          loc: ["body", "new_value"],
          msg: "Input should be a valid boolean",
          input: record.new_value,
        });
      }
      if (issues.length > 0) return unprocessable(issues);
      const chat = chats.get(chatId);
      if (chat === undefined) return chatNotFound(chatId);
      const value = (record as { new_value: unknown }).new_value;
      (chat as unknown as Record<string, unknown>)[field] = value;
      chat.updated_at = timestamp();
      return json(200, { chat_id: chatId, field, value });
    },
    remove(messageId, queryId) {
      for (const chat of chats.values()) {
        const index = chat.messages.findIndex((m) => m.message_id === messageId && m.query_id === queryId);
        if (index === -1) continue;
        chat.messages.splice(index, 1);
        chat.updated_at = timestamp();
        return true;
      }
      return false;
    },
  };
}

/** The named query parameters, or the documented FastAPI 422 for each missing one. */
export function requiredQuery(request: Request, names: string[]): Record<string, string> | Response {
  const params = new URL(request.url).searchParams;
  const values: Record<string, string> = {};
  const issues: ValidationIssue[] = [];
  for (const name of names) {
    const value = params.get(name);
    // Documented verbatim for chat_id (reference: docs.gloo.com "Errors").
    if (value === null || value === "")
      issues.push({ type: "missing", loc: ["query", name], msg: "Field required", input: null });
    else values[name] = value;
  }
  return issues.length > 0 ? unprocessable(issues) : values;
}

/** 404 for an unknown chat (emulator choice: the body is undocumented). */
export function chatNotFound(chatId: string): Response {
  return json(404, { detail: `Chat "${chatId}" not found.` });
}

// The documented timestamps are ISO 8601 without a zone.
function isoWithoutZone(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}
