import {
  type Gloo,
  type HealthCheckResult,
  healthChecks,
  type RunHealthChecksOptions,
  runHealthChecks as runSdkHealthChecks,
} from "@gloo-toolkit/sdk";
import { describeError } from "./error-message.js";
import { formatDuration, type Style } from "./output.js";

// The checks themselves live in the SDK (the playground's Health button runs them too); the CLI
// adds its error messages and its one-line format.
export { healthChecks };
/** A check's outcome with where and how long it ran. */
export type CheckResult = HealthCheckResult;

/** How the CLI runs the checks: an abort signal is required, errors read as the CLI words them. */
export interface RunChecksOptions extends Omit<RunHealthChecksOptions, "describeError"> {
  signal: AbortSignal;
}

/** Runs the SDK's checks, describing a failing check's error as every other CLI message does. */
export function runHealthChecks(
  client: Gloo,
  models: readonly string[],
  options: RunChecksOptions,
): Promise<CheckResult[]> {
  return runSdkHealthChecks(client, models, { ...options, describeError });
}

/** One result as a line: PASS/FAIL, the check, its latency, what came back and the request id. */
export function formatCheckLine(result: CheckResult, style: Style): string {
  const mark = result.ok ? style.green("PASS") : style.red("FAIL");
  const title = healthChecks.find((check) => check.id === result.check)?.title ?? result.check;
  const id = result.requestId === undefined ? "" : style.dim(`  [${result.requestId}]`);
  return `${mark}  ${title.padEnd(18)} ${formatDuration(result.latencyMs).padStart(8)}  ${result.detail}${id}`;
}
