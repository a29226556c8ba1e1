import { createSSEParser } from "@gloo-toolkit/sdk";
import { concatBytes } from "../internal/read-capped.js";
import { teeBody } from "../internal/tee-body.js";
import type { TokenUsage } from "./metrics.js";

/** How a relayed body ended. */
export type TapEnd =
  | { outcome: "complete"; usage: TokenUsage | undefined }
  | { outcome: "client_closed" | "upstream_error"; usage: TokenUsage | undefined };

/** JSON bodies (and SSE events, in characters) bigger than this are relayed but not parsed for `usage`. */
const MAX_JSON_BYTES = 4 * 2 ** 20;

/**
 * Relays `body` chunk by chunk, pulling from upstream only when the client reads (backpressure:
 * `highWaterMark` 0), and reads `usage` out of the bytes as they pass without holding any back.
 * Cancelling the result (the client left) cancels the upstream body. `onEnd` runs exactly once.
 */
export function tapUsage(
  body: ReadableStream<Uint8Array>,
  kind: "sse" | "json" | "other",
  onEnd: (end: TapEnd) => void,
): ReadableStream<Uint8Array> {
  const sniffer = kind === "sse" ? sseSniffer() : kind === "json" ? jsonSniffer() : undefined;
  return teeBody(body, {
    chunk: (bytes) => sniffer?.push(bytes),
    end(end) {
      if (end.kind === "complete") onEnd({ outcome: "complete", usage: sniffer?.finish() });
      else
        onEnd({
          outcome: end.kind === "cancelled" ? "client_closed" : "upstream_error",
          usage: sniffer?.latest(),
        });
    },
  });
}

interface Sniffer {
  push(chunk: Uint8Array): void;
  /** Usage seen so far. */
  latest(): TokenUsage | undefined;
  /** Usage once the body is complete. */
  finish(): TokenUsage | undefined;
}

// SSE: the SDK's parser reads the events; the usage of the last one that carries it wins (it is
// the final count). An event larger than MAX_JSON_BYTES characters makes the parser throw rather
// than buffer it: the stream is still relayed whole, but not scanned any further, so a line that
// never ends cannot grow the proxy's memory.
function sseSniffer(): Sniffer {
  let usage: TokenUsage | undefined;
  let scanning = true;
  const parser = createSSEParser({
    maxEventSize: MAX_JSON_BYTES,
    onEvent({ data }) {
      if (data.includes('"usage"')) usage = usageOf(parse(data)) ?? usage;
    },
  });
  const guarded = (step: () => void) => {
    if (!scanning) return;
    try {
      step();
    } catch {
      scanning = false;
    }
  };
  return {
    push: (chunk) => guarded(() => parser.feed(chunk)),
    latest: () => usage,
    finish() {
      guarded(() => parser.end());
      return usage;
    },
  };
}

function jsonSniffer(): Sniffer {
  const parts: Uint8Array[] = [];
  let size = 0;
  return {
    push(chunk) {
      size += chunk.byteLength;
      if (size <= MAX_JSON_BYTES) parts.push(chunk);
    },
    latest: () => undefined,
    finish() {
      if (size > MAX_JSON_BYTES) return undefined;
      return usageOf(parse(new TextDecoder().decode(concatBytes(parts, size))));
    },
  };
}

/** The token usage in a whole JSON completion body, if it has one. */
export function usageOfJson(text: string): TokenUsage | undefined {
  return usageOf(parse(text));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function usageOf(value: unknown): TokenUsage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const usage = (value as { usage?: unknown }).usage;
  if (typeof usage !== "object" || usage === null) return undefined;
  const { prompt_tokens, completion_tokens } = usage as Record<string, unknown>;
  if (typeof prompt_tokens !== "number" || typeof completion_tokens !== "number") return undefined;
  const { model } = value as { model?: unknown };
  return typeof model === "string"
    ? { promptTokens: prompt_tokens, completionTokens: completion_tokens, model }
    : { promptTokens: prompt_tokens, completionTokens: completion_tokens };
}
