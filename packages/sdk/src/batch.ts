// The batch runner: many chat completions, paced and costed, results yielded as they finish (in no
// particular order; `custom_id` is the key). Pacing: a ceiling on requests in flight that halves on
// a 429 and grows back on success, requests and tokens per minute as hard sliding windows, and one
// pause shared by every request when the platform says how long to wait. Retries follow the SDK's
// policy (retry.ts). A budget reserves each request's worst case before it is sent.
import {
  type BatchRequest,
  type BatchRequestInput,
  checkBatchRequest,
  quoteRequest,
  type RequestQuote,
} from "./batch-request.js";
import type { Gloo } from "./client.js";
import { type CostResult, costOf, isPriced, usageCostUnits } from "./cost.js";
import { APIUserAbortError, GlooError } from "./errors.js";
import { AsyncQueue } from "./internal/async-queue.js";
import { describeFailure, failedOutcome, invalidOutcome, successLine } from "./internal/batch-lines.js";
import { BatchPacer } from "./internal/batch-pacer.js";
import { formatExact, parseDecimal } from "./internal/decimal.js";
import type { WindowEntry } from "./internal/rate-window.js";
import { sleep as defaultSleep } from "./internal/sleep.js";
import type { PriceList } from "./price-book.js";
import { DEFAULT_RETRY_POLICY, retryDelay, shouldRetry } from "./retry.js";
import { type Reservation, SpendBudget } from "./spend-budget.js";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsV2NonStreaming,
  CompletionUsage,
} from "./types.js";

/** Options of {@link runBatch}. */
export interface BatchOptions {
  /**
   * Most requests in flight (a ceiling: a 429 halves it, success grows it back).
   * @default 8
   */
  concurrency?: number | undefined;
  /** Most requests sent in any 60 s, spread evenly; retries count. */
  rpm?: number | undefined;
  /** Most tokens in any 60 s: estimated before sending (prompt + `max_tokens`), corrected from `usage`. */
  tpm?: number | undefined;
  /** Spend limit in USD ("5", "0.25"); needs `prices`. Lines that would not fit are not sent. */
  budget?: string | undefined;
  /** USD already spent on this batch by earlier runs (counted against `budget`). @default "0" */
  spent?: string | undefined;
  /** The price list for cost estimates and the budget (`await new PriceBook(gloo.models).get()`). */
  prices?: PriceList | undefined;
  /** The API of lines without a `url`. */
  defaultApi?: "v1" | "v2" | undefined;
  /**
   * Retries of a failed request (the SDK's policy decides which failures, and how long to wait).
   * @default 5
   */
  maxRetries?: number | undefined;
  /** Per-attempt timeout in ms. @default the client's */
  timeout?: number | undefined;
  /** Aborts everything, requests in flight included; their lines are not yielded. */
  signal?: AbortSignal | undefined;
  /** Clock seam. @default Date.now */
  now?: (() => number) | undefined;
  /** Sleep seam (pacing and retry waits). @default setTimeout */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  /** Randomness seam (retry jitter, ids). @default Math.random */
  random?: (() => number) | undefined;
}

/** An output line in OpenAI's request-output shape (platform.openai.com/docs/api-reference/batch/request-output). */
export interface BatchOutputLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string | null; body: unknown } | null;
  error: { code: string; message: string } | null;
}

/** One finished line. */
export interface BatchOutcome {
  ok: boolean;
  /** What to store: a result line when `ok`, an error line otherwise. */
  line: BatchOutputLine;
  /** Retries this line took. */
  retries: number;
  /** The model that answered (v2 routing picks it). */
  model?: string | undefined;
  usage?: CompletionUsage | undefined;
  /** Its cost, or why it is unknown; undefined without a price list. */
  cost?: CostResult | undefined;
}

/** Counters of a run so far. Money is exact decimal strings in USD. */
export interface BatchStats {
  /** Lines sent (first attempts). */
  started: number;
  succeeded: number;
  failed: number;
  inFlight: number;
  retries: number;
  /** 429 answers seen. */
  rateLimited: number;
  promptTokens: number;
  completionTokens: number;
  /** Spent in this run by lines whose cost is known (earlier runs not included). */
  cost: string;
  /** Lines whose cost could not be known. */
  unpriced: number;
  /** Budget state, when there is a budget (`spent` includes earlier runs). */
  budget?: { limit: string; spent: string; reserved: string; remaining: string } | undefined;
  /** The in-flight limit now (adaptive). */
  concurrency: number;
  /** Ms left of a pause a 429 asked for. */
  pausedMs: number;
  /** With stop reason `rate-limit`: the wait the platform asked for, in ms. */
  rateLimitWaitMs?: number | undefined;
}

/**
 * Why a run stopped sending before its input ended: the budget was spent, `stop()` or the signal,
 * or a 429 asked to wait longer than the retry policy honours (60 s; a spending cap, say).
 */
export type BatchStopReason = "budget" | "stopped" | "rate-limit";

/** A running batch: iterate it for outcomes; `stats` any time; `stop()` to stop sending. */
export interface BatchRun extends AsyncIterable<BatchOutcome> {
  readonly stats: BatchStats;
  /** Set once the run stopped taking new lines early. */
  readonly stopReason: BatchStopReason | undefined;
  /** Stops sending new lines; requests in flight finish and are yielded. */
  stop(): void;
}

/**
 * Runs chat completions for every request, yielding each outcome as it finishes.
 * @example
 * const prices = await new PriceBook(gloo.models).get();
 * const run = runBatch(gloo, requests, { concurrency: 16, rpm: 600, budget: "5", prices });
 * for await (const outcome of run) await append(outcome.ok ? results : errors, outcome.line);
 * console.log(run.stats, run.stopReason);
 */
export function runBatch(
  gloo: Gloo,
  requests: AsyncIterable<BatchRequestInput> | Iterable<BatchRequestInput>,
  options: BatchOptions = {},
): BatchRun {
  const runner = new Runner(gloo, options);
  return {
    get stats() {
      return runner.stats();
    },
    get stopReason() {
      return runner.stopReason;
    },
    stop: () => runner.stop(),
    [Symbol.asyncIterator]: () => runner.outcomes(requests)[Symbol.asyncIterator](),
  };
}

const BATCH_RETRY_POLICY = { ...DEFAULT_RETRY_POLICY, maxRetries: 5 };

class Runner {
  stopReason: BatchStopReason | undefined;
  readonly #gloo: Gloo;
  readonly #options: BatchOptions;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #maxRetries: number;
  readonly #pacer: BatchPacer;
  readonly #budget: SpendBudget | undefined;
  readonly #abort = new AbortController();
  // One controller per line in flight, aborted together with #abort: a listener each on their own
  // signal instead of hundreds on one shared signal.
  readonly #lines = new Set<AbortController>();
  readonly #queue = new AsyncQueue<BatchOutcome>();
  #inFlight = 0;
  // Lines started and not yet taken by the consumer: in flight, or answered and waiting to be
  // stored. The concurrency limit counts these, so that a crash loses at most `concurrency`
  // answered-but-unstored lines, not also a backlog of them.
  #held = 0;
  readonly #lineOutcomes = new WeakSet<BatchOutcome>();
  #finished: (() => void)[] = [];
  #stopped = false;
  #counts = {
    started: 0,
    succeeded: 0,
    failed: 0,
    retries: 0,
    rateLimited: 0,
    prompt: 0,
    completion: 0,
    unpriced: 0,
  };
  #cost = 0n;
  #longestHintMs = 0;

  constructor(gloo: Gloo, options: BatchOptions) {
    this.#gloo = gloo;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#random = options.random ?? Math.random;
    this.#maxRetries = atLeast("maxRetries", options.maxRetries ?? BATCH_RETRY_POLICY.maxRetries, 0);
    this.#pacer = new BatchPacer({
      concurrency: atLeast("concurrency", options.concurrency ?? 8, 1),
      rpm: options.rpm === undefined ? undefined : atLeast("rpm", options.rpm, 1),
      tpm: options.tpm === undefined ? undefined : atLeast("tpm", options.tpm, 1),
      policy: BATCH_RETRY_POLICY,
      now: this.#now,
      sleep: this.#sleep,
      random: this.#random,
    });
    if (options.budget !== undefined) {
      if (options.prices === undefined)
        throw new GlooError("runBatch: a budget needs a price list (options.prices).");
      const spent = parseDecimal(options.spent ?? "0");
      if (spent === undefined)
        throw new GlooError(`runBatch: spent ${JSON.stringify(options.spent)} is not an amount of USD.`);
      this.#budget = new SpendBudget(options.budget, spent);
    }
    this.#abort.signal.addEventListener("abort", () => {
      for (const line of this.#lines) line.abort(this.#abort.signal.reason);
    });
    options.signal?.addEventListener(
      "abort",
      () => {
        this.#stopped = true;
        this.stopReason ??= "stopped";
        this.#abort.abort(options.signal?.reason);
        this.#wakeDispatcher();
      },
      { once: true },
    );
  }

  stop(): void {
    this.#stopped = true;
    this.stopReason ??= "stopped";
    this.#wakeDispatcher();
  }

  async *outcomes(
    requests: AsyncIterable<BatchRequestInput> | Iterable<BatchRequestInput>,
  ): AsyncGenerator<BatchOutcome> {
    const dispatching = this.#dispatchAll(requests).then(
      () => this.#queue.end(),
      (error: unknown) => this.#queue.fail(error),
    );
    try {
      for await (const outcome of this.#queue) {
        yield outcome;
        // The consumer asked for the next one: it is done with this one (stored it, say).
        if (this.#lineOutcomes.has(outcome)) this.#release();
      }
    } finally {
      // The consumer left early (break or error): stop sending and abandon what is in flight; no
      // one reads the queue any more, so nothing may wait for room in it.
      this.#stopped = true;
      this.#abort.abort();
      this.#queue.end();
      this.#wakeDispatcher();
      await dispatching;
    }
  }

  stats(): BatchStats {
    const counts = this.#counts;
    return {
      started: counts.started,
      succeeded: counts.succeeded,
      failed: counts.failed,
      inFlight: this.#inFlight,
      retries: counts.retries,
      rateLimited: counts.rateLimited,
      promptTokens: counts.prompt,
      completionTokens: counts.completion,
      cost: formatExact(this.#cost),
      unpriced: counts.unpriced,
      ...(this.#budget === undefined ? {} : { budget: this.#budget.state() }),
      concurrency: this.#pacer.limit,
      pausedMs: this.#pacer.pausedMs(),
      ...(this.#longestHintMs > 0 ? { rateLimitWaitMs: this.#longestHintMs } : {}),
    };
  }

  async #dispatchAll(
    requests: AsyncIterable<BatchRequestInput> | Iterable<BatchRequestInput>,
  ): Promise<void> {
    const running = new Set<Promise<void>>();
    const iterator = isAsync(requests) ? requests[Symbol.asyncIterator]() : requests[Symbol.iterator]();
    try {
      while (!this.#stopped) {
        await this.#slot();
        if (this.#stopped) break;
        const next = await iterator.next();
        if (next.done === true) break;
        const started = await this.#start(next.value);
        if (started === undefined) continue;
        const task = started.done;
        running.add(task);
        void task.finally(() => running.delete(task));
      }
    } finally {
      await Promise.allSettled([...running]);
      await iterator.return?.();
    }
  }

  // A request may start when fewer than the adaptive limit are in flight and the consumer keeps up.
  async #slot(): Promise<void> {
    while (!this.#stopped && this.#held >= this.#pacer.limit) await this.#nextFinish();
    await this.#queue.below(this.#pacer.ceiling * 2);
  }

  #nextFinish(): Promise<void> {
    return new Promise((resolve) => this.#finished.push(resolve));
  }

  #wakeDispatcher(): void {
    const waiters = this.#finished;
    this.#finished = [];
    for (const resolve of waiters) resolve();
  }

  // Checks, quotes and reserves a line, then starts it; undefined when nothing runs (an invalid line
  // is reported at once; a line the budget cannot take stops the run, and stays unsent).
  async #start(input: BatchRequestInput): Promise<{ done: Promise<void> } | undefined> {
    const checked = checkBatchRequest(input, this.#options.defaultApi);
    if (checked.problems !== undefined) {
      this.#counts.failed++;
      this.#queue.push(invalidOutcome(input, checked.problems, this.#random));
      return undefined;
    }
    const quote = quoteRequest(checked.request, this.#options.prices);
    const reservation = await this.#reserve(checked.request, quote);
    if (reservation === "stop") {
      this.stopReason ??= "budget";
      this.#stopped = true;
      return undefined;
    }
    if (this.#stopped) {
      reservation?.release();
      return undefined;
    }
    this.#inFlight++;
    this.#held++;
    this.#counts.started++;
    const done = this.#runLine(checked.request, quote, reservation).then((outcome) => {
      this.#inFlight--;
      if (outcome === undefined)
        this.#release(); // abandoned: nothing for the consumer to take
      else {
        this.#lineOutcomes.add(outcome);
        this.#queue.push(outcome);
      }
      this.#wakeDispatcher();
    });
    return { done };
  }

  #release(): void {
    this.#held--;
    this.#wakeDispatcher();
  }

  // Reservations are worst cases: when one does not fit while others are held, wait for those to
  // settle (usually for much less) and try again; with nothing held, the budget is spent.
  async #reserve(request: BatchRequest, quote: RequestQuote): Promise<Reservation | undefined | "stop"> {
    const budget = this.#budget;
    if (budget === undefined) return undefined;
    if (quote.worst === undefined) {
      throw new GlooError(
        `runBatch: line ${request.customId} has no known worst-case cost (${quote.reason}); give the price list fallbackRates or drop the budget.`,
      );
    }
    for (;;) {
      const held = budget.tryReserve(quote.worst);
      if (held !== undefined) return held;
      if (!budget.holding || this.#stopped) return "stop";
      await this.#nextFinish();
    }
  }

  async #runLine(
    request: BatchRequest,
    quote: RequestQuote,
    reservation: Reservation | undefined,
  ): Promise<BatchOutcome | undefined> {
    const line = new AbortController();
    if (this.#abort.signal.aborted) line.abort(this.#abort.signal.reason);
    this.#lines.add(line);
    try {
      return await this.#attempts(request, quote, reservation, line.signal);
    } finally {
      this.#lines.delete(line);
    }
  }

  async #attempts(
    request: BatchRequest,
    quote: RequestQuote,
    reservation: Reservation | undefined,
    signal: AbortSignal,
  ): Promise<BatchOutcome | undefined> {
    let retries = 0;
    const estimate = quote.promptTokens + (quote.maxCompletionTokens ?? 0);
    for (;;) {
      let tokens: WindowEntry | undefined;
      let completion: ChatCompletion;
      try {
        tokens = await this.#pacer.admit(estimate, signal);
        completion = await this.#send(request, signal);
      } catch (error) {
        if (this.#abort.signal.aborted || error instanceof APIUserAbortError) {
          reservation?.release();
          return undefined;
        }
        if (tokens !== undefined) tokens.weight = 0; // refused or dropped: no tokens were used
        const failure = describeFailure(error);
        if (failure.status === 429 && this.#rateLimited(failure.headers, retries) === "stop") {
          // Waiting that long is not a retry: the line is not run, and a later run sends it.
          reservation?.release();
          return undefined;
        }
        if (!shouldRetry(failure, retries, this.#maxRetries)) {
          reservation?.release();
          this.#counts.failed++;
          return failedOutcome(request, failure, retries, this.#random);
        }
        const delay = retryDelay(
          retries,
          failure.headers,
          { now: this.#now, random: this.#random },
          BATCH_RETRY_POLICY,
        );
        retries++;
        this.#counts.retries++;
        try {
          await this.#sleep(delay, signal);
        } catch {
          reservation?.release();
          return undefined;
        }
        continue;
      }
      return this.#succeeded(request, completion, quote, reservation, tokens, retries);
    }
  }

  #send(request: BatchRequest, signal: AbortSignal): Promise<ChatCompletion> {
    const options = {
      signal,
      maxRetries: 0, // the runner retries, so that a 429 pauses every line, not just this one
      ...(this.#options.timeout === undefined ? {} : { timeout: this.#options.timeout }),
    };
    // The body was checked by checkBatchRequest (stream: true refused); cast to the JSON overload.
    const body = request.body as unknown as ChatCompletionCreateParamsV2NonStreaming &
      ChatCompletionCreateParamsNonStreaming;
    return request.api === "v1"
      ? this.#gloo.chat.completions.create(body, options)
      : this.#gloo.v2.chat.completions.create(body, options);
  }

  // A 429 asking to wait longer than the policy honours (a spent weekly cap answers 429 too)
  // stops the run, instead of failing every remaining line after its retries.
  #rateLimited(headers: Headers | undefined, retries: number): "stop" | undefined {
    this.#counts.rateLimited++;
    const tooLong = this.#pacer.rateLimited(headers, retries);
    if (tooLong === undefined) return undefined;
    this.#stopped = true;
    this.stopReason ??= "rate-limit";
    this.#longestHintMs = Math.max(this.#longestHintMs, tooLong.tooLongMs);
    this.#wakeDispatcher();
    return "stop";
  }

  #succeeded(
    request: BatchRequest,
    completion: ChatCompletion,
    quote: RequestQuote,
    reservation: Reservation | undefined,
    tokens: WindowEntry | undefined,
    retries: number,
  ): BatchOutcome {
    this.#pacer.succeeded();
    this.#counts.succeeded++;
    const usage = completion.usage;
    if (tokens !== undefined && usage !== undefined) tokens.weight = usage.total_tokens;
    this.#counts.prompt += usage?.prompt_tokens ?? 0;
    this.#counts.completion += usage?.completion_tokens ?? 0;
    const model = typeof completion.model === "string" ? completion.model : quote.candidates[0];
    const priced = this.#costOf(model, usage);
    const cost = priced?.result;
    if (priced?.units !== undefined) this.#cost += priced.units;
    else if (priced !== undefined) this.#counts.unpriced++;
    // Settle to the actual cost; when it cannot be known, keep the worst case as spent (safe side).
    reservation?.settle(priced?.units ?? reservation.amount);
    return {
      ok: true,
      line: successLine(request, completion, this.#random),
      retries,
      ...(model === undefined ? {} : { model }),
      ...(usage === undefined ? {} : { usage }),
      ...(cost === undefined ? {} : { cost }),
    };
  }

  #costOf(
    model: string | undefined,
    usage: CompletionUsage | undefined,
  ): { result: CostResult; units?: bigint | undefined } | undefined {
    const prices = this.#options.prices;
    if (prices === undefined) return undefined;
    if (usage === undefined) return { result: { cost: null, reason: "the response carried no usage" } };
    if (model === undefined) return { result: { cost: null, reason: "the response named no model" } };
    const rates = prices.rates(model);
    if (!isPriced(rates)) return { result: { cost: null, reason: rates.reason } };
    return { result: { cost: costOf(usage, rates) }, units: usageCostUnits(usage, rates) };
  }
}

/**
 * The results-file line of a completion, in OpenAI's request-output shape: the line {@link runBatch}
 * yields, for programs (such as `gloo worker`) that send lines themselves.
 */
export function resultLine(
  customId: string,
  completion: ChatCompletion,
  random = Math.random,
): BatchOutputLine {
  return successLine({ customId, api: "v1", body: {} }, completion, random);
}

/**
 * The errors-file line of a failed request, as {@link runBatch} writes it, with what a caller that
 * retries on its own needs: the status, the platform's `retryable` verdict and the headers.
 */
export function failureLine(
  customId: string,
  error: unknown,
  random = Math.random,
): {
  line: BatchOutputLine;
  status?: number | undefined;
  retryable?: boolean | undefined;
  headers?: Headers | undefined;
} {
  const failure = describeFailure(error);
  const { line } = failedOutcome({ customId, api: "v1", body: {} }, failure, 0, random);
  return {
    line,
    ...(failure.status === undefined ? {} : { status: failure.status }),
    retryable: failure.retryable,
    ...(failure.headers === undefined ? {} : { headers: failure.headers }),
  };
}

function isAsync<T>(value: AsyncIterable<T> | Iterable<T>): value is AsyncIterable<T> {
  return Symbol.asyncIterator in value;
}

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new GlooError(`runBatch: ${name} must be a whole number ≥ ${min}, got ${value}.`);
  }
  return value;
}
