import { join } from "node:path";
import { readIfExists, writePrivateFile } from "./private-file.js";

/** The repl's up-arrow history across sessions: a JSON array, newest first, in the data directory. */
export interface ReplHistory {
  entries: string[];
  /** Saves the history readline reports; writes one at a time, the latest last. */
  save(entries: string[]): void;
  /** Resolves once the writes asked for so far are done (a failed write is reported once, then ignored). */
  flush(): Promise<void>;
}

/** Loads the history file (an unreadable or malformed one starts empty); without a directory, nothing persists. */
export async function openReplHistory(
  dataDir: string | undefined,
  warn: (text: string) => void,
): Promise<ReplHistory> {
  const path = dataDir === undefined ? undefined : join(dataDir, "repl-history.json");
  const entries = path === undefined ? [] : parse(await readIfExists(path).catch(() => undefined));
  let writes = Promise.resolve();
  let warned = false;
  return {
    entries,
    save(latest) {
      if (path === undefined) return;
      const text = `${JSON.stringify(latest.slice(0, 1000))}\n`;
      writes = writes
        .then(() => writePrivateFile(path, text))
        .catch((error: unknown) => {
          if (!warned) warn(`(history not saved: ${(error as Error).message})`);
          warned = true;
        });
    },
    flush: () => writes,
  };
}

function parse(text: string | undefined): string[] {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}
