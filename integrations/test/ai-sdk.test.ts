import { OpenAICompatibleChatLanguageModel, VERSION } from "@ai-sdk/openai-compatible";
import { createGloo } from "@gloo-toolkit/sdk/ai-sdk";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { type Platform, startPlatform, V1_MODEL, V2_MODEL } from "./helpers/platform.js";

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.close());

const provider = () => createGloo({ client: platform.gloo });

// The tool of Gloo's tool-use tutorial: the weather for a location.
const weatherTool = (execute: (input: { location: string }) => Promise<unknown>) =>
  tool({
    description: "Get the current weather for a location",
    inputSchema: z.object({ location: z.string() }),
    execute,
  });

// Each ai-sdk project of vitest.config.ts runs this file with its own `ai` and
// `@ai-sdk/openai-compatible`, and provides their exact versions.
const versions = inject("aiSdk");

describe(`ai ${versions.ai} + @ai-sdk/openai-compatible ${versions.openaiCompatible} through createGloo`, () => {
  // `ai` appends its version to the User-Agent (the provider's own suffix is overwritten by it), and
  // the built provider's models are instances of the class of the `@ai-sdk/openai-compatible`
  // imported here, whose VERSION is checked: proof that both are the versions the name says, also
  // for the provider's import, which resolves outside this project.
  it("runs the ai and @ai-sdk/openai-compatible versions its name says", async () => {
    expect(VERSION).toBe(versions.openaiCompatible);
    expect(provider()(V2_MODEL)).toBeInstanceOf(OpenAICompatibleChatLanguageModel);
    expect(provider().v1(V1_MODEL)).toBeInstanceOf(OpenAICompatibleChatLanguageModel);
    const agents: (string | null)[] = [];
    const gloo = createGloo({
      clientId: "emulator-client",
      clientSecret: "emulator-secret",
      baseURL: platform.emulator.url,
      fetch: (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (url.endsWith("/chat/completions")) agents.push(new Headers(init?.headers).get("user-agent"));
        return fetch(input, init);
      },
    });
    await generateText({ model: gloo(V2_MODEL), prompt: "Reply with only: six" });
    expect(agents).toHaveLength(1);
    expect(agents[0]?.split(" ")).toContain(`ai/${versions.ai}`);
  });

  it("generateText with v2 direct model selection", async () => {
    const result = await generateText({ model: provider()(V2_MODEL), prompt: "Reply with only: one" });
    expect(result.text).toBe("one");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  // The emulator answers 400 when `model` comes with auto_routing or model_family, as the platform
  // does: these pass only because the provider drops the `model` the AI SDK always sends.
  it("generateText with v2 auto routing", async () => {
    const result = await generateText({ model: provider().autoRouting(), prompt: "Reply with only: two" });
    expect(result.text).toBe("two");
  });

  it("generateText with a v2 model family", async () => {
    const result = await generateText({
      model: provider().modelFamily("anthropic"),
      prompt: "Reply with only: three",
    });
    expect(result.text).toBe("three");
    expect(result.response.modelId).toMatch(/anthropic/i);
  });

  it("generateText on v1", async () => {
    const result = await generateText({ model: provider().v1(V1_MODEL), prompt: "Reply with only: four" });
    expect(result.text).toBe("four");
  });

  it("streamText on v2 auto routing and v1, with usage from the final chunk", async () => {
    for (const model of [provider().autoRouting(), provider().v1(V1_MODEL)]) {
      const result = streamText({ model, prompt: "Reply with only: streamed words arrive" });
      const parts: string[] = [];
      for await (const part of result.textStream) parts.push(part);
      expect(parts.join("")).toBe("streamed words arrive");
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
    }
  });

  it("creates its own client from credentials", async () => {
    const gloo = createGloo({
      clientId: "emulator-client",
      clientSecret: "emulator-secret",
      baseURL: platform.emulator.url,
    });
    const result = await generateText({
      model: gloo.modelFamily("open source"),
      prompt: "Reply with only: five",
    });
    expect(result.text).toBe("five");
  });

  it("generateObject with a zod schema gets an object the schema accepts (response_format json_schema)", async () => {
    const schema = z.object({
      city: z.string(),
      population: z.number().int().min(0),
      kind: z.enum(["city", "town"]),
      landmarks: z.array(z.object({ name: z.string(), year: z.number() })).min(2),
    });
    const formats: unknown[] = [];
    const gloo = createGloo({
      clientId: "emulator-client",
      clientSecret: "emulator-secret",
      baseURL: platform.emulator.url,
      fetch: (input, init) => {
        if (typeof init?.body === "string" && init.body.includes("messages"))
          formats.push(
            (JSON.parse(init.body) as { response_format?: { type: string } }).response_format?.type,
          );
        return fetch(input, init);
      },
    });
    const result = await generateObject({
      model: gloo(V2_MODEL),
      schema,
      prompt: "Describe Chicago in 1893",
    });
    expect(formats).toEqual(["json_schema"]);
    expect(schema.parse(result.object)).toEqual(result.object);
    expect(result.object).toMatchObject({ city: "Chicago", population: 1893, kind: "city" });
    expect(result.object.landmarks).toHaveLength(2);
  });

  it('generateText with a tool under tool_choice "auto": the call, then the answer from its result', async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: provider().autoRouting(),
      prompt: "What is the weather in Chicago right now?",
      tools: {
        get_weather: weatherTool(async ({ location }) => {
          calls.push(location);
          return { location, temperatureC: 21 };
        }),
      },
      toolChoice: "auto",
      stopWhen: stepCountIs(2),
    });
    expect(calls).toEqual(["Chicago"]);
    expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["get_weather", { location: "Chicago" }],
    ]);
    expect(result.text).toContain('"temperatureC":21');
  });

  it("generateText answers in text when no tool is about the prompt", async () => {
    const result = await generateText({
      model: provider().autoRouting(),
      prompt: "Reply with only: no tools",
      tools: { get_weather: weatherTool(async () => ({})) },
      toolChoice: "auto",
    });
    expect(result.toolCalls).toEqual([]);
    expect(result.text).toBe("no tools");
  });
});
