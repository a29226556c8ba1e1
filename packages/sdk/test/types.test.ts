// Compile-time checks of the request types; `tsc -p tsconfig.test.json` fails if an
// `@ts-expect-error` line stops being an error.
import { readdirSync, readFileSync } from "node:fs";
import type {
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsV2,
  ChatCompletionMessageParam,
  ChatCompletionV2,
  ConversationInit,
  GlooOptions,
  RequestOptions,
  TokenProviderResult,
} from "@gloo-toolkit/sdk";
import ts from "typescript";
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

describe("every optional property accepts an explicit undefined", () => {
  it("in request parameters and token provider results (compile time)", () => {
    const maybeMax: number | undefined = undefined as number | undefined;
    const v1 = {
      messages,
      temperature: 0.2,
      max_tokens: maybeMax,
      stream: undefined,
      tools: undefined,
    } satisfies ChatCompletionCreateParams;
    const v2 = { auto_routing: true, messages, tradition: undefined, max_tokens: maybeMax } satisfies V2;
    const token = { accessToken: "t", expiresAt: undefined } satisfies TokenProviderResult;
    expect([v1, v2, token]).toHaveLength(3);
  });

  // Under exactOptionalPropertyTypes, `x?: T` rejects `{ x: undefined }`: a caller passing
  // `max_tokens: maybeMax` would get a compile error. The scan covers every public source file,
  // so a property added later without `| undefined` fails here, not in a user's build.
  it("in every public source file of the SDK (scan)", () => {
    const dir = new URL("../src/", import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith(".ts"));
    const offenders = files.flatMap((name) =>
      optionalWithoutUndefined(name, readFileSync(new URL(name, dir), "utf8")),
    );
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });

  it("the scan finds a property that rejects undefined", () => {
    const source =
      "export interface A { ok?: string | undefined; bad?: number; fn?: (() => void) | undefined }";
    expect(optionalWithoutUndefined("a.ts", source)).toEqual(["a.ts:1 bad"]);
  });
});

function optionalWithoutUndefined(name: string, text: string): string[] {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const property = ts.isPropertySignature(node) || ts.isPropertyDeclaration(node);
    if (property && node.questionToken !== undefined && !acceptsUndefined(node.type)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      found.push(`${name}:${line} ${node.name.getText(file)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function acceptsUndefined(type: ts.TypeNode | undefined): boolean {
  if (type === undefined) return true;
  const open = [ts.SyntaxKind.UndefinedKeyword, ts.SyntaxKind.AnyKeyword, ts.SyntaxKind.UnknownKeyword];
  if (open.includes(type.kind)) return true;
  return (
    ts.isUnionTypeNode(type) && type.types.some((member) => member.kind === ts.SyntaxKind.UndefinedKeyword)
  );
}
