// Which faults a request gets, and applying the ones that act before an answer exists.
import { DROP_CONNECTION } from "../node-server.js";
import {
  badFaultHeader,
  FAULT_HEADER,
  type FaultSpec,
  faultResponse,
  parseFaultHeader,
  pickFault,
  type RequestFaults,
} from "./faults.js";
import type { Random } from "./random.js";

/** The faults of one emulator: per-request header, a queue for tests, and random rates. */
export interface FaultSource {
  /** The request's faults (the header wins, then a queued fault, then the rates), or a header error. */
  forRequest(request: Request, useRates: boolean): RequestFaults | string;
  /** Queues `fault` (header syntax) for the next request that uses rates. */
  queue(fault: string): void;
}

/** Creates the fault source of one emulator. */
export function createFaultSource(spec: FaultSpec, random: Random, retryAfter?: number): FaultSource {
  const queued: RequestFaults[] = [];
  return {
    forRequest(request, useRates) {
      const header = request.headers.get(FAULT_HEADER);
      if (header !== null) return parseFaultHeader(header);
      if (!useRates) return {};
      const queuedFault = queued.shift();
      if (queuedFault !== undefined) return queuedFault;
      const picked = pickFault(spec, random);
      // A random 429's Retry-After, when the emulator was given one (else the default of faultResponse).
      if (picked.status === 429 && retryAfter !== undefined) picked.retryAfter = retryAfter;
      return picked;
    },
    queue(fault) {
      const parsed = parseFaultHeader(fault);
      if (typeof parsed === "string") throw new TypeError(parsed);
      queued.push(parsed);
    },
  };
}

/** What applying faults needs from the emulator. */
export interface FaultClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Applies latency, a dropped connection or an error status; otherwise calls `next` with the
 * faults left for it (mid-stream ones, a token TTL).
 */
export async function withFaults(
  request: Request,
  requestId: string,
  faults: RequestFaults | string,
  clock: FaultClock,
  next: (faults: RequestFaults) => Promise<Response>,
): Promise<Response> {
  if (typeof faults === "string") return badFaultHeader(faults, requestId);
  if (faults.latencyMs !== undefined && faults.latencyMs > 0)
    await clock.sleep(faults.latencyMs, request.signal);
  if (faults.drop === true) throw DROP_CONNECTION;
  if (faults.status !== undefined) return faultResponse(faults, requestId, clock.now());
  return next(faults);
}
