import { assembleCompletion, type ChatCompletionChunk, createCompletionAccumulator } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const base = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "m",
} as const;

function chunk(
  choices: ChatCompletionChunk["choices"],
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return { ...base, choices, ...extra };
}

function text(content: string, index = 0): ChatCompletionChunk {
  return chunk([{ index, delta: { content }, finish_reason: null }]);
}

function finish(reason: "stop" | "length" | "tool_calls", index = 0): ChatCompletionChunk {
  return chunk([{ index, delta: {}, finish_reason: reason }]);
}

describe("assembleCompletion", () => {
  it("joins the text deltas and keeps the identifying fields and finish_reason", () => {
    const completion = assembleCompletion([
      chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
      text("Hel"),
      text("lo"),
      finish("stop"),
    ]);
    expect(completion).toEqual({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "m",
      choices: [
        { index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop", logprobs: null },
      ],
    });
  });

  it("assembles every choice of an n=3 stream, in index order, from interleaved chunks", () => {
    const completion = assembleCompletion([
      text("c", 2),
      text("a", 0),
      text("b", 1),
      text("!", 0),
      finish("stop", 1),
      finish("length", 2),
      finish("stop", 0),
    ]);
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, "a!", "stop"],
      [1, "b", "stop"],
      [2, "c", "length"],
    ]);
  });

  it("merges tool-call fragments by index: id and name once, arguments concatenated", () => {
    const call = (index: number, fn: { name?: string; arguments?: string }, id?: string) =>
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index, ...(id ? { id, type: "function" as const } : {}), function: fn }] },
          finish_reason: null,
        },
      ]);
    const completion = assembleCompletion([
      call(0, { name: "get_weather", arguments: "" }, "call_a"),
      call(1, { name: "get_time", arguments: '{"tz"' }, "call_b"),
      call(0, { arguments: '{"city":' }),
      call(0, { arguments: '"Paris"}' }),
      call(1, { arguments: ':"UTC"}' }),
      finish("tool_calls"),
    ]);
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toEqual([
      { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } },
    ]);
  });

  it("takes usage from the usage-only chunk and keeps fields the platform adds (v2 routing)", () => {
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const completion = assembleCompletion([
      chunk([{ index: 0, delta: { content: "hi" }, finish_reason: "stop" }], {
        model_family: "OpenAI",
        routing_mechanism: "auto_routing",
      }),
      chunk([], { usage }),
    ]);
    expect(completion.usage).toEqual(usage);
    expect(completion).toMatchObject({ model_family: "OpenAI", routing_mechanism: "auto_routing" });
    expect(completion).not.toHaveProperty("error");
  });

  it("fills the identifying fields of minimal chunks (the platform may send only choices)", () => {
    const completion = assembleCompletion([
      { choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }] },
    ]);
    expect(completion).toMatchObject({ id: "", object: "chat.completion", created: 0, model: "" });
  });

  it("concatenates refusals and logprobs", () => {
    const lp = (token: string) => ({ content: [{ token, logprob: -1 }], refusal: null });
    const completion = assembleCompletion([
      chunk([{ index: 0, delta: { refusal: "I can't " }, finish_reason: null, logprobs: lp("a") }]),
      chunk([{ index: 0, delta: { refusal: "help." }, finish_reason: "content_filter", logprobs: lp("b") }]),
    ]);
    expect(completion.choices[0]?.message.refusal).toBe("I can't help.");
    expect(completion.choices[0]?.logprobs).toEqual({
      content: [
        { token: "a", logprob: -1 },
        { token: "b", logprob: -1 },
      ],
      refusal: [],
    });
  });
});

describe("createCompletionAccumulator", () => {
  it("is finished only when every choice seen so far has a finish_reason", () => {
    const accumulator = createCompletionAccumulator();
    expect(accumulator.finished).toBe(false);
    accumulator.add(text("a", 0));
    accumulator.add(text("b", 1));
    accumulator.add(finish("stop", 0));
    expect(accumulator.finished).toBe(false);
    accumulator.add(finish("stop", 1));
    expect(accumulator.finished).toBe(true);
    expect(accumulator.toCompletion().choices).toHaveLength(2);
  });

  it("returns a new snapshot on every call", () => {
    const accumulator = createCompletionAccumulator();
    accumulator.add(text("a"));
    const first = accumulator.toCompletion();
    accumulator.add(text("b"));
    expect(first.choices[0]?.message.content).toBe("a");
    expect(accumulator.toCompletion().choices[0]?.message.content).toBe("ab");
  });
});
