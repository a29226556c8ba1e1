import { openAIOptions } from "@gloo-toolkit/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echo, type Platform, startPlatform, V1_MODEL, V2_MODEL } from "./helpers/platform.js";

let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.close());

async function streamText(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

describe("openai (latest major) through openAIOptions, straight to the emulator", () => {
  const client = () => new OpenAI(openAIOptions(platform.gloo));

  it("creates a JSON completion on v2 and v1", async () => {
    const v2 = await client().chat.completions.create({ model: V2_MODEL, messages: echo("alpha") });
    expect(v2.choices[0]?.message.content).toBe("alpha");
    expect(v2._request_id).toMatch(/\S/);
    const v1 = new OpenAI(openAIOptions(platform.gloo, { api: "v1" }));
    const completion = await v1.chat.completions.create({ model: V1_MODEL, messages: echo("beta") });
    expect(completion.choices[0]?.message.content).toBe("beta");
  });

  it("streams a completion chunk by chunk", async () => {
    const stream = await client().chat.completions.create({
      model: V2_MODEL,
      messages: echo("gamma"),
      stream: true,
    });
    expect(await streamText(stream)).toBe("gamma");
  });

  it("recovers from a 401 (token expired server-side) with exactly one token refresh", async () => {
    const openai = client();
    await openai.chat.completions.create({ model: V2_MODEL, messages: echo("warm") });
    const before = platform.tokenRequests();
    platform.expireTokens();
    const completion = await openai.chat.completions.create({ model: V2_MODEL, messages: echo("fresh") });
    expect(completion.choices[0]?.message.content).toBe("fresh");
    expect(platform.tokenRequests() - before).toBe(1);
  });
});

describe("openai (latest major) through the proxy", () => {
  const client = (api: "v1" | "v2" = "v1") =>
    new OpenAI({ baseURL: `${platform.proxy.url}/${api}`, apiKey: "any-key-the-proxy-ignores" });

  it("creates a JSON completion and returns the platform's request id", async () => {
    const { data, request_id } = await client()
      .chat.completions.create({ model: V1_MODEL, messages: echo("delta") })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("delta");
    expect(request_id).toMatch(/\S/);
  });

  it("streams through the proxy", async () => {
    const stream = await client("v2").chat.completions.create({
      model: V2_MODEL,
      messages: echo("epsilon"),
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(await streamText(stream)).toBe("epsilon");
  });

  it("recovers from a 401 behind the proxy with exactly one token refresh", async () => {
    await client().chat.completions.create({ model: V1_MODEL, messages: echo("warm") });
    const before = platform.tokenRequests();
    platform.expireTokens();
    const completion = await client().chat.completions.create({ model: V1_MODEL, messages: echo("zeta") });
    expect(completion.choices[0]?.message.content).toBe("zeta");
    expect(platform.tokenRequests() - before).toBe(1);
  });

  it("lists the catalogue as OpenAI models", async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toContain(V2_MODEL);
  });
});
