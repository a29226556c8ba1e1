/** Resolves once `signal` aborts (SIGINT/SIGTERM for a command): how long-running commands wait. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
