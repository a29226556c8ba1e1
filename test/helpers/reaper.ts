// Child processes a test file started (servers, workers, redis-server) end with the file, even when
// a failed assertion skipped the test's own stop: a hook that this module registers at import kills
// whatever is still running once the file's tests are done, and an exit handler does the same if
// the test process itself ends first.
import type { ChildProcess } from "node:child_process";
import { afterAll } from "vitest";

const live = new Set<{ child: ChildProcess; group: boolean }>();

function killAll(): void {
  for (const entry of live) {
    const { child, group } = entry;
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        // A detached child leads its own process group (npx runs the real command under it).
        if (group) process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    live.delete(entry);
  }
}

afterAll(killAll);
process.once("exit", killAll);

/**
 * Hands `child` to the reaper: killed (its process group when `group`) after the test file, if it
 * is still running then. Returns `child`.
 */
export function reap<T extends ChildProcess>(child: T, group = false): T {
  const entry = { child, group };
  live.add(entry);
  child.once("exit", () => live.delete(entry));
  return child;
}
