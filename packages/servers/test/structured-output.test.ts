// The model under `response_format` (json_object, json_schema) and `tool_choice: "auto"` by relevance.
import { createEmulator } from "@gloo-toolkit/servers";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { ask, type Chunk, postJson, sseData, tokenFor } from "./helpers/emulator.js";

interface Completion {
  choices: {
    message: { content: string | null; tool_calls?: { function: { name: string; arguments: string } }[] };
    finish_reason: string;
  }[];
}

const emulator = createEmulator({ seed: 5 });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

async function complete(body: Record<string, unknown>): Promise<Completion> {
  const response = await postJson(
    emulator,
    "/ai/v2/chat/completions",
    { model: "gloo-openai-gpt-5.2", ...body },
    token,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Completion;
}

const recipe = {
  type: "object",
  properties: {
    name: { type: "string", minLength: 3 },
    servings: { type: "integer", minimum: 2, maximum: 8 },
    vegetarian: { type: "boolean" },
    difficulty: { type: "string", enum: ["easy", "medium", "hard"] },
    ingredients: {
      type: "array",
      minItems: 2,
      items: {
        type: "object",
        properties: { item: { type: "string" }, grams: { type: "number", exclusiveMinimum: 0 } },
        required: ["item", "grams"],
        additionalProperties: false,
      },
    },
    tags: { anyOf: [{ type: "array", items: { type: "string" } }, { type: "null" }] },
    created: { type: "string", format: "date-time" },
    author: { $ref: "#/$defs/person" },
  },
  required: ["name", "servings", "vegetarian", "difficulty", "ingredients", "tags", "created", "author"],
  additionalProperties: false,
  $defs: {
    person: {
      type: "object",
      properties: { email: { type: "string", format: "email" }, first: { type: "string", maxLength: 4 } },
      required: ["email", "first"],
      additionalProperties: false,
    },
  },
};
const jsonSchema = { type: "json_schema", json_schema: { name: "recipe", strict: true, schema: recipe } };

describe("response_format", () => {
  it("json_object answers a JSON object", async () => {
    const body = await complete({
      messages: ask("Describe the Psalms as JSON."),
      response_format: { type: "json_object" },
    });
    const value = JSON.parse(body.choices[0]?.message.content as string) as Record<string, unknown>;
    expect(typeof value).toBe("object");
    expect(Array.isArray(value)).toBe(false);
    expect(value.topic).toBe("the Psalms as JSON");
  });

  it("json_schema answers JSON valid against the schema, the same for the same prompt", async () => {
    // ajv checks everything but formats (no ajv-formats here): those are checked below by hand.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(recipe);
    const request = {
      messages: ask("A soup for 4 people from Lyon"),
      response_format: jsonSchema,
      temperature: 1,
    };
    const first = JSON.parse((await complete(request)).choices[0]?.message.content as string);
    expect(validate(first), JSON.stringify(validate.errors)).toBe(true);
    expect(first.servings).toBe(4);
    expect(first.name).toBe("Lyon");
    expect(Number.isNaN(Date.parse(first.created))).toBe(false);
    expect(first.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
    const second = JSON.parse((await complete(request)).choices[0]?.message.content as string);
    expect(second).toEqual(first);
  });

  it("streams the same JSON in pieces", async () => {
    const request = { messages: ask("A soup for 4 people from Lyon"), response_format: jsonSchema };
    const whole = (await complete(request)).choices[0]?.message.content as string;
    const response = await postJson(
      emulator,
      "/ai/v2/chat/completions",
      { model: "gloo-openai-gpt-5.2", ...request, stream: true },
      token,
    );
    const chunks = (await sseData(response)) as Chunk[];
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").filter((text) => text !== "");
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join("")).toBe(whole);
  });

  it("rejects a malformed response_format with a 422 naming the field", async () => {
    for (const format of [
      { type: "xml" },
      { type: "json_schema" },
      { type: "json_schema", json_schema: { schema: 3 } },
    ]) {
      const response = await postJson(
        emulator,
        "/ai/v2/chat/completions",
        { model: "gloo-openai-gpt-5.2", messages: ask("Hi"), response_format: format },
        token,
      );
      expect(response.status).toBe(422);
      const detail = ((await response.json()) as { detail: { loc: unknown[] }[] }).detail;
      expect(detail[0]?.loc.slice(0, 2)).toEqual(["body", "response_format"]);
    }
  });
});

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather for a location",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};
const verseTool = {
  type: "function",
  function: {
    name: "lookup_verse",
    description: "Look up a Bible passage by its reference",
    parameters: { type: "object", properties: { reference: { type: "string" } }, required: ["reference"] },
  },
};

describe('tool_choice "auto"', () => {
  it("calls the tool the question is about, with arguments from the prompt", async () => {
    const body = await complete({
      messages: ask("What is the weather in Chicago right now?"),
      tools: [verseTool, weatherTool],
      tool_choice: "auto",
    });
    const call = body.choices[0]?.message.tool_calls?.[0];
    expect(body.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.function.name).toBe("get_weather");
    expect(JSON.parse(call?.function.arguments as string)).toEqual({ location: "Chicago" });
  });

  it("judges by description and parameter names too, and picks the closer tool", async () => {
    const body = await complete({
      messages: ask("Which Bible passage has the reference John 3:16?"),
      tools: [weatherTool, verseTool],
    });
    expect(body.choices[0]?.message.tool_calls?.[0]?.function.name).toBe("lookup_verse");
  });

  it("answers in text when no tool is about the question", async () => {
    for (const prompt of ["Explain grace in two sentences.", "Hello there", "Reply with only: OK"]) {
      const body = await complete({
        messages: ask(prompt),
        tools: [weatherTool, verseTool],
        tool_choice: "auto",
      });
      expect({ prompt, finish: body.choices[0]?.finish_reason }).toEqual({ prompt, finish: "stop" });
    }
  });
});
