// The SDK against the emulator over loopback, for what Gloo's tutorials and monitors rely on:
// grounded completions, structured output, tools under "auto", the safety layer, the legacy Chat
// API and a probe per listed model.
import { citationsOf, Gloo, type GroundedCitation } from "@gloo-toolkit/sdk";
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: RunningServer;
let gloo: Gloo;
beforeAll(async () => {
  server = await serve(createEmulator({ seed: 4 }).fetch, { port: 0 });
  gloo = new Gloo({ clientId: "emulator-client", clientSecret: "emulator-secret", baseURL: server.url });
});
afterAll(() => server.close());

const user = (content: string) => [{ role: "user" as const, content }];

describe("the SDK against the emulator", () => {
  it("grounded(): JSON with sources_returned, and a stream whose first chunk carries the citations", async () => {
    const answer = await gloo.v2.chat.completions.grounded({
      auto_routing: true,
      rag_publisher: "WorldEnglishBible",
      sources_limit: 1,
      messages: user("What does Yahweh require of you?"),
    });
    expect(answer.sources_returned).toBe(true);
    expect(answer.routing_mechanism).toBe("auto_routing");
    expect(answer.choices[0]?.message.content).toContain("Micah 6:8");

    const stream = await gloo.v2.chat.completions.grounded({
      model_family: "anthropic",
      rag_publisher: "WorldEnglishBible",
      messages: user("What does Yahweh require of you?"),
      stream: true,
    });
    const citations: GroundedCitation[] = [];
    let chunks = 0;
    for await (const chunk of stream) {
      const found = citationsOf(chunk);
      if (found !== undefined) {
        expect(chunks).toBe(0);
        citations.push(...found);
      }
      chunks++;
    }
    expect(citations[0]).toMatchObject({ publisher: "WorldEnglishBible", title: "Micah 6:8" });
    const defaults = await gloo.v2.chat.completions.grounded({ auto_routing: true });
    expect(defaults.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it("response_format json_schema: JSON the caller's schema accepts, also streamed", async () => {
    const response_format = {
      type: "json_schema" as const,
      json_schema: {
        name: "city",
        strict: true,
        schema: {
          type: "object",
          properties: { city: { type: "string" }, population: { type: "integer", minimum: 0 } },
          required: ["city", "population"],
          additionalProperties: false,
        },
      },
    };
    const completion = await gloo.v2.chat.completions.create({
      model: "gloo-openai-gpt-5.2",
      messages: user("Tell me about Chicago"),
      response_format,
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({
      city: "Chicago",
      population: 0,
    });
    const stream = await gloo.v2.chat.completions.create({
      model: "gloo-openai-gpt-5.2",
      messages: user("Tell me about Chicago"),
      response_format,
      stream: true,
    });
    expect(await stream.finalText()).toBe(completion.choices[0]?.message.content);
  });

  it('tool_choice "auto": calls the tool the question is about', async () => {
    const completion = await gloo.v2.chat.completions.create({
      auto_routing: true,
      messages: user("What is the weather in Chicago right now?"),
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Current weather for a place",
            parameters: {
              type: "object",
              properties: { location: { type: "string" } },
              required: ["location"],
            },
          },
        },
      ],
      tool_choice: "auto",
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.function.name).toBe("get_weather");
    expect(JSON.parse(call?.function.arguments ?? "")).toEqual({ location: "Chicago" });
  });

  it('the safety layer\'s refusal reaches the caller as a normal completion with model ""', async () => {
    const completion = await gloo.v2.chat.completions.create(
      { auto_routing: true, messages: user("Hi") },
      { headers: { "x-emulator-fault": "moderation" } },
    );
    expect(completion.model).toBe("");
    expect(completion.routing_mechanism).toBeUndefined();
    expect(completion.choices[0]?.message.content).toMatch(/^I can't help/);
  });

  it("the legacy Chat API through gloo.fetch: a message, then the chat's history", async () => {
    const posted = await gloo.fetch("/ai/v1/message", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "Reply with only: hello", publishers: [] }),
    });
    const message = (await posted.json()) as { chat_id: string; message: string };
    expect(message.message).toBe("hello");
    const chat = await gloo.fetch(`/ai/v1/chat?chat_id=${message.chat_id}`);
    const body = (await chat.json()) as { messages: { role: string }[] };
    expect(body.messages.map((m) => m.role)).toEqual(["user", "kallm"]);
  });

  it("every model gloo.models.list() returns answers a v2 call (Gloo's canary pattern)", async () => {
    const { data } = await gloo.models.list();
    const text = data.filter((model) => model.output_modalities?.includes("text") ?? true);
    for (const model of text) {
      const completion = await gloo.v2.chat.completions.create({
        model: model.id,
        messages: user("Reply with only: OK"),
      });
      expect({ id: model.id, content: completion.choices[0]?.message.content }).toEqual({
        id: model.id,
        content: "OK",
      });
    }
  });
});
