// The SSE body of a streamed completion (reference: docs.gloo.com "Completions streaming"):
// `data: {chunk}` events, the first delta carries the role, the last chunk of each choice its
// finish_reason; no `data: [DONE]` unless asked; usage chunk with `stream_options.include_usage`;
// mid-stream faults as a dropped connection or a `finish_reason: "error"` chunk.
import { type CompletionPlan, header } from "./completion.js";
import { STREAM_ERROR } from "./faults.js";
import { platformErrorObject } from "./http.js";

/** How a stream is paced and cut. */
export interface StreamOptions {
  includeUsage: boolean;
  doneSentinel: boolean;
  tokenDelayMs: number;
  dropAfter: number | undefined;
  errorAfter: number | undefined;
  requestId: string;
  sleep: (ms: number) => Promise<void>;
}

const encoder = new TextEncoder();

/** A `text/event-stream` body that emits the plan's chunks one by one, pulled by the reader. */
export function completionStream(plan: CompletionPlan, options: StreamOptions): ReadableStream<Uint8Array> {
  const events = chunksOf(plan, options.includeUsage);
  let sent = 0;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sent > 0 && options.tokenDelayMs > 0) await options.sleep(options.tokenDelayMs);
        if (cancelled) return;
        if (sent === options.dropAfter) {
          controller.error(new Error("Stream dropped by the emulator (drop-after fault)."));
          return;
        }
        if (sent === options.errorAfter) {
          controller.enqueue(encode(errorChunk(plan, options.requestId)));
          controller.close();
          return;
        }
        const next = events.next();
        if (next.done === true) {
          if (options.doneSentinel) controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
          return;
        }
        sent++;
        controller.enqueue(encode(next.value));
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

function encode(chunk: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);
}

function* chunksOf(plan: CompletionPlan, includeUsage: boolean): Generator<Record<string, unknown>> {
  const base = header(plan, "chat.completion.chunk");
  const chunk = (index: number, delta: Record<string, unknown>, finishReason: string | null = null) => ({
    ...base,
    choices: [
      { index, delta, finish_reason: finishReason, ...(plan.api === "v1" ? { logprobs: null } : {}) },
    ],
  });
  // Grounded completions announce their sources first (reference: the grounded API reference).
  if (plan.citations !== undefined) yield { ...base, choices: [], citations: plan.citations };
  for (let index = 0; index < plan.choices.length; index++)
    yield chunk(index, { role: "assistant", content: "" });
  const longest = Math.max(...plan.choices.map((c) => c.tokens.length));
  // With n > 1 the choices' tokens interleave, as OpenAI's streams do.
  for (let t = 0; t < longest; t++) {
    for (const [index, choice] of plan.choices.entries()) {
      const token = choice.tokens[t];
      if (token !== undefined) yield chunk(index, { content: token });
    }
  }
  for (const [index, choice] of plan.choices.entries()) {
    for (const [position, call] of (choice.toolCalls ?? []).entries()) {
      const start = {
        index: position,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: "" },
      };
      yield chunk(index, { tool_calls: [start] });
      yield chunk(index, { tool_calls: [{ index: position, function: { arguments: call.arguments } }] });
    }
    yield chunk(index, {}, choice.finishReason);
  }
  if (includeUsage) yield { ...base, choices: [], usage: plan.usage };
}

function errorChunk(plan: CompletionPlan, requestId: string): Record<string, unknown> {
  return {
    ...header(plan, "chat.completion.chunk"),
    choices: [{ index: 0, delta: {}, finish_reason: "error" }],
    ...platformErrorObject(STREAM_ERROR, requestId, "provider"),
  };
}
