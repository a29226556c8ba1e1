import { concatBytes } from "../internal/read-capped.js";
import type { TokenUsage } from "./metrics.js";

/** How a relayed body ended. */
export type TapEnd =
  | { outcome: "complete"; usage: TokenUsage | undefined }
  | { outcome: "client_closed" | "upstream_error"; usage: TokenUsage | undefined };

/** JSON bodies bigger than this are relayed but not parsed for `usage`. */
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
  const reader = body.getReader();
  const sniffer = kind === "sse" ? sseSniffer() : kind === "json" ? jsonSniffer() : undefined;
  let ended = false;
  const end = (outcome: TapEnd["outcome"]) => {
    if (ended) return;
    ended = true;
    onEnd({ outcome, usage: outcome === "complete" ? sniffer?.finish() : sniffer?.latest() });
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          end("upstream_error");
          throw error;
        }
        if (result.done) {
          // Already ended means the client cancelled while this read was pending: nothing to close.
          if (ended) return;
          end("complete");
          controller.close();
          return;
        }
        controller.enqueue(result.value);
        sniffer?.push(result.value);
      },
      async cancel(reason) {
        end("client_closed");
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

interface Sniffer {
  push(chunk: Uint8Array): void;
  /** Usage seen so far. */
  latest(): TokenUsage | undefined;
  /** Usage once the body is complete. */
  finish(): TokenUsage | undefined;
}

// SSE: scan complete `data:` lines for a usage object; the last one wins (it is the final count).
// A line longer than MAX_JSON_BYTES characters is relayed but not kept or scanned, so a line that
// never ends cannot grow the proxy's memory.
function sseSniffer(): Sniffer {
  const decoder = new TextDecoder();
  let pending = "";
  let skipping = false;
  let usage: TokenUsage | undefined;
  const scan = (line: string) => {
    if (!line.startsWith("data:") || !line.includes('"usage"')) return;
    usage = usageOf(parse(line.slice(5).trim())) ?? usage;
  };
  return {
    push(chunk) {
      const lines = (pending + decoder.decode(chunk, { stream: true })).split(/\r\n|\r|\n/);
      pending = lines.pop() ?? "";
      // The first piece ends the line being skipped, if there is one.
      if (skipping && lines.length > 0) {
        lines.shift();
        skipping = false;
      }
      for (const line of lines) scan(line);
      if (pending.length > MAX_JSON_BYTES) {
        pending = "";
        skipping = true;
      }
    },
    latest: () => usage,
    finish() {
      if (!skipping) scan(pending + decoder.decode());
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
