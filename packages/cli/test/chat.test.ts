import { describe, expect, it } from "vitest";
import { emulated, expectNoLeaks, runCli } from "./helpers/cli.js";

/** Records each request body the CLI sends, then hands it to the emulator. */
function recording() {
  const setup = emulated();
  const bodies: Record<string, unknown>[] = [];
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    urls.push(new URL(request.url).pathname);
    if (request.headers.get("content-type")?.includes("json"))
      bodies.push((await request.clone().json()) as Record<string, unknown>);
    return setup.fetch(request);
  };
  return { ...setup, fetch, bodies, urls };
}

describe("gloo chat", () => {
  it("prints the reply of a v1 completion with the flags in the body", async () => {
    const { env, fetch, bodies, urls } = recording();
    const run = await runCli(
      ["chat", "--system", "Be brief.", "--temperature", "0", "--max-tokens", "50", "Reply with only: HELLO"],
      { env, fetch },
    );
    expect(run).toMatchObject({ code: 0, stdout: "HELLO\n" });
    expect(urls).toContain("/ai/v1/chat/completions");
    expect(bodies.at(-1)).toMatchObject({
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      temperature: 0,
      max_tokens: 50,
      stream: false,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Reply with only: HELLO" },
      ],
    });
    expectNoLeaks(run);
  });

  it("--grounded PUBLISHER posts to the grounded endpoint with v2 routing; --json shows sources_returned", async () => {
    const { env, fetch, bodies, urls } = recording();
    const run = await runCli(
      ["chat", "--json", "--model-family", "google", "--grounded", "WorldEnglishBible", "Is love patient?"],
      { env, fetch },
    );
    expect(run.code).toBe(0);
    expect(urls).toContain("/ai/v2/chat/completions/grounded");
    expect(bodies.at(-1)).toMatchObject({
      model_family: "google",
      rag_publisher: "WorldEnglishBible",
      stream: false,
    });
    const completion = JSON.parse(run.stdout) as {
      sources_returned: boolean;
      choices: { message: { content: string } }[];
    };
    expect(completion.sources_returned).toBe(true);
    expect(completion.choices[0]?.message.content).toContain("Love is patient");
    const plain = await runCli(["chat", "--grounded", "WorldEnglishBible", "Is love patient?"], {
      env,
      fetch,
    });
    expect(bodies.at(-1)).toMatchObject({ auto_routing: true, rag_publisher: "WorldEnglishBible" });
    expect(plain.stdout).toContain("1 Corinthians 13:4-7");
    const unknown = await runCli(["chat", "--grounded", "Nobody", "Hi"], { env, fetch });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Nobody");
    const empty = await runCli(["chat", "--grounded", " ", "Hi"], { env, fetch });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--grounded needs a publisher name");
  });

  it("reads the prompt from stdin with -, and streams with --stream", async () => {
    const { env, fetch, bodies } = recording();
    const run = await runCli(["chat", "-", "--stream"], { env, fetch, stdin: "Reply with only: PIPED\n" });
    expect(run).toMatchObject({ code: 0, stdout: "PIPED\n" });
    expect(bodies.at(-1)).toMatchObject({ stream: true });
  });

  it("streams to a terminal by default and waits for the whole reply on a pipe", async () => {
    const { env, fetch, bodies } = recording();
    const tty = await runCli(["chat", "Reply with only: T"], { env, fetch, tty: true });
    expect(tty.stdout).toBe("T\n");
    expect(bodies.at(-1)).toMatchObject({ stream: true });
    await runCli(["chat", "--no-stream", "Reply with only: T"], { env, fetch, tty: true });
    expect(bodies.at(-1)).toMatchObject({ stream: false });
  });

  it("the spinner on a terminal says what it waits for: the OAuth token, then the first reply token", async () => {
    const { env, fetch } = recording();
    const run = await runCli(["chat", "Reply with only: T"], { env, fetch, tty: true });
    const token = run.stderr.indexOf("waiting for the OAuth token…");
    const reply = run.stderr.indexOf("waiting for the first reply token…");
    expect(token).toBeGreaterThanOrEqual(0);
    expect(reply).toBeGreaterThan(token);
    expect(run.stderr.endsWith("\r\u001b[2K")).toBe(true);
    const whole = await runCli(["chat", "--no-stream", "Reply with only: T"], { env, fetch, tty: true });
    expect(whole.stderr.indexOf("waiting for the reply…")).toBeGreaterThan(
      whole.stderr.indexOf("waiting for the OAuth token…"),
    );
  });

  it("ends the line of a stream that fails mid-way before the error is printed", async () => {
    const { env, fetch } = recording();
    const failing: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (request.url.endsWith("/chat/completions")) request.headers.set("x-emulator-fault", "error-after=2");
      return fetch(request);
    };
    const run = await runCli(["chat", "--stream", "Explain grace in a few words."], { env, fetch: failing });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\S\n$/);
    expect(run.stderr).toMatch(/^gloo: the stream failed mid-way: /);
    expect(run.stderr).toMatch(/Request id: \S+/);
  });

  it("prints every choice with --n and the whole response with --json", async () => {
    const { env, fetch } = recording();
    const many = await runCli(
      ["chat", "--n", "3", "--temperature", "0", "Say ONE word that is exactly SUN."],
      { env, fetch },
    );
    expect(many.stdout).toBe("[0] SUN\n[1] SUN\n[2] SUN\n");
    const json = JSON.parse(
      (await runCli(["chat", "--json", "Reply with only: X"], { env, fetch })).stdout,
    ) as { object: string };
    expect(json.object).toBe("chat.completion");
  });

  it("routes v2 requests: auto-routing by default, one routing choice only", async () => {
    const { env, fetch, bodies, urls } = recording();
    const run = await runCli(["chat", "--api", "v2", "--tradition", "catholic", "Reply with only: V2"], {
      env,
      fetch,
    });
    expect(run.code).toBe(0);
    expect(urls.at(-1)).toBe("/ai/v2/chat/completions");
    expect(bodies.at(-1)).toMatchObject({ auto_routing: true, tradition: "catholic" });
    expect(bodies.at(-1)).not.toHaveProperty("model");
    const verbose = await runCli(["chat", "--api", "v2", "--verbose", "Reply with only: V2"], { env, fetch });
    expect(verbose.stderr).toMatch(/, v2, auto-routed to \S+, conversation /);
    await runCli(["chat", "--model-family", "Open Source", "Reply with only: F"], { env, fetch });
    expect(bodies.at(-1)).toMatchObject({ model_family: "open source" });
    const clash = await runCli(["chat", "--auto-routing", "--model", "m", "hi"], { env, fetch });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("v2 takes one routing choice, got --auto-routing and --model");
  });

  it("rejects bad flags and empty prompts with exit 2 and no stack", async () => {
    const { env, fetch } = recording();
    const cases: [string[], string][] = [
      [["chat"], "no prompt given"],
      [["chat", "-"], "stdin was empty"],
      [["chat", "--temperature", "1.5", "hi"], "--temperature must be a number ≥ 0 and ≤ 1"],
      [["chat", "--n", "0", "hi"], "--n must be a whole number ≥ 1"],
      [["chat", "--tradition", "baptist", "hi"], "--tradition must be one of"],
      [["chat", "--bogus", "hi"], "unknown option --bogus."],
      [["chat", "--model"], "--model needs a value."],
      [["chat", "two", "words"], "give the prompt as one argument"],
    ];
    for (const [argv, message] of cases) {
      const run = await runCli(argv, { env, fetch });
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 1 with the platform's reason and the request id for an unknown model", async () => {
    const { env, fetch } = recording();
    const run = await runCli(["chat", "--model", "no-such-model", "hi"], { env, fetch });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no-such-model");
    expect(run.stderr).toMatch(/Request id: \S+/);
  });

  it("sends piped stdin after the prompt argument, and alone when there is no argument", async () => {
    const { env, fetch, bodies } = recording();
    const both = await runCli(["chat", "Summarise"], { env, fetch, stdin: "file content\n" });
    expect(both.code).toBe(0);
    expect(bodies.at(-1)).toMatchObject({
      messages: [{ role: "user", content: "Summarise\n\nfile content" }],
    });
    const alone = await runCli(["chat"], { env, fetch, stdin: "Reply with only: PIPED\n" });
    expect(alone).toMatchObject({ code: 0, stdout: "PIPED\n" });
    const tty = await runCli(["chat", "Reply with only: T"], {
      env,
      fetch,
      stdinTTY: true,
      stdin: "ignored",
    });
    expect(tty.stdout).toBe("T\n");
    expect(bodies.at(-1)).toMatchObject({ messages: [{ role: "user", content: "Reply with only: T" }] });
  });

  it("uses GLOO_MODEL on v2 instead of auto-routing past it", async () => {
    const { env, fetch, bodies } = recording();
    const model = "gloo-anthropic-claude-haiku-4.5";
    const run = await runCli(["chat", "--api", "v2", "Reply with only: M"], {
      env: { ...env, GLOO_MODEL: model },
      fetch,
    });
    expect(run.code).toBe(0);
    expect(bodies.at(-1)).toMatchObject({ model });
    expect(bodies.at(-1)).not.toHaveProperty("auto_routing");
  });

  it("says when --max-tokens cut the reply short, streamed or not", async () => {
    const { env, fetch } = recording();
    const prompt = "Explain the seven seals in two concise sentences.";
    for (const flags of [["--no-stream"], ["--stream"]]) {
      const run = await runCli(["chat", ...flags, "--max-tokens", "3", prompt], { env, fetch });
      expect(run.code, flags.join(" ")).toBe(0);
      expect(run.stderr).toContain("cut short at --max-tokens 3");
    }
    const whole = await runCli(["chat", "Reply with only: OK"], { env, fetch });
    expect(whole.stderr).toBe("");
  });

  it("refuses --stream with --n above 1 instead of ignoring it", async () => {
    const { env, fetch } = recording();
    const run = await runCli(["chat", "--stream", "--n", "2", "hi"], { env, fetch });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--stream prints one reply as it arrives; --n 2 asks for 2");
  });

  it("suggests gloo models and the closest ids for an unknown model", async () => {
    const { env, fetch } = recording();
    const run = await runCli(["chat", "--model", "gloo-openai-gpt-5-mimi", "hi"], { env, fetch });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("`gloo models`");
    expect(run.stderr).toContain("Did you mean gloo-openai-gpt-5-mini");
    expect(run.stderr).not.toContain("--help");
  });
});
