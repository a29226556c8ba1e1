import type { ProxyUpstream } from "@gloo-toolkit/servers";

/** A stand-in for a Gloo client: records what the proxy sends and answers with `respond`. */
export interface FakeUpstream extends ProxyUpstream {
  readonly requests: Request[];
}

export function fakeUpstream(
  respond: (request: Request) => Response | Promise<Response>,
  baseURL = "https://gloo.test",
): FakeUpstream {
  const requests: Request[] = [];
  return {
    baseURL,
    requests,
    async fetch(input, init) {
      const request = new Request(input, init);
      requests.push(request.clone());
      return respond(request);
    },
  };
}

/** A request to the proxy as a local client would send it. */
export function proxyRequest(
  path: string,
  init: RequestInit = {},
  origin = "http://127.0.0.1:8787",
): Request {
  return new Request(`${origin}${path}`, init);
}

/** An SSE body whose chunks the test pushes one at a time, with a record of how often it was pulled. */
export function controlledStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const state = { pulls: 0, cancelled: false as boolean, reason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        state.pulls += 1;
      },
      cancel(reason) {
        state.cancelled = true;
        state.reason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  const encoder = new TextEncoder();
  return {
    stream,
    state,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: (error: Error) => controller.error(error),
  };
}

export const sseEvent = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
