import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulated, expectNoLeaks, runCli, tempDir } from "./helpers/cli.js";

describe("gloo repl (piped stdin)", () => {
  it("keeps the history client-side across turns and prints no prompt noise", async () => {
    const { env, fetch: inner } = emulated();
    const sent: unknown[][] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url.endsWith("/chat/completions"))
        sent.push(((await request.clone().json()) as { messages: unknown[] }).messages);
      return inner(request);
    };
    const stdin = "Reply with only: ONE\nReply with only: TWO\n/usage\n";
    const run = await runCli(["repl", "--system", "Be brief."], { env, fetch, stdin });
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith("ONE\nTWO\nlast reply: ")).toBe(true);
    expect(sent[1]).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Reply with only: ONE" },
      { role: "assistant", content: "ONE" },
      { role: "user", content: "Reply with only: TWO" },
    ]);
    expect(run.stdout).toMatch(/session: \d+ prompt \+ 2 completion tokens/);
    expectNoLeaks(run);
  });

  it("saves with /save, restores with /load, and stops at /exit", async () => {
    const { env, fetch } = emulated();
    const cwd = await tempDir();
    const first = await runCli(["repl"], {
      env,
      fetch,
      cwd,
      stdin: "Reply with only: A\n/save chat.json\n/exit\nReply with only: NEVER\n",
    });
    expect(first.stdout).not.toContain("NEVER");
    const saved = JSON.parse(await readFile(join(cwd, "chat.json"), "utf8")) as {
      version: number;
      messages: unknown[];
    };
    expect(saved).toMatchObject({
      version: 1,
      messages: [{ role: "user" }, { role: "assistant", content: "A" }],
    });
    const second = await runCli(["repl"], {
      env,
      fetch,
      cwd,
      stdin: "/load chat.json\n/load chat.json.missing\n/usage\n",
    });
    expect(second.stdout).toContain("Loaded 2 messages from chat.json.");
    expect(second.stderr).toContain("Could not load chat.json.missing");
    expect(second.stdout).toContain("history: 2 messages");
  });

  it("reports a failed turn, keeps going, and exits 1 at the end of piped input", async () => {
    const { env, fetch } = emulated();
    let calls = 0;
    const run = await runCli(["repl"], {
      env,
      fetch: (input, init) => {
        if (!String(input).endsWith("/chat/completions") || ++calls > 1) return fetch(input, init);
        return Promise.resolve(
          Response.json(
            { error: "Forbidden - insufficient permissions", code: "forbidden" },
            { status: 403 },
          ),
        );
      },
      stdin: "Reply with only: X\nReply with only: Y",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: forbidden: 403/);
    expect(run.stdout).toBe("Y\n");
  });

  it.each([
    ["refused credentials", [], { GLOO_CLIENT_SECRET: "bad" }, "hi\n", /error: the token request failed/],
    // No injected fetch: the real one refuses port 1 without opening a socket.
    ["an unreachable --base", ["--base", "http://127.0.0.1:1"], {}, "hi\n", /could not reach the platform/],
    ["an unknown /model", [], {}, "/model nope\nhi\n", /error: unknown model: .*Unknown model "nope"/],
  ])("exits 1 when every piped turn fails: %s", async (_name, argv, override, stdin, message) => {
    const { env, fetch } = emulated();
    const run = await runCli(["repl", ...argv], {
      env: { ...env, ...override },
      ...(argv.length === 0 ? { fetch } : {}),
      stdin,
    });
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(1);
  });

  it("exits 2 when a piped line is a mistake, even if the turns succeed", async () => {
    const { env, fetch } = emulated();
    const stdin = "/usgae\nReply with only: X\n";
    const run = await runCli(["repl"], { env: { ...env, GLOO_CLIENT_SECRET: "bad" }, fetch, stdin });
    expect(run.stderr).toContain("Unknown command /usgae; /help lists the commands.");
    expect(run.code).toBe(2);
    const ok = await runCli(["repl"], { env, fetch, stdin: "/load missing.json\nReply with only: X\n" });
    expect(ok.stdout).toBe("X\n");
    expect(ok.code).toBe(2);
  });

  it("exits 0 after failed turns when the lines are typed at a terminal", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["repl"], {
      env: { ...env, GLOO_CLIENT_SECRET: "bad" },
      fetch,
      stdin: "hi\n/nope\n",
      stdinTTY: true,
    });
    expect(run.stderr).toContain("error: the token request failed");
    expect(run.code).toBe(0);
  });

  it("warns once usage.prompt_tokens passes --warn-tokens and trims on request", async () => {
    const { env, fetch } = emulated();
    const stdin = "Reply with only: A\nReply with only: B\n/trim 20\n/usage\n";
    const run = await runCli(["repl", "--warn-tokens", "10"], { env, fetch, stdin });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/The prompt is now \d+ tokens \(usage\.prompt_tokens\)/);
    expect(run.stdout).toMatch(/Dropped \d+ messages?; about \d+ tokens remain\./);
  });

  it("needs credentials like every platform command", async () => {
    const run = await runCli(["repl"], { stdin: "hi\n" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GLOO_CLIENT_ID and GLOO_CLIENT_SECRET are not set");
  });

  it("routes v2 turns to GLOO_MODEL (or the config's model), auto-routing only without one", async () => {
    const { env, fetch: inner } = emulated();
    const bodies: Record<string, unknown>[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.url.endsWith("/chat/completions")) bodies.push(await request.clone().json());
      return inner(request);
    };
    const model = "gloo-anthropic-claude-haiku-4.5";
    const stdin = "Reply with only: R\n";
    await runCli(["repl", "--api", "v2"], { env: { ...env, GLOO_MODEL: model }, fetch, stdin });
    expect(bodies.at(-1)).toMatchObject({ model });
    expect(bodies.at(-1)).not.toHaveProperty("auto_routing");
    const config = { XDG_CONFIG_HOME: await tempDir() };
    await runCli(["config", "set", "model", model], { env: config });
    await runCli(["repl", "--api", "v2"], { env: { ...env, ...config }, fetch, stdin });
    expect(bodies.at(-1)).toMatchObject({ model });
    await runCli(["repl", "--api", "v2"], { env, fetch, stdin });
    expect(bodies.at(-1)).toMatchObject({ auto_routing: true });
  });
});
