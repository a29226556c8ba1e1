// `gloo emulator --replay FILE`: the cassette read and checked, the replayer built from the
// flags, a stderr line per miss, and the summary printed when the emulator stops.
import {
  createReplayer,
  DEFAULT_IGNORED_FIELDS,
  type Emulator,
  type Replayer,
  type ReplayMiss,
  type ReplayMode,
  type ReplayOptions,
} from "@gloo-toolkit/servers";
import type { CommandContext } from "../context.js";
import { UsageError } from "../errors.js";
import { numberFlag } from "./args.js";
import { readCassette } from "./cassette-input.js";

/** The replay flags of `gloo emulator`. */
export interface ReplayFlags {
  replay?: string | undefined;
  mode?: string | undefined;
  speed?: string | undefined;
  ignore?: string | undefined;
}

/** A replay ready to serve, with what the banner and the shutdown say about it. */
export interface LoadedReplay {
  replayer: Replayer;
  /** Banner lines after the listening line. */
  describe(): string[];
  /** The summary printed when the emulator stops. */
  summary(): string;
}

const HINT = "Run `gloo emulator --help` for the replay options.";

/** Checks the flags that only make sense with `--replay`; undefined when there is no replay. */
export function replayWanted(flags: ReplayFlags): string | undefined {
  if (flags.replay === undefined) {
    for (const name of ["mode", "speed", "ignore"] as const)
      if (flags[name] !== undefined)
        throw new UsageError(`--${name} applies to a replay: add --replay FILE (a recorded cassette).`, HINT);
    return undefined;
  }
  if (flags.replay === "") throw new UsageError("--replay needs a cassette file.", HINT);
  return flags.replay;
}

/**
 * Reads the cassette and builds the replayer: strict by default; in fallback mode `fallback` (the
 * emulator the other flags describe) answers what the cassette lacks. Misses go to stderr.
 */
export async function loadReplay(
  ctx: CommandContext,
  file: string,
  flags: ReplayFlags,
  fallback: () => Emulator,
): Promise<LoadedReplay> {
  const mode = modeOf(flags.mode);
  const speed = numberFlag("speed", flags.speed, { min: 0 }) ?? 1;
  const ignore =
    flags.ignore === undefined
      ? DEFAULT_IGNORED_FIELDS
      : flags.ignore
          .split(",")
          .map((field) => field.trim())
          .filter((field) => field !== "");
  const cassette = await readCassette(ctx, file, `--replay ${file}`);
  const options: ReplayOptions = {
    mode,
    speed,
    ignore,
    source: file,
    onMiss: (miss) => ctx.stderr.write(`${missLine(miss)}\n`),
  };
  if (mode === "fallback") options.fallback = fallback();
  const replayer = createReplayer(cassette, options);
  return {
    replayer,
    describe: () => [
      `Replaying ${count(cassette.interactions.length, "recorded interaction")} from ${file} (${mode} mode, speed ${speed}${speed === 0 ? ": no pauses" : ""}).`,
      `Matching: method, path and the JSON body${ignore.length > 0 ? ` without ${ignore.join(", ")}` : ""}; repeats get the recorded answers in order, then the last again.`,
      mode === "strict"
        ? "A request the cassette lacks gets a 404 naming the nearest recordings."
        : "A request the cassette lacks is answered by the emulator's model and reported on stderr.",
      "Any client id and secret get the recorded token; API calls need a Bearer token, any value.",
    ],
    summary: () => summaryOf(replayer, file),
  };
}

function modeOf(mode: string | undefined): ReplayMode {
  if (mode === undefined || mode === "strict" || mode === "fallback") return mode ?? "strict";
  throw new UsageError(
    `--mode must be strict or fallback, got "${mode}".`,
    "strict refuses requests the cassette lacks with a 404; fallback lets the emulator answer them.",
  );
}

function missLine(miss: ReplayMiss): string {
  const nearest = miss.nearest[0];
  const near =
    nearest === undefined
      ? "the cassette is empty"
      : `nearest #${nearest.interaction} ${nearest.method} ${nearest.path}${nearest.samePath ? `, ${count(nearest.differences.length, "body difference")}` : ""}${nearest.differences[0] === undefined ? "" : ` (${nearest.differences[0].path})`}`;
  const answer = miss.answeredBy === "strict" ? "404 (strict)" : "answered by the emulator";
  return `replay miss: ${miss.method} ${miss.path} → ${answer}; ${near}`;
}

function summaryOf(replayer: Replayer, file: string): string {
  const lines = [
    `Replay of ${file}: ${count(replayer.replayed, "answer")} from the cassette, ${count(replayer.misses.length, "miss", "misses")}.`,
  ];
  const byRequest = new Map<string, number>();
  for (const miss of replayer.misses) {
    const key = `${miss.method} ${miss.path}`;
    byRequest.set(key, (byRequest.get(key) ?? 0) + 1);
  }
  for (const [request, times] of byRequest) lines.push(`  missed ${request} × ${times}`);
  if (replayer.misses.length > 0)
    lines.push(
      replayer.mode === "fallback"
        ? "The emulator answered the misses; record them to replay the platform's answers."
        : "Record the missed requests, or run with --mode fallback.",
    );
  return `${lines.join("\n")}\n`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
