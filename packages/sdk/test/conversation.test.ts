import { APIUserAbortError, Conversation, Gloo, GlooError, StreamInterruptedError } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";
import {
  BASE_URL,
  completionReply,
  errorReply,
  fakePlatform,
  sseReply,
  textChunks,
} from "./helpers/fake-platform.js";

const sentMessages = (platform: ReturnType<typeof fakePlatform>, index: number) =>
  JSON.parse(platform.apiRequests()[index]?.body ?? "{}");

describe("Conversation", () => {
  it("sends the whole history and keeps the assistant's replies", async () => {
    const platform = fakePlatform();
    platform.reply(completionReply("Paul."), completionReply("Around AD 57."));
    const gloo = new Gloo(platform.options());
    const chat = gloo.conversation({ system: "Be brief." });
    await chat.send("Who wrote Romans?");
    await chat.send("When?");
    expect(sentMessages(platform, 1)).toEqual({
      auto_routing: true,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Who wrote Romans?" },
        { role: "assistant", content: "Paul." },
        { role: "user", content: "When?" },
      ],
    });
    expect(chat.messages.at(-1)).toEqual({ role: "assistant", content: "Around AD 57." });
    expect(platform.apiRequests()[0]?.url).toContain("/ai/v2/chat/completions");
  });

  it("uses the conversation's model, or per-call routing, and v1 when asked", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    await gloo.conversation({ model: "gloo-openai-gpt-5-mini" }).send("hi");
    await gloo.conversation().send("hi", { model_family: "google", temperature: 0.2 });
    await gloo.conversation({ api: "v1" }).send("hi");
    expect(sentMessages(platform, 0).model).toBe("gloo-openai-gpt-5-mini");
    expect(sentMessages(platform, 1)).toMatchObject({ model_family: "google", temperature: 0.2 });
    expect(sentMessages(platform, 1).auto_routing).toBeUndefined();
    expect(platform.apiRequests()[2]?.url).toContain("/ai/v1/chat/completions");
    expect(sentMessages(platform, 2).auto_routing).toBeUndefined();
  });

  it("a failed send leaves the history as it was", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(400, { error: "bad" }));
    const chat = new Gloo(platform.options()).conversation();
    await expect(chat.send("hi")).rejects.toThrow("bad");
    expect(chat.messages).toEqual([]);
  });

  it("stream() appends the reply once the stream completes", async () => {
    const platform = fakePlatform();
    platform.reply(sseReply(textChunks("Str", "eamed")));
    const chat = new Gloo(platform.options()).conversation();
    const stream = await chat.stream("hi");
    expect(chat.messages).toHaveLength(1);
    expect(await stream.finalText()).toBe("Streamed");
    expect(chat.messages.at(-1)).toEqual({ role: "assistant", content: "Streamed" });
    expect(sentMessages(platform, 0).stream).toBe(true);
  });

  it("a stream aborted before it completes takes the user's text back out", async () => {
    const platform = fakePlatform();
    platform.reply(
      completionReply("Paul."),
      sseReply(textChunks("One", "Two", "Three")),
      sseReply(textChunks("More.")),
    );
    const chat = new Gloo(platform.options()).conversation();
    await chat.send("Who wrote Romans?");
    const stream = await chat.stream("Explain the seven seals");
    const seen: string[] = [];
    const error = await (async () => {
      for await (const text of stream.textStream()) {
        seen.push(text);
        if (seen.length === 2) stream.abort();
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    await (await chat.stream("Explain more")).finalCompletion();
    expect(chat.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(sentMessages(platform, 2).messages.map((m: { role: string }) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
    ]);
  });

  it("a stream that fails mid-way, or is left with break, takes the user's text back out", async () => {
    const platform = fakePlatform();
    const failing = [{ choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }] }];
    platform.reply(sseReply(failing), sseReply(textChunks("a", "b")));
    const chat = new Gloo(platform.options()).conversation();
    await expect((await chat.stream("first")).finalCompletion()).rejects.toThrow(StreamInterruptedError);
    expect(chat.messages).toEqual([]);
    chat.user("kept");
    const stream = await chat.stream("second");
    for await (const _ of stream) break;
    // Only the streamed call's own text goes, even with another turn added meanwhile.
    expect(chat.messages).toEqual([{ role: "user", content: "kept" }]);
  });

  it("finalCompletion() carries the stream's request id, like a JSON result", async () => {
    const platform = fakePlatform();
    platform.reply(sseReply(textChunks("ok"), "req-final"));
    const completion = await (
      await new Gloo(platform.options()).conversation().stream("hi")
    ).finalCompletion();
    expect(completion.requestId).toBe("req-final");
    expect(Object.keys(completion)).not.toContain("requestId");
  });

  it("needs a client to send", async () => {
    await expect(new Conversation().send("hi")).rejects.toThrow(/needs a client/);
  });

  it("estimates tokens with the documented heuristic and trims the oldest turns", () => {
    const chat = new Conversation({ system: "x".repeat(40) });
    expect(chat.estimateTokens()).toBe(3 + 4 + 10);
    for (let i = 0; i < 5; i++) chat.user("u".repeat(400)).assistant("a".repeat(400));
    chat.user("last question");
    const before = chat.estimateTokens();
    const dropped = chat.trimTo(350);
    expect(dropped).toBeGreaterThan(0);
    expect(chat.estimateTokens()).toBeLessThanOrEqual(350);
    expect(chat.estimateTokens()).toBeLessThan(before);
    expect(chat.messages[0]).toEqual({ role: "system", content: "x".repeat(40) });
    expect(chat.messages.at(-1)).toEqual({ role: "user", content: "last question" });
    expect(chat.messages).toHaveLength(1 + 11 - dropped);
  });

  it("trimming never leaves a tool result without its call, nor drops the last turn", () => {
    const chat = new Conversation({
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
        { role: "user", content: "thanks" },
      ],
    });
    expect(chat.trimTo(0)).toBe(3);
    expect(chat.messages).toEqual([{ role: "user", content: "thanks" }]);
    expect(() => chat.trimTo(-1)).toThrow(GlooError);
  });

  it("trims whole turns: a question goes with its answer, and the last turn stays whole", () => {
    const chat = new Conversation({ system: "s" });
    chat.user("u1".repeat(100)).assistant("a1".repeat(100));
    chat.user("u2").assistant("a2 reply");
    // One turn over the budget: the first question and its answer go together.
    expect(chat.trimTo(chat.estimateTokens() - 1)).toBe(2);
    expect(chat.messages).toEqual([
      { role: "system", content: "s" },
      { role: "user", content: "u2" },
      { role: "assistant", content: "a2 reply" },
    ]);
    // The last turn is never split, even when it alone is over the budget.
    expect(chat.trimTo(0)).toBe(0);
    expect(chat.messages).toHaveLength(3);
  });

  it("round-trips through JSON and reset keeps the system prompt", () => {
    const chat = new Conversation({ system: "Be kind.", model: "m" }).user("a").assistant("b");
    const restored = Conversation.fromJSON(JSON.stringify(chat));
    expect(restored.toJSON()).toEqual({
      version: 1,
      system: "Be kind.",
      model: "m",
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
      ],
      api: "v2",
    });
    expect(restored.reset().messages).toEqual([{ role: "system", content: "Be kind." }]);
  });

  it("toJSON keeps which API the conversation talks to, and fromJSON restores it", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const saved = JSON.stringify(gloo.conversation({ api: "v1" }).user("a").assistant("b"));
    expect(JSON.parse(saved).api).toBe("v1");
    await Conversation.fromJSON(saved, gloo).send("c");
    expect(platform.apiRequests()[0]?.url).toBe(`${BASE_URL}/ai/v1/chat/completions`);
    // A file written before the field existed means v2, the default.
    await Conversation.fromJSON({ version: 1, messages: [] }, gloo).send("d");
    expect(platform.apiRequests()[1]?.url).toBe(`${BASE_URL}/ai/v2/chat/completions`);
    expect(() => Conversation.fromJSON({ version: 1, messages: [], api: "v3" })).toThrow(
      'api must be "v1" or "v2"',
    );
  });

  it.each([
    ["not json", "not JSON"],
    [[], "expected an object"],
    [{ version: 2, messages: [] }, "unsupported version 2"],
    [{ version: 1 }, "messages must be an array"],
    [{ version: 1, messages: [{ role: "bot", content: "x" }] }, "messages[0] needs a role"],
    [{ version: 1, messages: [{ role: "user", content: 5 }] }, "messages[0].content"],
  ])("fromJSON rejects %j with a clear error", (json, message) => {
    expect(() => Conversation.fromJSON(json)).toThrow(message);
  });
});
