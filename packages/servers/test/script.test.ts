// Scripted mode: pinned replies for users' own tests.
import { compileScript, createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, postJson, tokenFor } from "./helpers/emulator.js";

describe("scripted replies", () => {
  it("answers the first matching rule: substrings case-insensitively, regular expressions with groups", async () => {
    const emulator = createEmulator({
      script: [
        { pattern: "capital of france", reply: "Paris." },
        { pattern: "/^add (\\d+) and (\\d+)$/i", reply: "$1 plus $2 is what you asked." },
      ],
    });
    const token = await tokenFor(emulator);
    const reply = async (prompt: string) => {
      const response = await postJson(emulator, "/ai/v1/chat/completions", { messages: ask(prompt) }, token);
      return ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
        .content;
    };
    expect(await reply("What is the Capital of France?")).toBe("Paris.");
    expect(await reply("add 2 and 3")).toBe("2 plus 3 is what you asked.");
    expect(await reply("Reply with only: FALLBACK")).toBe("FALLBACK");
  });

  it("accepts the object form { pattern: reply }", () => {
    expect(compileScript({ hello: "Hi!" }).answer("hello there")).toBe("Hi!");
    expect(compileScript({ hello: "Hi!" }).answer("goodbye")).toBeUndefined();
  });

  it("rejects malformed scripts with a message saying what is expected", () => {
    expect(() => compileScript("nope")).toThrow(/JSON array of \{"pattern", "reply"\}/);
    expect(() => compileScript([{ pattern: "", reply: "x" }])).toThrow(
      /rule 0 needs a non-empty string "pattern"/,
    );
    expect(() => compileScript([{ pattern: "/(/", reply: "x" }])).toThrow(/not a valid regular expression/);
  });
});
