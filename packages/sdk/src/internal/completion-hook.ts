// Lets the conversation learn how a stream it started ends, without adding a public option:
// the hook is keyed by the options object of that one call.
import type { ChatCompletion, RequestOptions } from "../types.js";

/** What a conversation wants to hear from a stream it started. */
export interface CompletionHook {
  /** The stream completed: the assembled reply. */
  complete(completion: ChatCompletion): void;
  /** The stream failed, or was aborted or closed before it completed. */
  incomplete(): void;
}

const hooks = new WeakMap<RequestOptions, CompletionHook>();

/** Returns a copy of `options` whose stream reports how it ends to `hook`. */
export function withCompletionHook(options: RequestOptions, hook: CompletionHook): RequestOptions {
  const copy = { ...options };
  hooks.set(copy, hook);
  return copy;
}

/** The hook registered for these options, if any. */
export function completionHookOf(options: RequestOptions): CompletionHook | undefined {
  return hooks.get(options);
}
