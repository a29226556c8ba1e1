// The chat completions resources: v1 (`/ai/v1/chat/completions`, deprecated by Gloo but still
// served) and v2 (`/ai/v2/chat/completions`, with routing). Both check the request with the
// pitfall guard, then send it through the request pipeline as JSON or as a stream.
import { type APIPromise, apiPromise } from "./api-promise.js";
import { ChatCompletionStream } from "./chat-stream.js";
import { guardMessages, guardRouting, guardValues, serializeBody } from "./guard.js";
import { type ApiRequest, requestJSON, requestStream, type Transport } from "./request.js";
import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParamsV2,
  ChatCompletionCreateParamsV2NonStreaming,
  ChatCompletionCreateParamsV2Streaming,
  ChatCompletionV2,
  RequestOptions,
  WithRequestId,
} from "./types.js";

/** What a resource needs from its client. */
export interface ResourceContext {
  transport: Transport;
  /** Run the pitfall guard before sending. */
  guard: boolean;
  /** Default milliseconds allowed between stream chunks. */
  idleTimeout: number;
}

/** `gloo.chat.completions`: the v1 endpoint. */
export class ChatCompletions {
  readonly #context: ResourceContext;

  constructor(context: ResourceContext) {
    this.#context = context;
  }

  /**
   * Creates a v1 chat completion; with `stream: true`, resolves to a stream once the headers arrived.
   * @example const completion = await gloo.chat.completions.create({ messages: [{ role: "user", content: "Hi" }] });
   */
  create(
    params: ChatCompletionCreateParamsStreaming,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream>;
  create(
    params: ChatCompletionCreateParamsNonStreaming,
    options?: RequestOptions,
  ): APIPromise<WithRequestId<ChatCompletion>>;
  create(
    params: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream | WithRequestId<ChatCompletion>>;
  create(
    params: ChatCompletionCreateParams,
    options: RequestOptions = {},
  ): APIPromise<ChatCompletionStream | WithRequestId<ChatCompletion>> {
    return createCompletion<ChatCompletion>(this.#context, "/ai/v1/chat/completions", params, options, false);
  }
}

/** `gloo.v2.chat.completions`: the v2 endpoint with routing and traditions. */
export class ChatCompletionsV2 {
  readonly #context: ResourceContext;

  constructor(context: ResourceContext) {
    this.#context = context;
  }

  /**
   * Creates a v2 chat completion routed by exactly one of `auto_routing: true`, `model` or `model_family`.
   * @example const completion = await gloo.v2.chat.completions.create({ auto_routing: true, messages });
   */
  create(
    params: ChatCompletionCreateParamsV2Streaming,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream>;
  create(
    params: ChatCompletionCreateParamsV2NonStreaming,
    options?: RequestOptions,
  ): APIPromise<WithRequestId<ChatCompletionV2>>;
  create(
    params: ChatCompletionCreateParamsV2,
    options?: RequestOptions,
  ): APIPromise<ChatCompletionStream | WithRequestId<ChatCompletionV2>>;
  create(
    params: ChatCompletionCreateParamsV2,
    options: RequestOptions = {},
  ): APIPromise<ChatCompletionStream | WithRequestId<ChatCompletionV2>> {
    return createCompletion<ChatCompletionV2>(
      this.#context,
      "/ai/v2/chat/completions",
      params,
      options,
      true,
    );
  }
}

function createCompletion<T extends ChatCompletion>(
  context: ResourceContext,
  path: string,
  params: ChatCompletionCreateParams | ChatCompletionCreateParamsV2,
  options: RequestOptions,
  routed: boolean,
): APIPromise<ChatCompletionStream | WithRequestId<T>> {
  let body: string;
  try {
    if (context.guard) guard(params, routed);
    body = serializeBody(params);
  } catch (error) {
    // create() always reports through its promise, even for mistakes found before sending.
    return apiPromise(Promise.reject(error), () => new Response());
  }
  const request = { method: "POST", path, body, auth: true } as const;
  // The JSON path returns the pipeline's promise as is: no extra async layer on the hot path.
  if (params.stream !== true) return requestJSON<T>(context.transport, request, options);
  const stream = openStream(context, request, options, params.stream_options?.include_usage);
  return apiPromise(stream, (opened) => opened.response);
}

function guard(params: ChatCompletionCreateParams | ChatCompletionCreateParamsV2, routed: boolean): void {
  guardMessages(params);
  guardValues(params as unknown as Record<string, unknown>);
  if (routed) guardRouting(params as unknown as Record<string, unknown>);
}

async function openStream(
  context: ResourceContext,
  request: ApiRequest,
  options: RequestOptions,
  includeUsage: boolean | undefined,
): Promise<ChatCompletionStream> {
  const open = await requestStream(context.transport, request, options);
  const stream = new ChatCompletionStream(open.response, {
    controller: open.controller,
    idleTimeout: options.idleTimeout ?? context.idleTimeout,
    requestId: open.requestId,
    includeUsage,
  });
  // The caller's signal, when there is one, is unlinked on completion (an abort unlinks it too).
  if (options.signal !== undefined) stream.done.then(open.release, ignore);
  return stream;
}

function ignore(): void {}
