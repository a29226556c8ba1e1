import type { Output } from "../context.js";

/** Text styles; each is the identity when colour is off, so output stays plain and parseable. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** Colour only on an interactive terminal and only when `NO_COLOR` is unset or empty (https://no-color.org). */
export function colorEnabled(stream: Output, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env.NO_COLOR;
  return stream.isTTY === true && (noColor === undefined || noColor === "") && env.TERM !== "dumb";
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const identity = (text: string) => text;

/** ANSI styles when `enabled`, identity functions otherwise. */
export function createStyle(enabled: boolean): Style {
  if (!enabled)
    return {
      bold: identity,
      dim: identity,
      red: identity,
      green: identity,
      yellow: identity,
      cyan: identity,
    };
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** A progress indicator that is silent unless stderr is an interactive terminal. */
export interface Spinner {
  /** Replaces the text shown next to the spinner. */
  update(text: string): void;
  /** Erases the spinner line; safe to call more than once. */
  stop(): void;
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Starts a spinner on `stderr` (TTY and colour allowed only), so stdout stays clean for pipes. */
export function startSpinner(
  stderr: Output,
  env: Readonly<Record<string, string | undefined>>,
  text: string,
): Spinner {
  if (!colorEnabled(stderr, env)) return { update() {}, stop() {} };
  let label = text;
  let frame = 0;
  const draw = () => {
    stderr.write(`\r\u001b[2K${frames[frame % frames.length]} ${label}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  let stopped = false;
  return {
    // Drawn at once: the wait it names may end before the next frame.
    update(next) {
      if (stopped) return;
      label = next;
      draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stderr.write("\r\u001b[2K");
    },
  };
}

/** Formats milliseconds for people: `840 ms`, `2.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Writes streamed text as it arrives and always ends on a fresh line, even when the stream fails
 * mid-way, so an error message never lands in the middle of a reply. Returns the number of deltas.
 */
export async function writeStreamed(
  text: AsyncIterable<string>,
  out: Output,
  map: (delta: string) => string = (delta) => delta,
): Promise<number> {
  let count = 0;
  let atLineStart = true;
  try {
    for await (const delta of text) {
      const shown = map(delta);
      out.write(shown);
      count += 1;
      if (shown !== "") atLineStart = shown.endsWith("\n");
    }
  } finally {
    if (!atLineStart) out.write("\n");
  }
  return count;
}
