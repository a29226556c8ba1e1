// Compile-time checks of the request types; `tsc -p tsconfig.test.json` fails if an
// `@ts-expect-error` line stops being an error.
import type {
  ChatCompletionCreateParamsV2,
  ChatCompletionMessageParam,
  ChatCompletionV2,
  ConversationInit,
  GlooOptions,
  RequestOptions,
} from "@gloo-toolkit/sdk";
import { describe, expect, expectTypeOf, it } from "vitest";

const messages: ChatCompletionMessageParam[] = [{ role: "user", content: "Hi" }];
type V2 = ChatCompletionCreateParamsV2;

describe("v2 routing", () => {
  it("accepts exactly one routing mechanism", () => {
    const valid: ChatCompletionCreateParamsV2[] = [
      { auto_routing: true, messages },
      { model: "gloo-openai-gpt-5-mini", messages },
      { model: "gloo-openai-gpt-5-mini", auto_routing: false, messages },
      { model_family: "open source", messages, tradition: "catholic" },
      { model_family: "Anthropic", auto_routing: false, messages, stream: true },
    ];
    expect(valid).toHaveLength(5);
  });

  it("rejects none, two or three at compile time", () => {
    const invalid = [
      // @ts-expect-error no routing mechanism
      { messages } satisfies ChatCompletionCreateParamsV2,
      // @ts-expect-error auto_routing together with model
      { auto_routing: true, model: "m", messages } satisfies ChatCompletionCreateParamsV2,
      // @ts-expect-error model together with model_family
      { model: "m", model_family: "google", messages } satisfies ChatCompletionCreateParamsV2,
      // @ts-expect-error all three
      { auto_routing: true, model: "m", model_family: "google", messages } satisfies V2,
      // @ts-expect-error auto_routing: false alone routes nothing
      { auto_routing: false, messages } satisfies ChatCompletionCreateParamsV2,
      // @ts-expect-error unknown model family
      { model_family: "open-source", messages } satisfies ChatCompletionCreateParamsV2,
      // @ts-expect-error unknown tradition
      { auto_routing: true, tradition: "orthodox", messages } satisfies ChatCompletionCreateParamsV2,
    ];
    expect(invalid).toHaveLength(7);
  });

  it("types the routing fields of the response", () => {
    expectTypeOf<ChatCompletionV2["routing_confidence"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ChatCompletionV2["routing_tier"]>().toEqualTypeOf<string | undefined>();
  });
});

describe("messages", () => {
  it("rejects unknown roles and a tool message without its call id", () => {
    // @ts-expect-error unknown role
    const bot: ChatCompletionMessageParam = { role: "bot", content: "x" };
    // @ts-expect-error tool results need tool_call_id
    const tool: ChatCompletionMessageParam = { role: "tool", content: "x" };
    expect([bot, tool]).toHaveLength(2);
  });
});

describe("options under exactOptionalPropertyTypes (this repository's own setting)", () => {
  it("accept values that may be undefined, such as environment variables", () => {
    const env: Record<string, string | undefined> = {};
    const options = {
      clientId: env.GLOO_CLIENT_ID,
      clientSecret: env.GLOO_CLIENT_SECRET,
      baseURL: env.GLOO_BASE,
    } satisfies GlooOptions;
    const perCall = { signal: undefined, timeout: undefined } satisfies RequestOptions;
    const init = { system: env.SYSTEM_PROMPT, model: env.GLOO_MODEL } satisfies ConversationInit;
    expect([options, perCall, init]).toHaveLength(3);
  });
});
