// Lets the conversation learn when a stream it started completes, without adding a public option:
// the hook is keyed by the options object of that one call.
import type { ChatCompletion, RequestOptions } from "../types.js";

type CompletionHook = (completion: ChatCompletion) => void;

const hooks = new WeakMap<RequestOptions, CompletionHook>();

/** Returns a copy of `options` whose stream reports its assembled completion to `hook`. */
export function withCompletionHook(options: RequestOptions, hook: CompletionHook): RequestOptions {
  const copy = { ...options };
  hooks.set(copy, hook);
  return copy;
}

/** The hook registered for these options, if any. */
export function completionHookOf(options: RequestOptions): CompletionHook | undefined {
  return hooks.get(options);
}
