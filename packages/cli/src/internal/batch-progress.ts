// `gloo batch`'s progress on stderr: on a terminal a live bar (cli-progress: widely used, one small
// dependency, runs on Node ≥ 4), elsewhere a plain line every few seconds that logs and CI keep.
import type { BatchStats } from "@gloo-toolkit/sdk";
import cliProgress from "cli-progress";
import type { Output } from "../context.js";
import { colorEnabled } from "./output.js";

/** A running progress display; `stop()` draws the last state and leaves the terminal clean. */
export interface Progress {
  stop(): void;
}

/** What the display reads each time it draws. */
export interface ProgressSource {
  /** Lines in this run (not counting those done by earlier runs). */
  total: number;
  stats(): BatchStats;
}

/** Seconds between plain progress lines when stderr is not a terminal. */
export const PLAIN_INTERVAL_MS = 5_000;

/** Starts the bar on a terminal (with colour allowed), else the periodic plain line. */
export function startProgress(
  stderr: Output,
  env: Readonly<Record<string, string | undefined>>,
  source: ProgressSource,
): Progress {
  const started = performance.now();
  if (!colorEnabled(stderr, env)) {
    const timer = setInterval(() => stderr.write(`${progressLine(source, started)}\n`), PLAIN_INTERVAL_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: stderr as unknown as NodeJS.WritableStream,
      format: "{bar} {value}/{total} | {detail} | ETA {eta_formatted}",
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(source.total, 0, { detail: "" });
  const draw = () => {
    const stats = source.stats();
    bar.update(stats.succeeded + stats.failed, { detail: details(stats, started) });
  };
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      draw();
      bar.stop();
    },
  };
}

/** The plain progress line: `batch: 120/1000 done, 3 failed, 8 in flight, 31.2 req/s, …`. */
export function progressLine(source: ProgressSource, started: number): string {
  const stats = source.stats();
  return `batch: ${stats.succeeded + stats.failed}/${source.total} done, ${details(stats, started)}`;
}

function details(stats: BatchStats, started: number): string {
  const seconds = Math.max(0.001, (performance.now() - started) / 1000);
  const parts = [
    `${stats.failed} failed`,
    `${stats.inFlight} in flight`,
    `${((stats.succeeded + stats.failed) / seconds).toFixed(1)} req/s`,
    `${(stats.promptTokens + stats.completionTokens).toLocaleString("en-US")} tokens`,
    `$${stats.budget?.spent ?? stats.cost} spent`,
  ];
  if (stats.pausedMs > 0) parts.push(`paused ${(stats.pausedMs / 1000).toFixed(1)} s (429)`);
  return parts.join(", ");
}
