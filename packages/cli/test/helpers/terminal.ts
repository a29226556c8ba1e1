// A real terminal for the interactive tests: the built `gloo` runs inside a detached tmux session
// (a private tmux server on its own socket, so a developer's tmux is never touched); the test types
// keys, pastes (bracketed, as a terminal does) and reads the screen.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { tempDir } from "./cli.js";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin.js", import.meta.url));

/** Whether tmux is installed (the tests that need it are skipped without it). */
export async function hasTmux(): Promise<boolean> {
  return run("tmux", ["-V"]).then(
    () => true,
    () => false,
  );
}

/** One `gloo` in a terminal. */
export interface Terminal {
  /** tmux key names: `Enter`, `Up`, `C-c`, `C-d`, or literal text with `literal`. */
  keys(keys: string[], literal?: boolean): Promise<void>;
  /** Pastes `text` as a terminal does: bracketed when the program asked for it. */
  paste(text: string): Promise<void>;
  /** The newest tmux paste buffer: what a program put on the clipboard (OSC 52; set-clipboard is on). */
  clipboard(): Promise<string>;
  /** The screen's text (and scrollback). */
  screen(): Promise<string>;
  /** Waits until the screen matches (bounded generously: the machine may be busy). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** Starts `gloo ARGV…` in a 120×40 terminal with only PATH, TERM and `env` set; the exit status is printed after it ends. */
export async function openTerminal(argv: string[], env: Record<string, string>): Promise<Terminal> {
  const dir = await tempDir();
  const socket = join(dir, "tmux.sock");
  const tmux = (args: string[]) => run("tmux", ["-S", socket, ...args]);
  const vars = { PATH: process.env.PATH ?? "", TERM: "xterm-256color", ...env };
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  // `env -i`: the program sees only these variables, not the test runner's (its HOME above all).
  const assignments = Object.entries(vars).map(([key, value]) => quote(`${key}=${value}`));
  const gloo = ["env", "-i", ...assignments, process.execPath, bin, ...argv.map(quote)].join(" ");
  const command = `cd ${quote(dir)} && ${gloo}; echo "[gloo exited $?]"; sleep 600`;
  await tmux(["-f", "/dev/null", "new-session", "-d", "-s", "gloo", "-x", "120", "-y", "40", command]);
  await tmux(["set-option", "-g", "set-clipboard", "on"]);
  const screen = async () => (await tmux(["capture-pane", "-p", "-J", "-S", "-200", "-t", "gloo"])).stdout;
  return {
    keys: async (keys, literal = false) =>
      void (await tmux(["send-keys", "-t", "gloo", ...(literal ? ["-l"] : []), ...keys])),
    async paste(text) {
      await tmux(["set-buffer", "-b", "clip", text]);
      await tmux(["paste-buffer", "-p", "-b", "clip", "-t", "gloo"]);
    },
    clipboard: async () => (await tmux(["show-buffer"])).stdout,
    screen,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the screen never matched ${pattern}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => void (await tmux(["kill-server"]).catch(() => {})),
  };
}
