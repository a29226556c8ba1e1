import { ChatCompletionStream, Gloo, RequestValidationError } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import {
  BASE_URL,
  completionBody,
  fakePlatform,
  hello,
  sseReply,
  textChunks,
} from "./helpers/fake-platform.js";

describe("gloo.chat.completions (v1)", () => {
  it("posts JSON to /ai/v1/chat/completions and returns the typed completion", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const completion = await gloo.chat.completions.create({
      model: "gloo-test-model",
      messages: hello,
      max_tokens: 1024,
    });
    expect(completion).toEqual(completionBody());
    const request = platform.apiRequests()[0];
    expect(request?.url).toBe(`${BASE_URL}/ai/v1/chat/completions`);
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("accept")).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      model: "gloo-test-model",
      messages: hello,
      max_tokens: 1024,
    });
  });

  it("passes unknown request fields through and keeps unknown response fields", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json({ ...completionBody(), gloo_extra: { a: 1 } }));
    const gloo = new Gloo(platform.options());
    const params = { messages: hello, future_flag: true };
    const completion = await gloo.chat.completions.create(params);
    expect(JSON.parse(platform.apiRequests()[0]?.body ?? "").future_flag).toBe(true);
    expect((completion as unknown as Record<string, unknown>).gloo_extra).toEqual({ a: 1 });
  });

  it("stream: true sends Accept: text/event-stream and returns a ChatCompletionStream", async () => {
    const platform = fakePlatform();
    platform.reply(sseReply(textChunks("Hel", "lo"), "req-s"));
    const gloo = new Gloo(platform.options());
    const stream = await gloo.chat.completions.create({ messages: hello, stream: true });
    expect(stream).toBeInstanceOf(ChatCompletionStream);
    expect(stream.requestId).toBe("req-s");
    const texts: string[] = [];
    for await (const text of stream.textStream()) texts.push(text);
    expect(texts).toEqual(["Hel", "lo"]);
    expect(platform.apiRequests()[0]?.headers.get("accept")).toBe("text/event-stream");
  });

  it("withResponse() gives the raw response beside the completion, the stream, or the error", async () => {
    const platform = fakePlatform();
    platform.reply(
      Response.json(completionBody(), { headers: { "x-request-id": "r-1", "x-extra": "1" } }),
      sseReply(textChunks("a"), "r-2"),
      Response.json({ detail: "bad" }, { status: 400 }),
    );
    const gloo = new Gloo(platform.options());
    const json = await gloo.chat.completions.create({ messages: hello }).withResponse();
    expect(json.data.choices[0]?.message.content).toBe("Hello");
    expect(json.response.headers.get("x-extra")).toBe("1");
    const streamed = await gloo.chat.completions.create({ messages: hello, stream: true }).withResponse();
    expect(streamed.response).toBe(streamed.data.response);
    expect(streamed.response.headers.get("x-request-id")).toBe("r-2");
    expect(await streamed.data.finalText()).toBe("a");
    await expect(gloo.chat.completions.create({ messages: hello }).withResponse()).rejects.toMatchObject({
      status: 400,
    });
    await expect(gloo.chat.completions.create({ messages: [] }).withResponse()).rejects.toBeInstanceOf(
      RequestValidationError,
    );
  });
});

describe("gloo.v2.chat.completions", () => {
  it("posts to /ai/v2/chat/completions and exposes the routing fields", async () => {
    const platform = fakePlatform();
    const routed = {
      ...completionBody(),
      provider: "Gloo AI",
      model_family: "OpenAI",
      auto_routing: true,
      routing_mechanism: "auto_routing",
      routing_tier: "tier_2",
      routing_confidence: 0.557,
      tradition: "evangelical",
    };
    platform.reply(Response.json(routed));
    const gloo = new Gloo(platform.options());
    const completion = await gloo.v2.chat.completions.create({
      auto_routing: true,
      tradition: "evangelical",
      messages: hello,
    });
    expect(completion.routing_tier).toBe("tier_2");
    expect(completion.routing_confidence).toBe(0.557);
    expect(platform.apiRequests()[0]?.url).toBe(`${BASE_URL}/ai/v2/chat/completions`);
    expect(JSON.parse(platform.apiRequests()[0]?.body ?? "")).toEqual({
      auto_routing: true,
      tradition: "evangelical",
      messages: hello,
    });
  });

  it("streams on v2 too", async () => {
    const platform = fakePlatform();
    platform.reply(sseReply(textChunks("v2")));
    const gloo = new Gloo(platform.options());
    const stream = await gloo.v2.chat.completions.create({
      model_family: "anthropic",
      messages: hello,
      stream: true,
    });
    expect(await stream.finalText()).toBe("v2");
  });

  it("the guard rejects two routing mechanisms at run time, before any request", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const params = { auto_routing: true, model: "gloo-x", messages: hello } as never;
    const error = await gloo.v2.chat.completions.create(params).catch((e) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.message).toContain("auto_routing: true and model");
    expect(platform.seen).toHaveLength(0);
  });
});

describe("the pitfall guard in create()", () => {
  it.each([
    [{ messages: [] }, "messages"],
    [{ messages: [{ role: "assistant", content: "hi" }] }, "messages[0].role"],
    [{ messages: [{ role: "bot", content: "hi" }] }, "messages[0].role"],
    [{ messages: hello, temperature: Number.NaN }, "temperature"],
  ])("makes no request for %j", async (params, param) => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const error = await gloo.chat.completions.create(params as never).catch((e) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.param).toBe(param);
    expect(platform.seen).toHaveLength(0);
  });

  it("a non-serialisable body is rejected before any request", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const params: Record<string, unknown> = { messages: hello, metadata: { big: 1n } };
    await expect(gloo.chat.completions.create(params as never)).rejects.toThrow(/not JSON-serialisable/);
    expect(platform.seen).toHaveLength(0);
  });

  it("guard: false sends the request anyway", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options({ guard: false }));
    await gloo.chat.completions.create({ messages: [] });
    expect(platform.apiRequests()).toHaveLength(1);
  });
});
