// The requests the collection's folders are made of: URLs on `{{BASE}}`, bearer or Basic auth,
// JSON or form bodies, and the scripts attached to each.
import {
  LEGACY_CHAT_ID,
  legacyCreateTests,
  legacyReadPreRequest,
  legacyReadTests,
} from "./response-tests.js";
import { ACCESS_TOKEN, TOKEN_PATH, tokenTestScript } from "./token-scripts.js";
import type { Auth, Body, Event, Item, KeyValue, Url } from "./types.js";

const COMPLETIONS_PATH = "/ai/v1/chat/completions";
const LEGACY_CHAT_PATH = "/ai/v1/chat";

const JSON_HEADER: KeyValue = { key: "Content-Type", value: "application/json" };
const BEARER: Auth = {
  type: "bearer",
  bearer: [{ key: "token", value: `{{${ACCESS_TOKEN}}}`, type: "string" }],
};

function url(path: string, query: KeyValue[] = []): Url {
  const search = query.map(({ key, value }) => `${key}=${value}`).join("&");
  return {
    raw: `{{BASE}}${path}${search === "" ? "" : `?${search}`}`,
    host: ["{{BASE}}"],
    path: path.split("/").filter((segment) => segment !== ""),
    ...(query.length > 0 ? { query } : {}),
  };
}

function jsonBody(value: unknown): Body {
  return { mode: "raw", raw: JSON.stringify(value, null, 2), options: { raw: { language: "json" } } };
}

/** A script attached to a request or to the whole collection. */
export function script(listen: Event["listen"], exec: string[]): Event {
  return { listen, script: { type: "text/javascript", exec } };
}

/** What differs between the chat completion requests. */
export interface CompletionRequest {
  name: string;
  description: string;
  /** The request body after `model` (always `{{MODEL}}`), in the quickstart's field order. */
  body: Record<string, unknown>;
  /** The test script's lines. */
  tests: string[];
  /** Sends `Accept: text/event-stream`, as the quickstart's SSE request does. @default false */
  stream?: boolean;
}

/** A `POST /ai/v1/chat/completions` request authorised with the stored bearer token. */
export function completionItem(request: CompletionRequest): Item {
  const header =
    request.stream === true ? [JSON_HEADER, { key: "Accept", value: "text/event-stream" }] : [JSON_HEADER];
  return {
    name: request.name,
    request: {
      method: "POST",
      url: url(COMPLETIONS_PATH),
      header,
      auth: BEARER,
      body: jsonBody({ model: "{{MODEL}}", ...request.body }),
      description: request.description,
    },
    event: [script("test", request.tests)],
  };
}

/** A one-message conversation, as every quickstart request sends. */
export function userMessage(content: string): Array<{ role: "user"; content: string }> {
  return [{ role: "user", content }];
}

/** The quickstart's token request: HTTP Basic with the client credentials, a form body. */
export function tokenItem(name: string, description: string): Item {
  return {
    name,
    request: {
      method: "POST",
      url: url(TOKEN_PATH),
      header: [{ key: "Content-Type", value: "application/x-www-form-urlencoded" }],
      auth: {
        type: "basic",
        basic: [
          { key: "username", value: "{{CLIENT_ID}}", type: "string" },
          { key: "password", value: "{{CLIENT_SECRET}}", type: "string" },
        ],
      },
      body: {
        mode: "urlencoded",
        urlencoded: [
          { key: "grant_type", value: "client_credentials" },
          { key: "scope", value: "api/access" },
        ],
      },
      description,
    },
    event: [script("test", tokenTestScript())],
  };
}

/** `POST /ai/v1/chat` with the legacy `{query}` body of the quickstart's table 3. */
export function legacyCreateItem(name: string, description: string): Item {
  return {
    name,
    request: {
      method: "POST",
      url: url(LEGACY_CHAT_PATH),
      header: [JSON_HEADER],
      auth: BEARER,
      body: jsonBody({ query: "Your question about Revelation..." }),
      description,
    },
    event: [script("test", legacyCreateTests())],
  };
}

/** `GET /ai/v1/chat?chat_id=` for the chat that the request named `createName` made. */
export function legacyReadItem(name: string, description: string, createName: string): Item {
  return {
    name,
    request: {
      method: "GET",
      url: url(LEGACY_CHAT_PATH, [{ key: "chat_id", value: `{{${LEGACY_CHAT_ID}}}` }]),
      header: [],
      auth: BEARER,
      description,
    },
    event: [script("prerequest", legacyReadPreRequest(createName)), script("test", legacyReadTests())],
  };
}
