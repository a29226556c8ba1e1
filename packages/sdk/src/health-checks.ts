// The platform quickstart's health checks ("Minimal Health Checks" and "Chat Completion (SSE)")
// as data and a runner. Runtime-neutral, so `gloo health`, `gloo quickstart` and the playground's
// Health button run the same checks and reach the same verdicts.
import type { Gloo } from "./client.js";

/** The quickstart's checks, in the order it runs them. */
export type HealthCheckId = "token" | "echo" | "determinism" | "stream";

/** What one check found. */
export interface HealthCheckOutcome {
  ok: boolean;
  /** One line: what came back, or what went wrong. */
  detail: string;
  requestId: string | undefined;
}

/** One check of the quickstart, as data. */
export interface HealthCheck {
  id: HealthCheckId;
  title: string;
  /** False for the token check: it does not depend on the model. */
  perModel: boolean;
  run(client: Gloo, model: string, signal: AbortSignal): Promise<HealthCheckOutcome>;
}

/** A check's outcome with where and how long it ran. */
export interface HealthCheckResult extends HealthCheckOutcome {
  check: HealthCheckId;
  /** The model, or undefined for the token check. */
  model: string | undefined;
  latencyMs: number;
}

// The quickstart's markers: the exact echo (check A), the word all `n: 3` choices must be (check
// B) and the text the SSE check streams.
const ECHO_MARKER = "PING-9473e0";
const DETERMINISM_WORD = "SUN";
const STREAM_MARKER = "STREAM-OK";

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
export interface RunHealthChecksOptions {
  /** Stops the run: the check in flight throws, the others are not started. */
  signal?: AbortSignal | undefined;
  /** Clock for latencies. @default performance.now */
  now?: (() => number) | undefined;
  /** Called as each result arrives, for live output. */
  onResult?: ((result: HealthCheckResult) => void) | undefined;
  /**
   * Turns the error a failing check threw into its one-line detail and request id.
   * @default the error's `message` and `requestId`
   */
  describeError?: ((error: unknown) => { message: string; requestId?: string | undefined }) | undefined;
}

/**
 * Runs the token check once, then the model checks for each model in turn; a failing check is a
 * result with `ok: false`, never a throw (only an abort through `signal` throws).
 * @example
 * const results = await runHealthChecks(gloo, ["us.meta.llama3-3-70b-instruct-v1:0"]);
 * const healthy = results.every((result) => result.ok);
 */
export async function runHealthChecks(
  client: Gloo,
  models: readonly string[],
  options: RunHealthChecksOptions = {},
): Promise<HealthCheckResult[]> {
  const now = options.now ?? (() => performance.now());
  const signal = options.signal ?? new AbortController().signal;
  const describe = options.describeError ?? describeThrown;
  const results: HealthCheckResult[] = [];
  const plan = healthChecks.flatMap((check): { check: HealthCheck; model: string | undefined }[] =>
    check.perModel ? models.map((model) => ({ check, model })) : [{ check, model: undefined }],
  );
  // Group by model so a matrix fills row by row: token, then each model's echo, determinism, stream.
  plan.sort((a, b) => order(a.model, models) - order(b.model, models));
  for (const { check, model } of plan) {
    if (signal.aborted) break;
    const started = now();
    let outcome: HealthCheckOutcome;
    try {
      outcome = await check.run(client, model ?? models[0] ?? "", signal);
    } catch (error) {
      // An interrupt stops the run; any other error is this check's failure.
      if (signal.aborted) throw error;
      const described = describe(error);
      outcome = { ok: false, detail: described.message, requestId: described.requestId };
    }
    const result: HealthCheckResult = { ...outcome, check: check.id, model, latencyMs: now() - started };
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

const order = (model: string | undefined, models: readonly string[]) =>
  model === undefined ? -1 : models.indexOf(model);

function describeThrown(error: unknown): { message: string; requestId: string | undefined } {
  const requestId = (error as { requestId?: unknown } | null)?.requestId;
  return {
    message: error instanceof Error ? error.message : String(error),
    requestId: typeof requestId === "string" ? requestId : undefined,
  };
}
