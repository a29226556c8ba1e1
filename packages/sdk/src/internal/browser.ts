// Where the SDK runs: a page (or a frame) has a document; workers, Node, Deno, Bun and edge
// runtimes have none. Read through globalThis so that nothing here needs the DOM at run time.
import { CORSError } from "../errors.js";

/** True on a web page, where anyone who opens the page can read what the SDK was given. */
export function isBrowserPage(): boolean {
  const scope = globalThis as { document?: unknown; navigator?: unknown };
  return typeof scope.document === "object" && scope.document !== null && typeof scope.navigator === "object";
}

/**
 * A `CORSError` when the fetch of `url` (`what`: method and URL, for the message) failed the way
 * a CORS refusal does: a `TypeError` from fetch, on a page, for another origin. Browsers do not
 * let a page tell a CORS refusal from a network failure, so this is a likelihood, not a diagnosis.
 */
export function corsError(error: unknown, what: string, url: string): CORSError | undefined {
  const page = blockedCrossOrigin(error, url);
  if (page === undefined) return undefined;
  return new CORSError({
    message:
      `${what} failed in the browser with no answer the page may read: most likely the server does not allow ` +
      `requests from ${page} (CORS), or it is unreachable. Allow the origin on the server (gloo emulator --cors ${page}, ` +
      `gloo proxy --cors ${page}) or make the call from your own server. Not retried.`,
    cause: error,
  });
}

function blockedCrossOrigin(error: unknown, url: string): string | undefined {
  if (!(error instanceof TypeError) || !isBrowserPage()) return undefined;
  const page = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  if (typeof page !== "string") return undefined;
  try {
    return new URL(url).origin === page ? undefined : page;
  } catch {
    return undefined;
  }
}
