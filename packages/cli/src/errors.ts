/** The exit codes the README documents ("The `gloo` command"). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
} as const;

/**
 * The exit code of a command stopped by its signal: 143 when `main` aborted it for SIGTERM (the
 * abort reason is the signal's name), else 130 (SIGINT, Ctrl-C, or a test's abort).
 */
export function interruptedExitCode(signal: AbortSignal): number {
  return signal.reason === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted;
}

/** A mistake in how the command was called or configured: exit 2, message only, no stack. */
export class UsageError extends Error {
  override name = "UsageError";
  /** Optional second paragraph: how to fix it. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

/** The platform (or a health check) answered with a failure: exit 1, message only. */
export class FailureError extends Error {
  override name = "FailureError";
  readonly hint: string | undefined;
  /** The platform's request id, when the failure was its answer. */
  readonly requestId: string | undefined;
  constructor(message: string, hint?: string, requestId?: string) {
    super(message);
    this.hint = hint;
    this.requestId = requestId;
  }
}
