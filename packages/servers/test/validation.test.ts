// Body validation: FastAPI-shaped 422s that say what to fix; the quickstart's bodies pass.
import { createEmulator } from "@gloo-toolkit/servers";
import { beforeAll, describe, expect, it } from "vitest";
import { ask, postJson, tokenFor } from "./helpers/emulator.js";

const emulator = createEmulator({ seed: 3 });
let token: string;
beforeAll(async () => {
  token = await tokenFor(emulator);
});

async function detail(path: string, body: unknown) {
  const response = await postJson(emulator, path, body, token);
  expect(response.status).toBe(422);
  return (
    (await response.json()) as { detail: { type: string; loc: unknown[]; msg: string; input: unknown }[] }
  ).detail;
}

describe("completion body validation", () => {
  it.each([
    [{ messages: ask("Hi"), max_tokens: 8 }],
    [{ messages: ask("Hi"), max_tokens: 256, temperature: 0.7, stream: false }],
    [{ messages: ask("Hi"), n: 3, temperature: 0.0 }],
    [{ messages: ask("Hi"), max_tokens: 1024, temperature: 1 }],
  ])(
    "accepts the quickstart's V1 bodies (%j), including max_tokens below the documented 1024",
    async (body) => {
      expect((await postJson(emulator, "/ai/v1/chat/completions", body, token)).status).toBe(200);
    },
  );

  it("reports a missing messages field like FastAPI", async () => {
    expect(await detail("/ai/v1/chat/completions", {})).toEqual([
      { type: "missing", loc: ["body", "messages"], msg: "Field required", input: null },
    ]);
  });

  it("reports every problem at once, with loc and the offending input", async () => {
    const issues = await detail("/ai/v1/chat/completions", {
      messages: ask("Hi"),
      temperature: 1.5,
      max_tokens: 0,
      stream: "yes",
    });
    expect(issues.map((issue) => [issue.type, issue.loc.join("."), issue.input])).toEqual([
      ["less_than_equal", "body.temperature", 1.5],
      ["greater_than_equal", "body.max_tokens", 0],
      ["bool_type", "body.stream", "yes"],
    ]);
  });

  it("allows temperature up to 2 on V2 but not on V1 (the two reference pages differ)", async () => {
    const body = { messages: ask("Hi"), temperature: 2, auto_routing: true };
    expect((await postJson(emulator, "/ai/v2/chat/completions", body, token)).status).toBe(200);
    expect((await detail("/ai/v1/chat/completions", body))[0]?.loc).toEqual(["body", "temperature"]);
  });

  it("says to end the conversation with the user's turn when the last message is not from the user", async () => {
    const [issue] = await detail("/ai/v1/chat/completions", {
      messages: [...ask("Hi"), { role: "assistant", content: "Hello!" }],
    });
    expect(issue?.loc).toEqual(["body", "messages", 1, "role"]);
    expect(issue?.msg).toMatch(/last message must have role "user".*stateless/);
  });

  it("explains empty messages and unknown roles", async () => {
    expect((await detail("/ai/v1/chat/completions", { messages: [] }))[0]?.msg).toMatch(
      /at least one user message/,
    );
    const [role] = await detail("/ai/v1/chat/completions", { messages: [{ role: "bot", content: "Hi" }] });
    expect(role).toMatchObject({ type: "literal_error", loc: ["body", "messages", 0, "role"], input: "bot" });
    expect(role?.msg).toContain("'user'");
  });

  it("accepts content parts, assistant tool calls with null content, and tool results last", async () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "w", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: '{"temp": 21}' },
    ];
    expect((await postJson(emulator, "/ai/v1/chat/completions", { messages }, token)).status).toBe(200);
  });

  it("checks tool_choice against the declared tools", async () => {
    const [issue] = await detail("/ai/v1/chat/completions", {
      messages: ask("Hi"),
      tools: [{ type: "function", function: { name: "a" } }],
      tool_choice: { type: "function", function: { name: "b" } },
    });
    expect(issue?.msg).toContain('"b"');
  });

  it("checks the V2 tradition enum", async () => {
    const [issue] = await detail("/ai/v2/chat/completions", {
      messages: ask("Hi"),
      auto_routing: true,
      tradition: "other",
    });
    expect(issue).toMatchObject({ type: "literal_error", loc: ["body", "tradition"] });
    expect(issue?.msg).toContain("'not_faith_specific'");
  });
});
