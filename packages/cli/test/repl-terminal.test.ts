// `gloo repl` at a real terminal (tmux): a paste is one message, history survives the session,
// Ctrl-C stops a reply and then leaves. `npm test` builds first; run `npx tsc -b` before running this file alone.
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_SECRET, tempDir } from "./helpers/cli.js";
import { hasTmux, openTerminal, type Terminal } from "./helpers/terminal.js";

const tmux = await hasTmux();
// Each test starts real processes in a terminal on a shared machine: bound generously.
const slow = 120_000;
let server: RunningServer;
let slowServer: RunningServer;
const prompts: string[] = [];
let terminal: Terminal | undefined;

// The emulator, recording the last user message of every completion request it answers; with
// `hold`, a completion is answered only once the client hangs up (a reply that never comes).
function recorded(hold = false) {
  const emulator = createEmulator({ seed: 1 });
  return async (request: Request) => {
    if (request.url.endsWith("/chat/completions")) {
      const body = (await request.clone().json()) as { messages: { content: string }[] };
      prompts.push(body.messages.at(-1)?.content ?? "");
      if (hold) await new Promise((resolve) => request.signal.addEventListener("abort", resolve));
    }
    return emulator.fetch(request);
  };
}

beforeAll(async () => {
  server = await serve(recorded(), { port: 0 });
  slowServer = await serve(recorded(true), { port: 0 });
});

afterAll(async () => {
  await Promise.all([server?.close(), slowServer?.close()]);
});

afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
  prompts.length = 0;
});

async function env(base: string) {
  return {
    GLOO_BASE: base,
    GLOO_CLIENT_ID: "emulator-client",
    GLOO_CLIENT_SECRET: EMULATOR_SECRET,
    NO_COLOR: "1",
    HOME: await tempDir(),
    XDG_CONFIG_HOME: await tempDir(),
    XDG_CACHE_HOME: await tempDir(),
    XDG_DATA_HOME: await tempDir(),
  };
}

describe.skipIf(!tmux)("gloo repl at a terminal (tmux)", () => {
  it(
    "sends a multi-line paste as one message, once Enter is pressed",
    async () => {
      terminal = await openTerminal(["repl"], await env(server.url));
      await terminal.waitFor(/you›\s*$/m);
      await terminal.paste("Reply with only: PASTED\nsecond line of the paste\nthird");
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/^PASTED$/m);
      expect(prompts).toEqual(["Reply with only: PASTED\nsecond line of the paste\nthird"]);
      await terminal.keys(["one line\\"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/…\s*$/m);
      await terminal.keys(["Reply with only: JOINED"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/^JOINED$/m);
      expect(prompts.at(-1)).toBe("one line\nReply with only: JOINED");
    },
    slow,
  );

  it(
    "recalls a line from an earlier session with the up arrow",
    async () => {
      const dirs = await env(server.url);
      terminal = await openTerminal(["repl"], dirs);
      await terminal.waitFor(/you›\s*$/m);
      await terminal.keys(["Reply with only: REMEMBERED"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/^REMEMBERED$/m);
      await terminal.keys(["C-d"]);
      await terminal.waitFor(/\[gloo exited 0\]/);
      await terminal.close();
      terminal = await openTerminal(["repl"], dirs);
      await terminal.waitFor(/you›\s*$/m);
      await terminal.keys(["Up", "Enter"]);
      await terminal.waitFor(/you› Reply with only: REMEMBERED\nREMEMBERED$/m);
      expect(prompts).toEqual(["Reply with only: REMEMBERED", "Reply with only: REMEMBERED"]);
    },
    slow,
  );

  it(
    "stops a reply on Ctrl-C and keeps the session; Ctrl-C at an empty prompt leaves",
    async () => {
      terminal = await openTerminal(["repl"], await env(slowServer.url));
      await terminal.waitFor(/you›\s*$/m);
      await terminal.keys(["Reply with only: NEVER"], true);
      await terminal.keys(["Enter"]);
      // The server holds the reply until the client hangs up: Ctrl-C must not wait for it.
      for (let waited = 0; prompts.length === 0 && waited < 300; waited++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(prompts).toEqual(["Reply with only: NEVER"]);
      await terminal.keys(["C-c"]);
      await terminal.waitFor(/\(reply cancelled\)\s*\nyou›\s*$/m);
      await terminal.keys(["C-c"]);
      const screen = await terminal.waitFor(/\[gloo exited \d+\]/);
      expect(screen).toContain("[gloo exited 0]");
      expect(screen).not.toMatch(/^NEVER$/m);
    },
    slow,
  );

  it(
    "copies the last reply to the terminal's clipboard on /copy, and sends the last message again on /retry",
    async () => {
      terminal = await openTerminal(["repl"], await env(server.url));
      await terminal.waitFor(/you›\s*$/m);
      await terminal.keys(["Reply with only: COPIED"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/^COPIED$/m);
      await terminal.keys(["/copy"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/copied 6 characters to the clipboard/);
      expect(await terminal.clipboard()).toBe("COPIED");
      await terminal.keys(["/retry"], true);
      await terminal.keys(["Enter"]);
      await terminal.waitFor(/^COPIED\n[\s\S]*^COPIED$/m);
      expect(prompts).toEqual(["Reply with only: COPIED", "Reply with only: COPIED"]);
    },
    slow,
  );

  it(
    "gloo chat at a terminal does not wait for stdin: only piped input is read",
    async () => {
      terminal = await openTerminal(["chat", "Reply with only: AT-A-TERMINAL"], await env(server.url));
      const screen = await terminal.waitFor(/\[gloo exited \d+\]/);
      expect(screen).toMatch(/^AT-A-TERMINAL\n\[gloo exited 0\]/m);
      expect(prompts).toEqual(["Reply with only: AT-A-TERMINAL"]);
    },
    slow,
  );
});
