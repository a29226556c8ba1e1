import { type CorsOrigins, parseCorsOrigins } from "@gloo-toolkit/servers";
import { UsageError } from "../errors.js";

/** `--cors ORIGINS` of `gloo emulator` and `gloo proxy` as origins, or a usage error saying what to fix. */
export function corsFlag(
  value: string | undefined,
  options: { command: string; allowAny: boolean },
): CorsOrigins | undefined {
  if (value === undefined) return undefined;
  try {
    return parseCorsOrigins(value, { allowAny: options.allowAny });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new UsageError(
      `--cors: ${error.message}.`,
      `Give comma-separated origins, e.g. --cors http://localhost:5173,https://app.example (see ${options.command} --help).`,
    );
  }
}

/** The banner's line on browser access. */
export function corsLine(cors: CorsOrigins | undefined): string {
  if (cors === undefined) return "no cross-origin pages (--cors ORIGINS lets pages on those origins call it)";
  if (cors === "*") return "pages on any origin may call it (--cors *)";
  return `pages on ${cors.join(", ")} may call it`;
}
