// Every JSON body and every stream chunk the emulator sends validates against OpenAI's schemas.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, postJson, sseData, tokenFor } from "./helpers/emulator.js";
import { chunkErrors, responseErrors } from "./helpers/openai-schemas.js";

const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

const cases: { name: string; path: string; body: Record<string, unknown>; header?: string }[] = [
  {
    name: "v1 text",
    path: "/ai/v1/chat/completions",
    body: { messages: ask("Explain grace in two sentences.") },
  },
  {
    name: "v1 n=3 truncated",
    path: "/ai/v1/chat/completions",
    body: { messages: ask("Describe the psalms."), n: 3, max_tokens: 5 },
  },
  {
    name: "v1 tool call",
    path: "/ai/v1/chat/completions",
    body: { messages: ask("What is the weather in Paris?"), tools: [weather], tool_choice: "required" },
  },
  {
    name: "v2 auto routing",
    path: "/ai/v2/chat/completions",
    body: { messages: ask("Hi"), auto_routing: true },
  },
  {
    name: "v2 family + tradition",
    path: "/ai/v2/chat/completions",
    body: { messages: ask("Hi"), model_family: "open source", tradition: "mainline" },
  },
  {
    name: "v2 direct tool call",
    path: "/ai/v2/chat/completions",
    body: { messages: ask("call get_weather for Rome"), model: "gloo-openai-gpt-5.2", tools: [weather] },
  },
  {
    name: "v2 auto tool call by relevance",
    path: "/ai/v2/chat/completions",
    body: {
      messages: ask("What is the weather in Chicago right now?"),
      model: "gloo-openai-gpt-5.2",
      tools: [weather],
      tool_choice: "auto",
    },
  },
  {
    name: "v2 json_schema",
    path: "/ai/v2/chat/completions",
    body: {
      messages: ask("A verse about peace"),
      auto_routing: true,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "verse",
          strict: true,
          schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
        },
      },
    },
  },
  {
    name: 'v2 safety refusal (model "")',
    path: "/ai/v2/chat/completions",
    body: { messages: ask("Hi"), auto_routing: true },
    header: "moderation",
  },
  {
    name: "grounded with sources",
    path: "/ai/v2/chat/completions/grounded",
    body: { messages: ask("Is love patient?"), model_family: "google", sources_limit: 2 },
  },
];

const faultHeader = (header: string | undefined) =>
  header === undefined ? {} : { "x-emulator-fault": header };

describe("OpenAI schema conformance", () => {
  const emulator = createEmulator({ seed: 1 });

  it.each(cases)(
    "the JSON body of $name validates as CreateChatCompletionResponse",
    async ({ path, body, header }) => {
      const token = await tokenFor(emulator);
      const response = await postJson(emulator, path, body, token, faultHeader(header));
      expect(response.status).toBe(200);
      expect(responseErrors(await response.json())).toEqual([]);
    },
  );

  it.each(cases)(
    "every chunk of $name validates as CreateChatCompletionStreamResponse",
    async ({ path, body, header }) => {
      const token = await tokenFor(emulator);
      const response = await postJson(
        emulator,
        path,
        { ...body, stream: true, stream_options: { include_usage: true } },
        token,
        faultHeader(header),
      );
      const chunks = await sseData(response);
      expect(chunks.length).toBeGreaterThan(2);
      for (const chunk of chunks) expect(chunkErrors(chunk)).toEqual([]);
    },
  );

  it("accepts the platform's finish_reason: error chunk and nothing else outside OpenAI's enum", async () => {
    const token = await tokenFor(emulator);
    const response = await postJson(
      emulator,
      "/ai/v1/chat/completions",
      { messages: ask("Hi"), stream: true },
      token,
      {
        "x-emulator-fault": "error-after=2",
      },
    );
    const chunks = await sseData(response);
    expect(chunks.at(-1)).toMatchObject({ choices: [{ finish_reason: "error" }] });
    for (const chunk of chunks) expect(chunkErrors(chunk)).toEqual([]);
    expect(
      chunkErrors({
        ...(chunks.at(-1) as object),
        choices: [{ index: 0, delta: {}, finish_reason: "oops" }],
      }),
    ).not.toEqual([]);
  });

  it("rejects a body that breaks the schema, so the checks can fail", () => {
    expect(
      responseErrors({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [{}] }),
    ).not.toEqual([]);
    expect(
      chunkErrors({ id: "x", object: "chat.completion", created: 1, model: "m", choices: [] }),
    ).not.toEqual([]);
  });
});
