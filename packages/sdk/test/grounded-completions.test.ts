// gloo.v2.chat.completions.grounded(): path, body, guard, JSON and stream (citations first).
import {
  ChatCompletionStream,
  citationsOf,
  Gloo,
  type GroundedCompletionCreateParams,
  RequestValidationError,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import {
  BASE_URL,
  completionBody,
  fakePlatform,
  hello,
  sseReply,
  textChunks,
} from "./helpers/fake-platform.js";

describe("gloo.v2.chat.completions.grounded", () => {
  it("posts the grounded fields to /ai/v2/chat/completions/grounded and keeps sources_returned", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json({ ...completionBody("Grounded."), sources_returned: true }));
    const gloo = new Gloo(platform.options());
    const completion = await gloo.v2.chat.completions.grounded({
      auto_routing: true,
      rag_publisher: "Bezalel",
      sources_limit: 3,
      messages: hello,
    });
    expect(completion.sources_returned).toBe(true);
    expect(completion.choices[0]?.message.content).toBe("Grounded.");
    const request = platform.apiRequests()[0];
    expect(request?.url).toBe(`${BASE_URL}/ai/v2/chat/completions/grounded`);
    expect(JSON.parse(request?.body ?? "")).toEqual({
      auto_routing: true,
      rag_publisher: "Bezalel",
      sources_limit: 3,
      messages: hello,
    });
  });

  it("may omit messages (the platform's default), as the reference allows", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json(completionBody()));
    const gloo = new Gloo(platform.options());
    await gloo.v2.chat.completions.grounded({ model: "gloo-openai-gpt-5.2" });
    expect(JSON.parse(platform.apiRequests()[0]?.body ?? "")).toEqual({ model: "gloo-openai-gpt-5.2" });
  });

  it("streams: the first chunk's citations are read with citationsOf, the text as usual", async () => {
    const platform = fakePlatform();
    const citations = { choices: [], citations: [{ publisher: "P", title: "T", snippet: "S" }] };
    platform.reply(sseReply([citations, ...textChunks("Based ", "on S.")]));
    const gloo = new Gloo(platform.options());
    const stream = await gloo.v2.chat.completions.grounded({
      auto_routing: true,
      messages: hello,
      stream: true,
    });
    expect(stream).toBeInstanceOf(ChatCompletionStream);
    const seen: unknown[] = [];
    let text = "";
    for await (const chunk of stream) {
      const found = citationsOf(chunk);
      if (found !== undefined) seen.push(...found);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(seen).toEqual([{ publisher: "P", title: "T", snippet: "S" }]);
    expect(text).toBe("Based on S.");
    expect(platform.apiRequests()[0]?.headers.get("accept")).toBe("text/event-stream");
  });

  it("guards without sending: [] messages, two routings, none, sources_limit out of range", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const bad: [Record<string, unknown>, string][] = [
      [{ auto_routing: true, messages: [] }, "messages"],
      [{ auto_routing: true, model: "m", messages: hello }, "auto_routing"],
      [{ messages: hello }, "auto_routing"],
      [{ auto_routing: true, sources_limit: 11 }, "sources_limit"],
      [{ auto_routing: true, sources_limit: 0 }, "sources_limit"],
    ];
    for (const [params, param] of bad) {
      const attempt = gloo.v2.chat.completions.grounded(params as never);
      await expect(attempt).rejects.toBeInstanceOf(RequestValidationError);
      await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining(param) });
    }
    expect(platform.apiRequests()).toHaveLength(0);
  });

  it("sends a guarded-against body anyway with guard: false", async () => {
    const platform = fakePlatform();
    platform.reply(Response.json(completionBody()));
    const gloo = new Gloo({ ...platform.options(), guard: false });
    await gloo.v2.chat.completions.grounded({ auto_routing: true, sources_limit: 11 });
    expect(JSON.parse(platform.apiRequests()[0]?.body ?? "").sources_limit).toBe(11);
  });

  it("needs exactly one routing mechanism at compile time, as v2 does", () => {
    // @ts-expect-error two routing mechanisms
    const two: GroundedCompletionCreateParams = { auto_routing: true, model: "m" };
    // @ts-expect-error no routing mechanism
    const none: GroundedCompletionCreateParams = { rag_publisher: "P" };
    const one: GroundedCompletionCreateParams = { model_family: "google", rag_publisher: "P" };
    expect([two, none, one]).toHaveLength(3);
  });
});
