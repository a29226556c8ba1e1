import { describe, expect, it } from "vitest";
import { emulated, runCli } from "./helpers/cli.js";

describe("gloo models", () => {
  it("prints the catalogue as a table without needing credentials", async () => {
    const { fetch } = emulated();
    const run = await runCli(["models", "--base", "http://emulator.invalid"], { fetch });
    expect(run.code).toBe(0);
    const [header, rule, ...rows] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^id\s+family\s+context\s+tools\s+reasoning$/);
    expect(rule).toMatch(/^-+ {2}-+/);
    expect(rows.find((row) => row.startsWith("gloo-anthropic-claude-haiku-4.5"))).toMatch(
      /Anthropic\s+200,000\s+yes\s+no/,
    );
  });

  it("filters by family and prints JSON", async () => {
    const { env, fetch } = emulated();
    const json = JSON.parse(
      (await runCli(["models", "--json", "--family", "open source"], { env, fetch })).stdout,
    ) as { data: { family: string }[] };
    expect(json.data.length).toBeGreaterThan(0);
    expect(json.data.every((model) => model.family === "Open Source")).toBe(true);
  });

  it("rejects an unknown --family with the list, as gloo chat --model-family does (exit 2)", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["models", "--family", "foo"], { env, fetch });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const chat = await runCli(["chat", "--model-family", "foo", "hi"], { env, fetch });
    expect(run.stderr).toBe(chat.stderr.replaceAll("--model-family", "--family"));
    expect(run.stderr).toContain("openai, anthropic, google, open source");
    expect((await runCli(["models", "--family", "OpenAI"], { env, fetch })).code).toBe(0);
  });

  it("--pricing prints each model's rates per 1M tokens, and - where the catalogue has none", async () => {
    const priced = {
      pricing: { input: { rate_per_1m_tokens: "0.25" }, output: { rate_per_1k_tokens: "0.002" } },
    };
    const catalogue = {
      object: "list",
      data: [
        { id: "a", family: "OpenAI", ...priced },
        { id: "b", family: "Google" },
      ],
    };
    const fetch = async () => Response.json(catalogue);
    const run = await runCli(["models", "--pricing", "--base", "http://catalogue.invalid"], { fetch });
    expect(run.code).toBe(0);
    const [header, , first, second] = run.stdout.split("\n");
    expect(header).toMatch(/^id\s+family\s+input \$\/1M\s+output \$\/1M$/);
    expect(first).toMatch(/^a\s+OpenAI\s+0\.25\s+2$/);
    expect(second).toMatch(/^b\s+Google\s+-\s+-$/);
  });
});
