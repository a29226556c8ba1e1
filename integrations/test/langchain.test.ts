import { openAIOptions } from "@gloo-toolkit/sdk";
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Platform, startPlatform, V1_MODEL } from "./helpers/platform.js";

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.close());

const chat = () =>
  new ChatOpenAI({
    model: V1_MODEL,
    apiKey: "any-key-the-proxy-ignores",
    configuration: { baseURL: `${platform.proxy.url}/v1` },
  });

describe("@langchain/openai ChatOpenAI through the proxy", () => {
  it("invokes", async () => {
    const message = await chat().invoke("Reply with only: langchain");
    expect(message.content).toBe("langchain");
    // Token counts come through from the platform's `usage` (typed loosely across @langchain/core versions).
    const usage = (message as unknown as { usage_metadata?: { output_tokens: number } }).usage_metadata;
    expect(usage?.output_tokens).toBeGreaterThan(0);
  });

  it("streams", async () => {
    const parts: string[] = [];
    for await (const chunk of await chat().stream("Reply with only: chunked reply text")) {
      if (typeof chunk.content === "string") parts.push(chunk.content);
    }
    expect(parts.join("")).toBe("chunked reply text");
    expect(parts.filter((part) => part !== "").length).toBeGreaterThan(1);
  });
});

describe("@langchain/openai ChatOpenAI with openAIOptions (no proxy)", () => {
  it("invokes Completions V1 with the SDK's token handling", async () => {
    const model = new ChatOpenAI({
      model: V1_MODEL,
      configuration: openAIOptions(platform.gloo, { api: "v1" }),
    });
    const message = await model.invoke("Reply with only: direct");
    expect(message.content).toBe("direct");
  });
});
