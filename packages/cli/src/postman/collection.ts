// Builds `Gloo_AI_Postman_Collection_v2.2_EN.json`: the platform quickstart's requests (token,
// completion, SSE, health checks, its Postman configuration tables and the legacy chat endpoints)
// as a Postman v2.1.0 collection whose every request carries tests, so newman can prove it works.
import { completionItem, legacyCreateItem, legacyReadItem, script, tokenItem, userMessage } from "./items.js";
import {
  completionTests,
  DETERMINISM_N,
  DETERMINISM_WORD,
  determinismTests,
  ECHO_TEXT,
  echoTests,
  LAST_REQUEST_ID,
  LEGACY_CHAT_ID,
  STREAM_TEXT,
  streamTests,
} from "./response-tests.js";
import { ACCESS_TOKEN, ACCESS_TOKEN_EXPIRES_AT, tokenPreRequestScript } from "./token-scripts.js";
import type { Collection, Folder, PostmanOptions, Variable } from "./types.js";

// Fixed so that re-importing a regenerated file replaces the collection in Postman instead of adding a copy.
const COLLECTION_ID = "5b0f6a43-9d7e-4c21-8f3a-6f1f0c2b9a71";

const NOT_GA =
  "Not GA, reference only: do not use it in production. It is undocumented, may answer a chat_id, but " +
  "keeps no usable history. Use POST /ai/v1/chat/completions and keep the conversation client-side.";

function authFolder(): Folder {
  return {
    name: "Auth",
    description:
      "Exchanges the client id and secret for an access token (OAuth2 client_credentials, scope api/access). " +
      "You rarely need to send it by hand: the collection fetches a token by itself before the first request " +
      "that needs one, and again shortly before it expires.",
    item: [
      tokenItem(
        "Get OAuth Token",
        "Asks the token endpoint for an access token, with CLIENT_ID and CLIENT_SECRET sent as HTTP Basic " +
          "credentials. The tests store the token and when it expires (tokens last one hour) for the other requests.",
      ),
    ],
  };
}

function completionsFolder(): Folder {
  return {
    name: "Completions",
    description:
      "The official, stateless endpoint POST /ai/v1/chat/completions (OpenAI-compatible). The server keeps " +
      "no history: send the whole conversation in messages on every call, ending with a user message.",
    item: [
      completionItem({
        name: "Chat Completion (non-stream)",
        description:
          "Sends one user message and waits for the whole answer as a chat.completion object. Read the reply " +
          `from choices[0].message.content. The tests keep the x-request-id header in ${LAST_REQUEST_ID}; ` +
          "quote it when you ask Gloo for support.",
        body: {
          messages: userMessage("Explain the seven seals in two concise sentences."),
          max_tokens: 256,
          temperature: 0.7,
          stream: false,
        },
        tests: completionTests(),
      }),
    ],
  };
}

function sseFolder(): Folder {
  return {
    name: "SSE",
    description:
      "The same endpoint with stream: true answers with Server-Sent Events, one chat.completion.chunk per " +
      "data: line. Postman shows the events once the stream has ended; use curl -N to watch them arrive.",
    item: [
      completionItem({
        name: "Chat Completion (SSE)",
        description:
          `Asks for a streamed answer that should be exactly ${STREAM_TEXT}. The tests read every data: event, ` +
          "check each chunk, and join the text deltas. The platform ends the stream with the chunk that has a " +
          "finish_reason and does not send data: [DONE].",
        body: {
          messages: userMessage(`Reply with only: ${STREAM_TEXT}`),
          stream: true,
          temperature: 0,
          max_tokens: 8,
        },
        tests: streamTests(),
        stream: true,
      }),
    ],
  };
}

function healthFolder(): Folder {
  return {
    name: "Health checks",
    description:
      "Two quick checks that the platform and the model behave: an exact echo, and the same answer every " +
      "time at temperature 0.",
    item: [
      completionItem({
        name: "A. Exact echo",
        description: `Asks the model to return ${ECHO_TEXT} and nothing else; the test accepts only that exact string.`,
        body: {
          messages: userMessage(`Return EXACTLY this string and nothing else: ${ECHO_TEXT}`),
          max_tokens: 8,
          temperature: 0,
          stream: false,
        },
        tests: echoTests(),
      }),
      completionItem({
        name: "B. Determinism (n)",
        description:
          `Asks for ${DETERMINISM_N} answers at once (n: ${DETERMINISM_N}) at temperature 0; all of them must ` +
          `be exactly ${DETERMINISM_WORD}.`,
        body: {
          messages: userMessage(`Say ONE word that is exactly ${DETERMINISM_WORD}.`),
          n: DETERMINISM_N,
          temperature: 0,
        },
        tests: determinismTests(),
      }),
    ],
  };
}

function tableExamplesFolder(): Folder {
  return {
    name: "Table Examples",
    description:
      "The quickstart's Postman configuration tables, one request per table, set up exactly as the tables say.",
    item: [
      tokenItem(
        "1) Token Request (client_credentials)",
        "Table 1: POST /oauth2/token, Basic auth with CLIENT_ID and CLIENT_SECRET, form body " +
          "grant_type=client_credentials and scope=api/access. Its tests store access_token, as the table's " +
          "Tests snippet does.",
      ),
      completionItem({
        name: "2) Send Chat Message (Completions — WORKS)",
        description:
          "Table 2: the official endpoint with the table's body (max_tokens 1024, temperature 0.7). It answers " +
          "a chat.completion object; read choices[0].message.content.",
        body: {
          messages: userMessage("Explain the seven seals in two sentences."),
          max_tokens: 1024,
          stream: false,
          temperature: 0.7,
        },
        tests: completionTests(),
      }),
      legacyCreateItem(
        "3) Send Chat Message (Legacy Chat — NOT GA)",
        `Table 3: the legacy endpoint with its query body. ${NOT_GA}`,
      ),
    ],
  };
}

function legacyFolder(): Folder {
  const createName = "Create legacy chat";
  return {
    name: "Legacy Chat (not GA, reference only)",
    description:
      `Shows why the quickstart warns against POST /ai/v1/chat and GET /ai/v1/chat?chat_id=. ${NOT_GA} ` +
      "Run the two requests in order: the second reads back the chat the first created.",
    item: [
      legacyCreateItem(
        createName,
        `Sends a question in the legacy query field and keeps the chat_id it answers in ${LEGACY_CHAT_ID}. ${NOT_GA}`,
      ),
      legacyReadItem(
        "Read legacy chat (messages come back empty)",
        "Reads the chat back by its chat_id. Its messages list is empty: the question just sent is not " +
          `there, so this endpoint cannot hold a conversation. The tests document that. ${NOT_GA}`,
        createName,
      ),
    ],
  };
}

function variable(key: string, value: string, description: string): Variable {
  return { key, value, type: "string", description };
}

/**
 * Builds the Postman collection for the platform quickstart: a plain object ready for `JSON.stringify`.
 * Credentials appear only as `{{CLIENT_ID}}` / `{{CLIENT_SECRET}}` references.
 *
 * @example
 * const collection = buildCollection({ base: "https://platform.ai.gloo.com", model: "us.meta.llama3-3-70b-instruct-v1:0" });
 */
export function buildCollection(options: PostmanOptions): Collection {
  return {
    info: {
      _postman_id: COLLECTION_ID,
      name: "Gloo AI — Chat Completions (v2.2)",
      version: "2.2.0",
      description:
        "Gloo AI's chat completions with OAuth2 client_credentials, from the platform quickstart. Import it " +
        "together with Gloo_AI_Environment_EN.postman_environment.json, fill in CLIENT_ID and CLIENT_SECRET in " +
        "the environment, and send any request: a token is fetched for you. Generated by `gloo postman`; do " +
        "not put credentials in this file.",
      schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    item: [
      authFolder(),
      completionsFolder(),
      sseFolder(),
      healthFolder(),
      tableExamplesFolder(),
      legacyFolder(),
    ],
    event: [script("prerequest", tokenPreRequestScript())],
    variable: [
      variable("BASE", options.base, "Default; the environment's BASE wins."),
      variable("MODEL", options.model, "Default; the environment's MODEL wins."),
      variable(ACCESS_TOKEN, "", "Set by the token scripts."),
      variable(ACCESS_TOKEN_EXPIRES_AT, "", "Epoch ms; set by the token scripts."),
      variable(LAST_REQUEST_ID, "", "x-request-id of the last completion."),
      variable(LEGACY_CHAT_ID, "", "chat_id from the legacy chat request."),
    ],
  };
}
