// The legacy Chat endpoints the quickstart warns about: `POST /ai/v1/chat` `{query}` answers a
// `chat_id`, and `GET /ai/v1/chat?chat_id=` answers that chat with `messages: []`, as observed.
// The POST is undocumented; its reply shape is an emulator choice (unconfirmed).
import { randomUUID } from "node:crypto";
import { json, unprocessable } from "./http.js";
import { readJsonBody } from "./request-body.js";

/** Chats kept for GET (the oldest are forgotten beyond this many). */
const MAX_CHATS = 1000;

interface Chat {
  chat_id: string;
  title: string;
  created_at: string;
}

/** The legacy chat store of one emulator. */
export interface LegacyChat {
  create(request: Request, requestId: string, userId: string): Promise<Response>;
  read(request: Request, userId: string): Response;
}

/** Creates the in-memory legacy chat store. */
export function createLegacyChat(now: () => number): LegacyChat {
  const chats = new Map<string, Chat>();
  return {
    async create(request, requestId) {
      const body = await readJsonBody(request, requestId);
      if (!body.ok) return body.response;
      const query = (body.value as { query?: unknown } | null)?.query;
      if (typeof query !== "string" || query.trim() === "") {
        const type = query === undefined ? "missing" : "string_type";
        const msg = query === undefined ? "Field required" : "Input should be a non-empty string";
        return unprocessable([{ type, loc: ["body", "query"], msg, input: query ?? null }]);
      }
      const chat = { chat_id: `c${randomUUID()}`, title: query.slice(0, 60), created_at: timestamp(now()) };
      chats.set(chat.chat_id, chat);
      if (chats.size > MAX_CHATS) chats.delete(chats.keys().next().value as string);
      return json(200, { chat_id: chat.chat_id, success: true });
    },
    read(request, userId) {
      const chatId = new URL(request.url).searchParams.get("chat_id");
      if (chatId === null || chatId === "") {
        // Documented verbatim (reference: docs.gloo.com "Errors").
        return unprocessable([
          { type: "missing", loc: ["query", "chat_id"], msg: "Field required", input: null },
        ]);
      }
      const chat = chats.get(chatId);
      if (chat === undefined) return json(404, { detail: `Chat "${chatId}" not found.` });
      const { chat_id, title, created_at } = chat;
      return json(200, {
        user_id: userId,
        chat_id,
        created_at,
        updated_at: created_at,
        messages: [],
        pin: false,
        summary: null,
        title,
      });
    },
  };
}

// The documented timestamps are ISO 8601 without a zone.
function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "");
}
