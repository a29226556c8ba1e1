// What every API method returns: a Promise of the parsed result that can also hand over the raw
// HTTP response (status, headers) it came from, as openai-node's `withResponse()` does.

/** The parsed result of a call together with the HTTP response it was read from. */
export interface WithResponse<T> {
  data: T;
  /** The response: status and headers; its body was already read (or, for a stream, belongs to the stream). */
  response: Response;
}

/**
 * A Promise of a call's parsed result, plus `withResponse()` for the raw `Response` beside it.
 * @example
 * const { data, response } = await gloo.models.list().withResponse();
 * console.log(response.status, response.headers.get("date"), data.data.length);
 */
export interface APIPromise<T> extends Promise<T> {
  /** Resolves to the parsed result and the response; rejects as the call does. */
  withResponse(): Promise<WithResponse<T>>;
}

/**
 * Turns the pipeline's promise into an APIPromise. `responseOf` is read once the result exists;
 * the promise itself is returned, so awaiting the call costs no extra step.
 */
export function apiPromise<T>(promise: Promise<T>, responseOf: (data: T) => Response): APIPromise<T> {
  const api = promise as APIPromise<T>;
  api.withResponse = () => promise.then((data) => ({ data, response: responseOf(data) }));
  return api;
}
