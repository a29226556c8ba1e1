import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { createStyle } from "../src/internal/output.js";
import { createReplSession, type ReplConversation, type ReplReply } from "../src/internal/repl-session.js";
import { capture, tempDir } from "./helpers/cli.js";

interface Saved {
  version: 1;
  system?: string;
  messages: { role: string; content: string }[];
}

/** A conversation that answers "echo: TEXT" in two deltas, optionally waiting on a gate mid-reply. */
function fakeFactory(options: { promptTokens?: number; gate?: Promise<void>; fail?: Error } = {}) {
  const calls: { text: string; model: string | undefined }[] = [];
  const create = (saved?: unknown): ReplConversation => {
    const state: Saved = saved === undefined ? { version: 1, messages: [] } : structuredClone(saved as Saved);
    if (saved !== undefined && !Array.isArray(state.messages)) throw new Error("messages must be an array");
    return {
      get messageCount() {
        return state.messages.length + (state.system === undefined ? 0 : 1);
      },
      setSystem: (text) => {
        state.system = text;
      },
      reset: () => {
        state.messages = [];
      },
      estimateTokens: () => state.messages.length * 10,
      trimTo: (budget) => {
        let dropped = 0;
        while (state.messages.length > 1 && state.messages.length * 10 > budget) {
          state.messages.shift();
          dropped += 1;
        }
        return dropped;
      },
      toJSON: () => structuredClone(state),
      async send(text, model, signal): Promise<ReplReply> {
        calls.push({ text, model });
        state.messages.push({ role: "user", content: text });
        if (options.fail !== undefined) throw options.fail;
        async function* deltas() {
          yield "echo: ";
          if (options.gate !== undefined) {
            await Promise.race([
              options.gate,
              new Promise((_, reject) =>
                signal.addEventListener("abort", () => reject(new Error("aborted"))),
              ),
            ]);
          }
          yield text;
          state.messages.push({ role: "assistant", content: `echo: ${text}` });
        }
        return {
          text: deltas(),
          usage: () => ({ promptTokens: options.promptTokens ?? 5, completionTokens: 2 }),
          requestId: `req-${calls.length}`,
        };
      },
    };
  };
  return { create, calls };
}

async function session(
  options: Parameters<typeof fakeFactory>[0] = {},
  extra: { warnTokens?: number; signal?: AbortSignal; verbose?: boolean; tty?: boolean; home?: string } = {},
) {
  const fake = fakeFactory(options);
  const stdout = capture(extra.tty);
  const stderr = capture();
  const cwd = await tempDir();
  const repl = createReplSession({
    create: fake.create,
    model: "m-1",
    stdout,
    stderr,
    style: createStyle(false),
    cwd,
    home: extra.home,
    signal: extra.signal ?? new AbortController().signal,
    warnTokens: extra.warnTokens ?? 1000,
    verbose: extra.verbose,
  });
  return { repl, fake, stdout, stderr, cwd };
}

describe("createReplSession", () => {
  it("streams replies and keeps the history between turns", async () => {
    const { repl, stdout, fake } = await session();
    expect(await repl.handle("hello")).toBe("continue");
    await repl.handle("again");
    await repl.handle("/usage");
    expect(stdout.text()).toContain("echo: hello\necho: again\n");
    expect(stdout.text()).toContain("history: 4 messages");
    expect(stdout.text()).toContain("session: 10 prompt + 4 completion tokens");
    expect(fake.calls.map((call) => call.model)).toEqual(["m-1", "m-1"]);
  });

  it("prints each reply's request id and tokens with --verbose", async () => {
    const { repl, stderr } = await session({}, { verbose: true });
    await repl.handle("hello");
    expect(stderr.text()).toMatch(/^\(request id req-1, 5 prompt \+ 2 completion tokens, [\d.]+ m?s\)\n$/);
  });

  it("switches the model, sets the system prompt, resets and leaves on /exit", async () => {
    const { repl, stdout, fake } = await session();
    await repl.handle("/model m-2");
    await repl.handle("/system Be brief.");
    await repl.handle("hi");
    await repl.handle("/reset");
    await repl.handle("/usage");
    expect(fake.calls.at(-1)?.model).toBe("m-2");
    expect(stdout.text()).toContain("history: 1 message,");
    expect(await repl.handle("/exit")).toBe("exit");
  });

  it("saves and loads a conversation, and keeps the session when a file is bad", async () => {
    const { repl, stdout, stderr, cwd } = await session();
    await repl.handle("hi");
    await repl.handle("/save chat.json");
    const saved = JSON.parse(await readFile(join(cwd, "chat.json"), "utf8")) as Saved;
    expect(saved.messages).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "echo: hi" },
    ]);
    await writeFile(join(cwd, "bad.json"), "{ not json");
    await repl.handle("/load bad.json");
    await repl.handle("/load missing.json");
    expect(stderr.text()).toMatch(/Could not load bad\.json: .*JSON.*unchanged/);
    expect(stderr.text()).toContain("Could not load missing.json");
    await repl.handle("/reset");
    await repl.handle("/load chat.json");
    expect(stdout.text()).toContain("Loaded 2 messages from chat.json.");
  });

  it("warns when usage.prompt_tokens grows past the limit and trims on /trim", async () => {
    const { repl, stdout, stderr } = await session({ promptTokens: 1500 }, { warnTokens: 1000 });
    await repl.handle("one");
    await repl.handle("two");
    expect(stderr.text()).toContain("The prompt is now 1500 tokens (usage.prompt_tokens)");
    expect(stderr.text()).toContain("/trim");
    await repl.handle("/trim 20");
    expect(stdout.text()).toContain("Dropped 2 messages; about 20 tokens remain.");
    await repl.handle("/trim zero");
    expect(stderr.text()).toContain("Usage: /trim [TOKENS]");
  });

  it("cancels the reply in progress on interrupt, rolls the turn back and carries on", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { repl, stdout, stderr } = await session({ gate });
    expect(repl.interrupt()).toBe(false);
    const pending = repl.handle("long question");
    await new Promise((resolve) => setImmediate(resolve));
    expect(repl.interrupt()).toBe(true);
    await pending;
    release();
    expect(stderr.text()).toContain("(reply cancelled)");
    await repl.handle("/usage");
    expect(stdout.text()).toContain("history: 0 messages");
    expect(repl.exitCode()).toBe(0);
  });

  it("reports a failed turn without leaving, and forgets the unanswered message", async () => {
    const { repl, stdout, stderr } = await session({ fail: new Error("boom") });
    expect(await repl.handle("hi")).toBe("continue");
    await repl.handle("/usage");
    expect(stderr.text()).toContain("error: boom");
    expect(stdout.text()).toContain("history: 0 messages");
    expect(repl.exitCode()).toBe(1);
  });

  it("ends with 0 when all went well, 1 after a failed turn, 2 after a mistake in the input", async () => {
    const fine = await session();
    await fine.repl.handle("hi");
    await fine.repl.handle("/model m-2");
    expect(fine.repl.exitCode()).toBe(0);
    for (const line of ["/nope", "/system", "/trim zero", "/save", "/load", "/load missing.json"]) {
      const { repl } = await session();
      await repl.handle(line);
      expect([line, repl.exitCode()]).toEqual([line, 2]);
    }
    const both = await session({ fail: new Error("boom") });
    await both.repl.handle("/nope");
    await both.repl.handle("hi");
    expect(both.repl.exitCode()).toBe(2);
    const refused = await session({ fail: new UsageError("no such thing") });
    await refused.repl.handle("hi");
    expect(refused.repl.exitCode()).toBe(2);
  });

  it("explains unknown commands and lists the commands on /help", async () => {
    const { repl, stdout, stderr } = await session();
    await repl.handle("/nope");
    await repl.handle("/help");
    await repl.handle("   ");
    expect(stderr.text()).toContain("Unknown command /nope");
    for (const name of ["/system", "/model", "/reset", "/save", "/load", "/usage", "/exit"])
      expect(stdout.text()).toContain(name);
  });

  it("expands ~ in /save and /load to the home directory", async () => {
    const home = await tempDir();
    const { repl, stderr } = await session({}, { home });
    await repl.handle("hello");
    await repl.handle("/save ~/saved.json");
    expect(stderr.text()).toBe("");
    const saved = JSON.parse(await readFile(join(home, "saved.json"), "utf8")) as Saved;
    expect(saved.messages).toHaveLength(2);
    await repl.handle("/load ~/saved.json");
    expect(repl.exitCode()).toBe(0);
  });

  it("sends the last message again on /retry, dropping the reply it replaces", async () => {
    const { repl, fake, stdout, stderr } = await session();
    await repl.handle("/retry");
    expect(stderr.text()).toContain("Nothing to retry yet");
    await repl.handle("first");
    await repl.handle("second");
    await repl.handle("/retry");
    expect(fake.calls.map((call) => call.text)).toEqual(["first", "second", "second"]);
    await repl.handle("/save retried.json");
    expect(stdout.text()).toContain("Saved 4 messages");
  });

  it("copies the last reply through the terminal (OSC 52) on /copy, and refuses on a pipe", async () => {
    const { repl, stdout, stderr } = await session({}, { tty: true });
    await repl.handle("/copy");
    expect(stderr.text()).toContain("No reply to copy yet.");
    await repl.handle("héllo");
    await repl.handle("/copy");
    expect(stdout.text()).toContain(`\u001b]52;c;${Buffer.from("echo: héllo").toString("base64")}\u0007`);
    expect(stderr.text()).toContain("(copied 11 characters to the clipboard)");
    const piped = await session();
    await piped.repl.handle("hi");
    await piped.repl.handle("/copy");
    expect(piped.stderr.text()).toContain("/copy needs a terminal");
    expect(piped.repl.exitCode()).toBe(2);
  });
});
