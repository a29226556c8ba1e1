import type { WithRequestId } from "../types.js";

/** Attaches `requestId` as a non-enumerable property, so JSON of the value stays the API's body. */
export function attachRequestId<T extends object>(value: T, requestId: string | undefined): WithRequestId<T> {
  Object.defineProperty(value, "requestId", { value: requestId, enumerable: false, configurable: true });
  return value as WithRequestId<T>;
}
