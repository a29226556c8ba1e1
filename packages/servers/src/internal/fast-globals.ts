// Installs the fast web classes as the globals (`serve`'s `overrideGlobalObjects`), as
// @hono/node-server does: `Response` keeps whole bodies for `serve` to write in one go, `Request`
// and `fetch` accept the IncomingRequest `serve` hands a handler. Code using the globals sees
// standard classes; only the Node adapter knows the difference.
import { FastRequest, realRequest } from "./fast-request.js";
import { FastResponse } from "./fast-response.js";

/** Replaces the global Request, Response and fetch once per process; later calls do nothing. */
export function overrideGlobalObjects(): void {
  if (globalThis.Response === (FastResponse as unknown)) return;
  const realFetch = globalThis.fetch;
  globalThis.Request = FastRequest as typeof Request;
  globalThis.Response = FastResponse as unknown as typeof Response;
  globalThis.fetch = function fetch(input, init) {
    return realFetch(realRequest(input), init);
  };
}
