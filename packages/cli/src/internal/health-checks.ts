import type { Gloo } from "@gloo-toolkit/sdk";
import { describeError } from "./error-message.js";
import { formatDuration, type Style } from "./output.js";

/** The quickstart's checks, in the order it runs them. */
export type CheckId = "token" | "echo" | "determinism" | "stream";

/** What one check found. */
export interface CheckOutcome {
  ok: boolean;
  /** One line: what came back, or what went wrong. */
  detail: string;
  requestId: string | undefined;
}

/** One check of the quickstart ("Minimal Health Checks" and "Chat Completion (SSE)"), as data. */
export interface HealthCheck {
  id: CheckId;
  title: string;
  /** False for the token check: it does not depend on the model. */
  perModel: boolean;
  run(client: Gloo, model: string, signal: AbortSignal): Promise<CheckOutcome>;
}

/** A check's outcome with where and how long it ran. */
export interface CheckResult extends CheckOutcome {
  check: CheckId;
  /** The model, or undefined for the token check. */
  model: string | undefined;
  latencyMs: number;
}

/** The exact-echo marker of the quickstart's check A. */
export const ECHO_MARKER = "PING-9473e0";
/** The word every one of the `n: 3` choices must be (check B). */
export const DETERMINISM_WORD = "SUN";
/** The text the SSE check streams. */
export const STREAM_MARKER = "STREAM-OK";

const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
const user = (content: string) => [{ role: "user" as const, content }];

/** Token, exact echo, determinism and SSE: the bodies are the quickstart's, as written. */
export const healthChecks: readonly HealthCheck[] = [
  {
    id: "token",
    title: "token",
    perModel: false,
    async run(client, _model, signal) {
      const token = await client.auth.getToken({ forceRefresh: true, signal });
      const seconds = Math.round((token.expiresAt - Date.now()) / 1000);
      // The quickstart prints "${#TOKEN} chars": the length, never the token itself.
      return {
        ok: true,
        detail: `${token.accessToken.length} chars, expires in ${seconds} s`,
        requestId: undefined,
      };
    },
  },
  {
    id: "echo",
    title: "exact echo",
    perModel: true,
    async run(client, model, signal) {
      const completion = await client.chat.completions.create(
        {
          model,
          messages: user(`Return EXACTLY this string and nothing else: ${ECHO_MARKER}`),
          max_tokens: 8,
          temperature: 0,
          stream: false,
        },
        { signal },
      );
      const text = (completion.choices[0]?.message.content ?? "").trim();
      const ok = text === ECHO_MARKER;
      return {
        ok,
        detail: ok ? text : `expected ${ECHO_MARKER}, got ${shown(text)}`,
        requestId: completion.requestId,
      };
    },
  },
  {
    id: "determinism",
    title: "determinism (n=3)",
    perModel: true,
    async run(client, model, signal) {
      const completion = await client.chat.completions.create(
        { model, messages: user(`Say ONE word that is exactly ${DETERMINISM_WORD}.`), n: 3, temperature: 0 },
        { signal },
      );
      const texts = completion.choices.map((choice) => (choice.message.content ?? "").trim());
      const ok = texts.length === 3 && texts.every((text) => text === DETERMINISM_WORD);
      const detail = ok
        ? `3 × ${DETERMINISM_WORD}`
        : `expected 3 × ${DETERMINISM_WORD}, got [${texts.map(shown).join(", ")}]`;
      return { ok, detail, requestId: completion.requestId };
    },
  },
  {
    id: "stream",
    title: "SSE stream",
    perModel: true,
    async run(client, model, signal) {
      const stream = await client.chat.completions.create(
        {
          model,
          messages: user(`Reply with only: ${STREAM_MARKER}`),
          stream: true,
          temperature: 0,
          max_tokens: 8,
        },
        { signal },
      );
      let text = "";
      let chunks = 0;
      for await (const delta of stream.textStream()) {
        text += delta;
        chunks += 1;
      }
      const ok = text.trim() === STREAM_MARKER;
      return {
        ok,
        detail: ok ? `${STREAM_MARKER} in ${chunks} chunks` : `expected ${STREAM_MARKER}, got ${shown(text)}`,
        requestId: stream.requestId,
      };
    },
  },
];

/** How to run the checks. */
export interface RunChecksOptions {
  signal: AbortSignal;
  /** Clock for latencies. @default performance.now */
  now?: () => number;
  /** Called as each result arrives, for live output. */
  onResult?: (result: CheckResult) => void;
}

/** Runs the token check once, then the model checks for each model in turn; never throws for a failing check. */
export async function runHealthChecks(
  client: Gloo,
  models: readonly string[],
  options: RunChecksOptions,
): Promise<CheckResult[]> {
  const now = options.now ?? (() => performance.now());
  const results: CheckResult[] = [];
  const plan = healthChecks.flatMap((check): { check: HealthCheck; model: string | undefined }[] =>
    check.perModel ? models.map((model) => ({ check, model })) : [{ check, model: undefined }],
  );
  // Group by model so a matrix fills row by row: token, then each model's echo, determinism, stream.
  plan.sort((a, b) => order(a.model, models) - order(b.model, models));
  for (const { check, model } of plan) {
    if (options.signal.aborted) break;
    const started = now();
    const outcome = await runOne(check, client, model ?? models[0] ?? "", options.signal);
    const result: CheckResult = { ...outcome, check: check.id, model, latencyMs: now() - started };
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

const order = (model: string | undefined, models: readonly string[]) =>
  model === undefined ? -1 : models.indexOf(model);

async function runOne(
  check: HealthCheck,
  client: Gloo,
  model: string,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  try {
    return await check.run(client, model, signal);
  } catch (error) {
    // An interrupt stops the run; any other error is this check's failure, reported like the SDK's.
    if (signal.aborted) throw error;
    const described = describeError(error);
    return { ok: false, detail: described.message, requestId: described.requestId };
  }
}

/** One result as a line: PASS/FAIL, the check, its latency, what came back and the request id. */
export function formatCheckLine(result: CheckResult, style: Style): string {
  const mark = result.ok ? style.green("PASS") : style.red("FAIL");
  const title = healthChecks.find((check) => check.id === result.check)?.title ?? result.check;
  const id = result.requestId === undefined ? "" : style.dim(`  [${result.requestId}]`);
  return `${mark}  ${title.padEnd(18)} ${formatDuration(result.latencyMs).padStart(8)}  ${result.detail}${id}`;
}
