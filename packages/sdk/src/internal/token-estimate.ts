// A tokenizer-free estimate of prompt size. OpenAI's rule of thumb is about 4 characters of
// English per token; each message costs about 4 more tokens of role and framing. Images count as
// 85 tokens, OpenAI's price of a low-detail image.
import type { ChatCompletionMessageParam } from "../types.js";

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;
const TOKENS_PER_IMAGE = 85;

/** Estimated tokens one message adds to a prompt. */
export function estimateMessageTokens(message: ChatCompletionMessageParam): number {
  let chars = 0;
  let images = 0;
  const content = message.content;
  if (typeof content === "string") chars += content.length;
  else if (Array.isArray(content)) {
    for (const part of content) {
      if (part.type === "text") chars += part.text.length;
      else images++;
    }
  }
  if (message.role === "assistant" && message.tool_calls) {
    for (const call of message.tool_calls)
      chars += call.function.name.length + call.function.arguments.length;
  }
  return TOKENS_PER_MESSAGE + Math.ceil(chars / CHARS_PER_TOKEN) + images * TOKENS_PER_IMAGE;
}
