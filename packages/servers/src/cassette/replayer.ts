// `createReplayer`: a cassette as a fetch handler. A request is matched by method, path and the
// hash of its canonical body (canonical.ts); identical requests get the recorded answers in the
// order they were recorded, and once those are used up the last one again. A request the
// cassette lacks is a miss: in strict mode a 404 that names the nearest recordings and how the
// body differs; in fallback mode the emulator's model answers it, and the miss is reported.
import { randomUUID } from "node:crypto";
import { bearerToken } from "../emulator/auth.js";
import { createEmulator, type Emulator } from "../emulator/emulator.js";
import { MAX_BODY_BYTES, tooLarge } from "../emulator/request-body.js";
import { readCapped } from "../internal/read-capped.js";
import { DEFAULT_IGNORED_FIELDS, matchKey, toRecordedBody } from "./canonical.js";
import type { Cassette, Interaction, RecordedBody } from "./format.js";
import {
  type ComparedRequest,
  describeNearest,
  type NearestRecording,
  nearestRecordings,
} from "./nearest.js";
import { type ReplayClock, realClock, replayResponse } from "./replay-response.js";

/** `strict`: a request with no recording is refused; `fallback`: the emulator answers it. */
export type ReplayMode = "strict" | "fallback";

/** Options of {@link createReplayer}. */
export interface ReplayOptions {
  /** What a request with no recording gets. @default "strict" */
  mode?: ReplayMode | undefined;
  /** Pace as recorded divided by this: 2 is twice as fast, 0 sends everything at once. @default 1 */
  speed?: number | undefined;
  /** Top-level JSON body fields left out of the match. @default ["user", "metadata"] */
  ignore?: readonly string[] | undefined;
  /** The emulator that answers misses in fallback mode. @default createEmulator() */
  fallback?: Emulator | undefined;
  /** Called for every miss, as it happens (the CLI prints a line). */
  onMiss?: ((miss: ReplayMiss) => void) | undefined;
  /** The cassette's name in miss messages, e.g. its file name. @default "the cassette" */
  source?: string | undefined;
  /** Time and waiting, for the pacing; tests inject a fake. @default performance.now and setTimeout */
  clock?: ReplayClock | undefined;
}

/** A request the cassette had no recording for. */
export interface ReplayMiss {
  method: string;
  /** Path and query. */
  path: string;
  /** Who answered: the strict 404, or the fallback emulator. */
  answeredBy: "strict" | "emulator";
  /** The recordings nearest to it, best first. */
  nearest: NearestRecording[];
  /** The whole explanation, as the strict 404 carries it. */
  message: string;
}

/** A cassette served as a fetch handler. */
export interface Replayer {
  /** Answers one request; serve it with `serve(replayer.fetch)`. */
  fetch: (request: Request) => Promise<Response>;
  readonly mode: ReplayMode;
  /** Number of recorded interactions. */
  readonly interactions: number;
  /** Requests answered from the cassette so far. */
  readonly replayed: number;
  /** The misses so far, in order. */
  readonly misses: readonly ReplayMiss[];
}

const TOKEN_PATH = "/oauth2/token";

/**
 * Serves a cassette as the platform: recorded answers byte for byte (event streams frame by frame,
 * at the recorded pace divided by `speed`); a request whose recording carried a Bearer token must
 * carry one (any value: the cassette holds only placeholders), as the platform demands.
 * @example
 * const replayer = createReplayer(parseCassette(await readFile("chat.cassette.json", "utf8")));
 * const server = await serve(replayer.fetch, { port: 0 });
 */
export function createReplayer(cassette: Cassette, options: ReplayOptions = {}): Replayer {
  const mode = options.mode ?? "strict";
  const speed = options.speed ?? 1;
  if (mode !== "strict" && mode !== "fallback")
    throw new TypeError(`mode must be "strict" or "fallback" (got ${JSON.stringify(mode)}).`);
  if (!Number.isFinite(speed) || speed < 0)
    throw new TypeError(`speed must be a number ≥ 0 (got ${speed}); 0 replays without pauses.`);
  const ignore = options.ignore ?? DEFAULT_IGNORED_FIELDS;
  const clock = options.clock ?? realClock;
  const source = options.source ?? "the cassette";
  const fallback = mode === "fallback" ? (options.fallback ?? createEmulator()) : undefined;
  const queues = answerQueues(cassette.interactions, ignore);
  const misses: ReplayMiss[] = [];
  let replayed = 0;

  async function fetch(request: Request): Promise<Response> {
    const start = clock.now();
    const url = new URL(request.url);
    // The emulator's limit: a replay never holds an endless body in memory either.
    const bytes = await readCapped(request.body, MAX_BODY_BYTES);
    if (bytes === undefined) {
      const requestId = randomUUID();
      return withRequestId(tooLarge(requestId), requestId);
    }
    const live: ComparedRequest = {
      method: request.method,
      path: url.pathname + url.search,
      body: toRecordedBody(bytes, request.headers.get("content-type")),
    };
    const queue = queues.get(matchKey(live.method, live.path, live.body, ignore));
    if (queue === undefined) return miss(request, live, bytes);
    const interaction = queue.peek();
    if (needsBearer(interaction)) {
      const token = bearerToken(request);
      if (token instanceof Response) return withRequestId(token);
    }
    queue.advance();
    replayed++;
    return replayResponse(interaction.response, { clock, start, speed, signal: request.signal });
  }

  async function miss(
    request: Request,
    live: ComparedRequest,
    bytes: Uint8Array<ArrayBuffer>,
  ): Promise<Response> {
    const nearest = nearestRecordings(live, cassette.interactions, ignore);
    const headline = `No recording in ${source} matches ${live.method} ${live.path}.`;
    const hint =
      `Matching compares method, path and the JSON body${ignore.length > 0 ? ` without ${ignore.join(", ")}` : ""}. ` +
      "Re-record with this request, send the recorded one, or replay with --mode fallback to let the emulator answer what the cassette lacks.";
    const message = [headline, ...describeNearest(nearest), hint].join("\n");
    const answeredBy = fallback === undefined ? "strict" : "emulator";
    const entry: ReplayMiss = { method: live.method, path: live.path, answeredBy, nearest, message };
    misses.push(entry);
    options.onMiss?.(entry);
    if (fallback === undefined) return strictMiss(message);
    return fallback.fetch(await forEmulator(request, live, bytes, fallback));
  }

  return {
    fetch,
    mode,
    interactions: cassette.interactions.length,
    get replayed() {
      return replayed;
    },
    misses,
  };
}

/** The recorded answers to one request, in order; the last repeats once the others are used. */
interface AnswerQueue {
  /** The answer the next request gets. */
  peek(): Interaction;
  /** Uses it up (the last one never is). */
  advance(): void;
}

function answerQueues(interactions: readonly Interaction[], ignore: readonly string[]) {
  const grouped = new Map<string, Interaction[]>();
  for (const interaction of interactions) {
    const { method, path, body } = interaction.request;
    const key = matchKey(method, path, body, ignore);
    const list = grouped.get(key);
    if (list === undefined) grouped.set(key, [interaction]);
    else list.push(interaction);
  }
  const queues = new Map<string, AnswerQueue>();
  for (const [key, list] of grouped) {
    let used = 0;
    queues.set(key, {
      peek: () => list[Math.min(used, list.length - 1)] as Interaction,
      advance: () => {
        used++;
      },
    });
  }
  return queues;
}

// The platform refuses an API call without a Bearer token; the recording says whether it had one.
function needsBearer(interaction: Interaction): boolean {
  return /^bearer\s/i.test(interaction.request.headers.authorization ?? "");
}

// Not the platform's answer but the replay's own: a 404 (no SDK retries it) in the platform's AI
// error shape, so the SDK's APIError and the CLI show the whole message.
function strictMiss(message: string): Response {
  const requestId = randomUUID();
  const body = {
    error: {
      type: "invalid_request_error",
      code: "cassette_miss",
      name: "NO_RECORDING",
      message,
      retryable: false,
      trace_id: requestId.replaceAll("-", ""),
    },
  };
  return new Response(JSON.stringify(body), {
    status: 404,
    headers: { "content-type": "application/json", "x-request-id": requestId },
  });
}

function withRequestId(response: Response, requestId = randomUUID()): Response {
  response.headers.set("x-request-id", requestId);
  return response;
}

/**
 * The request as the fallback emulator must see it to answer as it would a real client: the
 * cassette accepts any credentials and any Bearer token (it holds only placeholders), the
 * emulator only its own. So a token request gets the emulator's client credentials, and a Bearer
 * token (a replayed placeholder or any other) is swapped for one the emulator issues.
 */
async function forEmulator(
  request: Request,
  live: ComparedRequest,
  bytes: Uint8Array<ArrayBuffer>,
  emulator: Emulator,
): Promise<Request> {
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  const init: RequestInit = { method: request.method, headers, signal: request.signal };
  if (live.path.split("?")[0] === TOKEN_PATH && request.method === "POST") {
    headers.set("authorization", basic(emulator));
    init.body = withoutFormCredentials(live.body);
    return new Request(request.url, init);
  }
  const authorization = headers.get("authorization");
  if (authorization !== null && /^bearer\s+\S+/i.test(authorization)) {
    headers.set("authorization", `Bearer ${await emulatorToken(emulator, request.url)}`);
  }
  if (bytes.byteLength > 0) init.body = bytes;
  return new Request(request.url, init);
}

function basic(emulator: Emulator): string {
  return `Basic ${Buffer.from(`${emulator.clientId}:${emulator.clientSecret}`).toString("base64")}`;
}

function withoutFormCredentials(body: RecordedBody | null): string {
  if (body === null || !("form" in body)) return "grant_type=client_credentials";
  const kept = body.form.filter(([name]) => name !== "client_id" && name !== "client_secret");
  return new URLSearchParams(kept).toString();
}

// A fresh token from the emulator's own endpoint: cheap (an HMAC), and never expired.
async function emulatorToken(emulator: Emulator, url: string): Promise<string> {
  const response = await emulator.fetch(
    new Request(new URL(TOKEN_PATH, url), {
      method: "POST",
      headers: { authorization: basic(emulator), "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=api/access",
    }),
  );
  const { access_token } = (await response.json()) as { access_token: string };
  return access_token;
}
