// The emulated model: exact echoes, prompt-derived text, determinism, truncation, usage, tools.
import { createEmulator } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { ask, postJson, tokenFor } from "./helpers/emulator.js";

interface Completion {
  choices: {
    message: {
      content: string | null;
      tool_calls: { id: string; function: { name: string; arguments: string } }[] | null;
    };
    finish_reason: string;
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

const emulator = createEmulator({ seed: 11 });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

async function complete(body: Record<string, unknown>, api = "v1"): Promise<Completion> {
  const response = await postJson(emulator, `/ai/${api}/chat/completions`, body, token);
  expect(response.status).toBe(200);
  return (await response.json()) as Completion;
}

// The tokenizer's rule, restated: a run of letters/digits/underscores, or one other non-space character.
const countTokens = (text: string) => (text.match(/[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s]/gu) ?? []).length;

describe("the emulated model", () => {
  it.each([
    ["Return EXACTLY this string and nothing else: PING-9473e0", "PING-9473e0"],
    ["Reply with only: STREAM-OK", "STREAM-OK"],
    ["Say ONE word that is exactly SUN.", "SUN"],
    ['Reply with only: "quoted"', "quoted"],
    ["Reply with exactly: PONG-42", "PONG-42"],
    ["Say exactly: 'hello world'", "hello world"],
    ["Respond with only OK.", "OK"],
    ["Reply with only the numbers 1, 2, 3", "1, 2, 3"],
    ["Answer with only the word yes.", "yes"],
    ["Please say exactly BLUE-7!", "BLUE-7"],
  ])("follows the instruction %j exactly", async (prompt, expected) => {
    const body = await complete({ messages: ask(prompt), temperature: 0.9 });
    expect(body.choices[0]?.message.content).toBe(expected);
  });

  it('answers "SUN" for each of n: 3 at temperature 0 (health check B)', async () => {
    const body = await complete({ messages: ask("Say ONE word that is exactly SUN."), n: 3, temperature: 0 });
    expect(body.choices.map((c) => c.message.content)).toEqual(["SUN", "SUN", "SUN"]);
  });

  it("writes readable text about the prompt's topic, with the number of sentences asked for", async () => {
    const body = await complete({
      messages: ask("Explain the seven seals in two concise sentences."),
      temperature: 0,
    });
    const text = body.choices[0]?.message.content as string;
    expect(text).toContain("the seven seals");
    expect(text.match(/[.!?](\s|$)/g)).toHaveLength(2);
    expect(text).toMatch(/^[A-Z]/);
  });

  it("is reproducible at temperature 0 across calls and choices", async () => {
    const body = { messages: ask("Describe the book of Ruth."), n: 4, temperature: 0 };
    const first = await complete(body);
    const second = await complete(body);
    const texts = [...first.choices, ...second.choices].map((c) => c.message.content);
    expect(new Set(texts).size).toBe(1);
  });

  it("varies choices at temperature > 0, reproducibly for a given seed", async () => {
    const body = { messages: ask("Describe the book of Ruth."), n: 6, temperature: 1 };
    const run = async (seed: number) => {
      const seeded = createEmulator({ seed });
      const response = await postJson(seeded, "/ai/v1/chat/completions", body, await tokenFor(seeded));
      return ((await response.json()) as Completion).choices.map((c) => c.message.content);
    };
    const a = await run(42);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await run(42)).toEqual(a);
  });

  it('truncates at max_tokens with finish_reason "length", and counts agree with the text', async () => {
    const body = await complete({
      messages: ask("Explain the parables of Jesus."),
      max_tokens: 5,
      n: 2,
      temperature: 0,
    });
    for (const choice of body.choices) {
      expect(choice.finish_reason).toBe("length");
      expect(countTokens(choice.message.content as string)).toBe(5);
    }
    expect(body.usage.completion_tokens).toBe(10);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 10);
  });

  it("counts prompt tokens as one per message plus the content's tokens", async () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Reply with only: OK" },
    ];
    const body = await complete({ messages });
    expect(body.usage.prompt_tokens).toBe(2 + countTokens("Be brief.") + countTokens("Reply with only: OK"));
    expect(body.usage.completion_tokens).toBe(countTokens("OK"));
  });

  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      parameters: {
        type: "object",
        properties: {
          city: { type: "string" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          days: { type: "integer", minimum: 1 },
        },
        required: ["city", "unit", "days"],
      },
    },
  };

  it("calls a tool the prompt names, with arguments built from its JSON schema", async () => {
    const body = await complete({ messages: ask("Use get_weather for Paris"), tools: [weather] });
    const [choice] = body.choices;
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]?.function.name).toBe("get_weather");
    expect(JSON.parse(choice?.message.tool_calls?.[0]?.function.arguments as string)).toEqual({
      city: "Paris",
      unit: "celsius",
      days: 1,
    });
    expect(choice?.message.tool_calls?.[0]?.id).toMatch(/^call_/);
  });

  it("calls a tool when tool_choice is required, and never when it is none", async () => {
    const required = await complete({
      messages: ask("Hello there"),
      tools: [weather],
      tool_choice: "required",
    });
    expect(required.choices[0]?.finish_reason).toBe("tool_calls");
    const none = await complete({
      messages: ask("Use get_weather now"),
      tools: [weather],
      tool_choice: "none",
    });
    expect(none.choices[0]?.finish_reason).toBe("stop");
    const auto = await complete({ messages: ask("Hello there"), tools: [weather], tool_choice: "auto" });
    expect(auto.choices[0]?.finish_reason).toBe("stop");
  });

  it("answers in text after a tool result", async () => {
    const body = await complete({
      messages: [
        ...ask("Use get_weather for Paris"),
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c", type: "function", function: { name: "get_weather", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c", content: '{"temp": 21}' },
      ],
      tools: [weather],
    });
    expect(body.choices[0]?.finish_reason).toBe("stop");
    expect(body.choices[0]?.message.content).toContain('{"temp": 21}');
  });
});
