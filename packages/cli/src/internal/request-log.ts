// `gloo emulator --request-log FILE`: one JSON line per request, written when it is answered —
// arrival time (epoch ms), method, path, status (or "dropped"), ms to the answer, request id — so a
// test or a user can check what reached the server and when (pacing, pauses, repeats).
import { appendFileSync, writeFileSync } from "node:fs";
import type { FetchHandler } from "@gloo-toolkit/servers";
import { UsageError } from "../errors.js";

/** One logged request. */
export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number | "dropped";
  ms: number;
  requestId: string | null;
}

/** Wraps a handler so every request is appended to `path` (created empty first). */
export function requestLogged(handler: FetchHandler, path: string): FetchHandler {
  try {
    writeFileSync(path, "");
  } catch (error) {
    throw new UsageError(`cannot write --request-log ${path}: ${(error as Error).message}`);
  }
  // Synchronous appends: each line lands whole and in order, and a reader sees it at once.
  const write = (entry: RequestLogEntry) => appendFileSync(path, `${JSON.stringify(entry)}\n`);
  return async (request) => {
    const at = Date.now();
    const started = performance.now();
    const base = { at, method: request.method, path: new URL(request.url).pathname };
    const ms = () => Number((performance.now() - started).toFixed(1));
    try {
      const response = await handler(request);
      write({ ...base, status: response.status, ms: ms(), requestId: response.headers.get("x-request-id") });
      return response;
    } catch (error) {
      write({ ...base, status: "dropped", ms: ms(), requestId: null });
      throw error;
    }
  };
}
